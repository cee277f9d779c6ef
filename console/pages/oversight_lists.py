"""Oversight in the console, part three: red and black lists (draft, notices, objections
decided, publication, withdrawal, credit repairs), a unit's credit record and its export
(through the console's export machinery, recorded in `console_export_log`), and the
oversight dashboard (charts with their numbers beside them)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from console import lookups
from console import names as display
from console.pages.exports import attachment
from console.pages.oversight import (
    COLOUR_NAMES,
    DECISION_NAMES,
    LIMIT,
    NOTICE_NAMES,
    REMOVAL_NAMES,
    STEP_NAMES,
    category_names,
    name_of,
    nice_score,
    unit_type,
)
from console.web import Ctx, form_data, local, redirect
from kernel import localtime, tabular
from kernel.errors import Invalid
from kernel.http import parse
from kernel.i18n import N_, translate
from oversight import dashboard as figures
from oversight import lists, preview, record, units
from oversight.models import REASON_NAMES, CreditRepair, ListEntry, Objection, Unit
from oversight.rules import period_of, previous_period, rules_at
from oversight.schemas import ComputeIn, DecisionReason, ObjectionDecisionIn, RepairDecisionIn
from oversight.scope import readable_lists, readable_objections, readable_repairs

# --- lists ---------------------------------------------------------------------------------


async def lists_page(ctx: Ctx) -> Response:
    found = await readable_lists(ctx.who).rows().order_by("-period", "unit_type").limit(LIMIT)
    rows = [
        {"list": lst, "type": unit_type(lst.unit_type), "status": display.status(lst.status)}
        for lst in found
    ]
    kind = "quarter"
    if ctx.who.district_id:
        kind = (await rules_at(ctx.who.district_id)).list_period
    now = datetime.now(UTC)
    return ctx.render(
        "oversight/lists.html",
        rows=rows,
        last_period=previous_period(now, kind),
        current_period=period_of(now, kind),
    )


async def preview_page(ctx: Ctx) -> Response:
    """The period under way as its lists would be drafted now, marked provisional: computed
    by the lists' own rule and rolled back, never kept, sent or published."""
    assert ctx.who.district_id is not None  # workers and district administrators
    shown = await preview.preview(ctx.who.district_id)
    provisional = [
        {
            "type": unit_type(p.unit_type),
            "entries": [
                {
                    **e,
                    "colour_name": name_of(COLOUR_NAMES, e["colour"]),
                    "reason": name_of(REASON_NAMES, e["reason_category"]),
                    "score": nice_score(e["score"]),
                }
                for e in p.entries
            ],
        }
        for p in shown.lists
    ]
    return ctx.render(
        "oversight/list_preview.html",
        period=shown.period,
        scored=shown.scored_units,
        provisional=provisional,
    )


async def compute(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    body = parse(ComputeIn, {"period": values.get("period", "")})
    assert isinstance(body, ComputeIn) and ctx.who.district_id is not None
    done = await lists.compute(ctx.who.district_id, body.period)
    await ctx.say(
        translate(
            "{period}: {units} units scored, {lists} lists drafted.",
            period=localtime.period_name(body.period),
            units=done["scored_units"],
            lists=done["lists"],
        )
    )
    return redirect("/console/oversight/lists")


async def _appeal_rows(appeals: list[Any], names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "appeal": a,
            "unit": names.get(a.unit_id, "—"),
            "decision": name_of(DECISION_NAMES, a.decision),
        }
        for a in appeals
    ]


async def list_detail(ctx: Ctx) -> Response:
    unit_list = await lists.get_list(ctx.request.path_params["id"], who=ctx.who)
    entries = await lists.entries_of(unit_list)
    entry_ids = [e["id"] for e in entries]
    names = {e["unit_id"]: e["unit_name"] for e in entries}
    objections = (
        await readable_objections(ctx.who)
        .rows()
        .filter(entry_id__in=entry_ids)
        .order_by("submitted_at")
    )
    repairs = (
        await readable_repairs(ctx.who)
        .rows()
        .filter(entry_id__in=entry_ids)
        .order_by("submitted_at")
    )
    publications = await lists.publications(unit_list)
    people = await lookups.staff_names(p.by for p in publications)
    return ctx.render(
        "oversight/list.html",
        unit_list=unit_list,
        type=unit_type(unit_list.unit_type),
        status_name=display.status(unit_list.status),
        entries=[
            {
                **e,
                "colour_name": name_of(COLOUR_NAMES, e["colour"]),
                "reason": name_of(REASON_NAMES, e["reason_category"]),
                "removed_name": name_of(REMOVAL_NAMES, e["removed"]) if e["removed"] else "",
                "score": nice_score(e["score"]),
            }
            for e in entries
        ],
        objections=await _appeal_rows(objections, names),
        repairs=await _appeal_rows(repairs, names),
        publications=[
            {"p": p, "by": people.get(p.by, "—"), "count": len(p.entries)} for p in publications
        ],
        admin=ctx.who.role == "district_admin",
        window_open=unit_list.objection_deadline is not None
        and datetime.now(UTC) < unit_list.objection_deadline,
    )


async def list_action(ctx: Ctx) -> Response:
    unit_list = await lists.get_list(ctx.request.path_params["id"], who=ctx.who)
    action = ctx.request.path_params["action"]
    if action == "notices":
        await lists.send_notices(unit_list, by=ctx.who)
        await ctx.say(translate("Each black-listed unit is told; the objection window is open."))
    elif action == "publish":
        await lists.publish(unit_list, by=ctx.who)
        await ctx.say(translate("The list is published."))
    else:
        raise Invalid(N_("No such action."), errors=[{"field": "action", "message": N_("unknown")}])
    return redirect(f"/console/oversight/lists/{unit_list.id}")


async def withdraw_entry(ctx: Ctx) -> Response:
    entry = await lists.get_entry(ctx.request.path_params["id"], who=ctx.who)
    values = await form_data(ctx)
    body = parse(DecisionReason, {"reason": values.get("reason", "")})
    assert isinstance(body, DecisionReason)
    await lists.withdraw(entry, by=ctx.who, reason=body.reason)
    await ctx.say(translate("The entry is withdrawn; the reason is kept."))
    return redirect(f"/console/oversight/lists/{entry.list_id}")


async def decide(ctx: Ctx) -> Response:
    """Decides an objection (uphold / remove) or a credit repair (grant / refuse)."""
    kind = ctx.request.path_params["kind"]
    values = await form_data(ctx)
    data = {"decision": values.get("decision", ""), "reason": values.get("reason", "")}
    appeal: Objection | CreditRepair
    if kind == "objections":
        body = parse(ObjectionDecisionIn, data)
        assert isinstance(body, ObjectionDecisionIn)
        objection = await lists.get_objection(ctx.request.path_params["id"], who=ctx.who)
        appeal = await lists.decide_objection(
            objection, by=ctx.who, decision=body.decision, reason=body.reason
        )
    elif kind == "repairs":
        repair_body = parse(RepairDecisionIn, data)
        assert isinstance(repair_body, RepairDecisionIn)
        repair = await lists.get_repair(ctx.request.path_params["id"], who=ctx.who)
        appeal = await lists.decide_repair(
            repair, by=ctx.who, decision=repair_body.decision, reason=repair_body.reason
        )
    else:
        raise Invalid(N_("No such decision."), errors=[{"field": "kind", "message": N_("unknown")}])
    await ctx.say(
        translate("Decided: {decision}.", decision=name_of(DECISION_NAMES, appeal.decision))
    )
    entry = await ListEntry.get(id=appeal.entry_id)
    return redirect(f"/console/oversight/lists/{entry.list_id}")


# --- a unit's credit record ----------------------------------------------------------------

RECORD_KINDS = {
    "inspection": N_("Inspection"),
    "objection": N_("Objection"),
    "repair": N_("Application for credit repair"),
    "confirmed_report": N_("Confirmed problem report"),
}
RECORD_HEADERS = (N_("Time"), N_("What"), N_("Details"), N_("Who"))


def _kind(kind: str) -> str:
    """`rectification:opened` → 整改 · 开启; every part by its name."""
    head, _sep, tail = kind.partition(":")
    if head == "rectification":
        return translate("Rectification") + " · " + name_of(STEP_NAMES, tail)
    if head == "notice":
        return translate("Notice") + " · " + name_of(NOTICE_NAMES, tail)
    if head == "list":
        return name_of(COLOUR_NAMES, tail)
    if head == "list_removal":
        return name_of(REMOVAL_NAMES, tail)
    if head in ("objection", "repair") and tail:
        return name_of(RECORD_KINDS, head) + " · " + name_of(DECISION_NAMES, tail)
    return name_of(RECORD_KINDS, head)


def _summary(event: record.RecordEvent) -> str:
    """List entries carry `period reason score`: the reason by its name."""
    if event.kind.startswith("list:"):
        parts = event.summary.split(" ")
        if len(parts) == 3:
            period = localtime.period_name(parts[0])
            return f"{period} · {name_of(REASON_NAMES, parts[1])} · {nice_score(parts[2])}"
    if event.kind == "inspection":
        score, _sep, verdict = event.summary.partition(" ")
        return f"{nice_score(score)} {verdict}"
    if event.kind == "confirmed_report":
        return ""
    return event.summary


async def _record_rows(ctx: Ctx, unit: Unit) -> list[list[str]]:
    events = await record.unit_record(unit, who=ctx.who)
    names = await lookups.staff_names(e.actor or "" for e in events)
    unit_view = ctx.who.role == "unit_staff"
    rows = []
    for event in events:
        if unit_view:
            who = ""
        elif event.actor and event.actor.startswith("staff:"):
            who = names.get(event.actor, "—")
        else:
            who = translate("The system") if event.actor else ""
        rows.append([local(event.at), _kind(event.kind), _summary(event), who])
    return rows


async def record_page(ctx: Ctx) -> Response:
    unit = await units.get_unit(ctx.request.path_params["id"], who=ctx.who)
    return ctx.render(
        "oversight/record.html",
        unit=unit,
        type=unit_type(unit.type),
        rows=await _record_rows(ctx, unit),
        unit_view=ctx.who.role == "unit_staff",
    )


async def record_export(ctx: Ctx) -> Response:
    """The record as CSV or XLSX, streamed by the console's export writer; the export is
    logged (who, which unit's record, when) after the last byte."""
    unit = await units.get_unit(ctx.request.path_params["id"], who=ctx.who)
    fmt = ctx.request.query_params.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        raise Invalid(
            N_("Choose CSV or XLSX."), errors=[{"field": "format", "message": N_("CSV or XLSX")}]
        )
    rows = await _record_rows(ctx, unit)

    async def chunks() -> AsyncIterator[list[list[Any]]]:
        yield rows

    chosen: tabular.Format = "csv" if fmt == "csv" else "xlsx"
    headers = [translate(h) for h in RECORD_HEADERS]
    body = tabular.stream(chosen, translate("Credit record"), headers, chunks())
    name = f"{translate(display.EXPORTS['unit-record'])}_{unit.name}.{fmt}"
    covered = record.period_covered(unit)
    return attachment(ctx, body, chosen, name, kind="unit-record", period=covered)


# --- dashboard -----------------------------------------------------------------------------


async def dashboard_page(ctx: Ctx) -> Response:
    data = await figures.dashboard(ctx.who)
    communities = await lookups.communities(r["community_id"] for r in data["open_problems"])
    categories = await category_names(ctx.who.district_id)
    problems = [
        {
            **r,
            "category_name": categories.get(r["category"], translate("Unknown")),
            "community_name": communities[r["community_id"]].name
            if r["community_id"] in communities
            else "—",
        }
        for r in data["open_problems"]
    ]
    by_category: dict[str, int] = {}
    for r in problems:
        by_category[r["category_name"]] = by_category.get(r["category_name"], 0) + r["open"]
    rect = data["rectification"]
    rect_rows = [
        (translate("Closed on time"), rect["closed_on_time"]),
        (translate("Closed late"), rect["closed_late"]),
        (translate("Open, on time"), rect["open_on_time"]),
        (translate("Open, overdue"), rect["open_overdue"]),
    ]
    scores = data["inspection_scores"]
    movement = [{**m, "type": unit_type(m["unit_type"])} for m in data["list_movement"]]
    charts = {
        "problems": {
            "kind": "bar",
            "categories": list(by_category),
            "series": [{"name": translate("Open problems"), "data": list(by_category.values())}],
        },
        "rectification": {
            "kind": "bar",
            "categories": [r[0] for r in rect_rows],
            "series": [{"name": translate("Tasks"), "data": [r[1] for r in rect_rows]}],
        },
        "scores": {
            "kind": "line",
            "categories": [s["month"] for s in scores],
            "series": [
                {
                    "name": translate("Average score"),
                    "data": [float(s["average_score"]) for s in scores],
                }
            ],
        },
        "movement": {
            "kind": "bar",
            "categories": [f"{m['type']} {localtime.period_name(m['period'])}" for m in movement],
            "series": [
                {"name": translate("Red list"), "data": [m["red"] for m in movement]},
                {"name": translate("Black list"), "data": [m["black"] for m in movement]},
            ],
        },
    }
    return ctx.render(
        "oversight/dashboard.html",
        problems=problems,
        rect_rows=rect_rows,
        scores=[{**s, "average": nice_score(s["average_score"])} for s in scores],
        movement=movement,
        charts=charts,
    )
