"""Oversight in the console, part two: inspections (planned by staff, recorded on a phone by
a worker or an evaluator: items, scores, a photo per failed item, the browser's location;
re-inspection), rectification tasks (evidence from the unit, review by the worker) and a
unit's own page (its notices, tasks and list entries; objecting; applying for repair)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from accounts.models import Staff
from console import lookups
from console import names as display
from console.pages.oversight import (
    DECISION_NAMES,
    LIMIT,
    NOTICE_NAMES,
    STEP_NAMES,
    TASK_STATUSES,
    name_of,
    own_unit,
    unit_type,
    upload_photos,
)
from console.scope import district_staff
from console.web import Ctx, form_data, parse_local, redirect
from kernel.errors import Invalid
from kernel.http import parse
from kernel.i18n import N_, translate
from oversight import inspections, lists, rectification
from oversight.models import (
    Checklist,
    ChecklistItem,
    CreditRepair,
    Inspection,
    ListEntry,
    ListEntryRemoval,
    Objection,
    UnitList,
)
from oversight.schemas import (
    EvidenceIn,
    InspectionPlanIn,
    InspectionRecordIn,
    ObjectionIn,
    TaskReviewIn,
)
from oversight.scope import (
    inspects_assigned_only,
    readable_checklists,
    readable_inspections,
    readable_notices,
    readable_tasks,
    readable_units,
)

# --- inspections ---------------------------------------------------------------------------


async def _evaluators(ctx: Ctx) -> list[Staff]:
    evaluators = district_staff(ctx.who).rows().filter(role="evaluator", disabled_at__isnull=True)
    return list(await evaluators.order_by("display_name"))


async def inspections_page(ctx: Ctx) -> Response:
    """Staff: the inspections of their communities and the form to plan one. An evaluator:
    only the inspections assigned to them."""
    status = ctx.request.query_params.get("status", "assigned")
    if status not in ("assigned", "recorded"):
        status = "assigned"
    found = list(
        await readable_inspections(ctx.who)
        .rows()
        .filter(status=status)
        .order_by("-created_at")
        .limit(LIMIT)
    )
    unit_rows = await readable_units(ctx.who).rows().filter(id__in={i.unit_id for i in found})
    unit_names = {u.id: u.name for u in unit_rows}
    checklist_names = dict(
        await Checklist.filter(id__in={i.checklist_id for i in found}).values_list("id", "name")
    )
    people = await lookups.staff_names(
        [f"staff:{i.assigned_to}" for i in found if i.assigned_to]
        + [i.inspected_by or "" for i in found]
    )
    rows = [
        {
            "inspection": i,
            "unit": unit_names.get(i.unit_id, "—"),
            "checklist": checklist_names.get(i.checklist_id, "—"),
            "assigned": people.get(f"staff:{i.assigned_to}", "") if i.assigned_to else "",
            "inspector": people.get(i.inspected_by or "", ""),
        }
        for i in found
    ]
    planning = ctx.may("/console/oversight/inspections", "POST")
    return ctx.render(
        "oversight/inspections.html",
        rows=rows,
        assigned_only=inspects_assigned_only(ctx.who),
        shown=status,
        planning=planning,
        units=await readable_units(ctx.who).rows().order_by("name").limit(500) if planning else [],
        checklists=await readable_checklists(ctx.who).rows().filter(retired_at__isnull=True)
        if planning
        else [],
        evaluators=await _evaluators(ctx) if planning else [],
        unit_type=unit_type,
    )


async def plan_inspection(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    body = parse(
        InspectionPlanIn,
        {
            "unit": values.get("unit", ""),
            "checklist": values.get("checklist", ""),
            "evaluator": values.get("evaluator") or None,
        },
    )
    assert isinstance(body, InspectionPlanIn)
    inspection = await inspections.plan(
        unit_id=body.unit, checklist_id=body.checklist, evaluator_id=body.evaluator, by=ctx.who
    )
    await ctx.say(translate("The inspection is planned."))
    return redirect(f"/console/oversight/inspections/{inspection.id}")


async def inspection_detail(ctx: Ctx) -> Response:
    inspection = await inspections.get_inspection(ctx.request.path_params["id"], who=ctx.who)
    shown = await inspections.view(inspection)
    items = await ChecklistItem.filter(checklist_id=inspection.checklist_id).order_by("position")
    checklist = await Checklist.get(id=inspection.checklist_id)
    unit = await readable_units(ctx.who).rows().get(id=inspection.unit_id)
    by_item = {r.item_id: r for r in shown.results}
    reinspections = await Inspection.filter(reinspection_of_id=inspection.id).order_by("created_at")
    people = await lookups.staff_names([inspection.inspected_by or ""])
    return ctx.render(
        "oversight/inspection.html",
        inspection=inspection,
        task_id=shown.task_id,
        checklist=checklist,
        items=[{"item": i, "result": by_item.get(i.id)} for i in items],
        unit=unit,
        unit_type=unit_type(unit.type),
        inspector=people.get(inspection.inspected_by or "", ""),
        reinspections=reinspections,
        evaluators=await _evaluators(ctx) if ctx.who.role != "evaluator" else [],
    )


async def record_inspection(ctx: Ctx) -> Response:
    inspection = await inspections.get_inspection(ctx.request.path_params["id"], who=ctx.who)
    items = await ChecklistItem.filter(checklist_id=inspection.checklist_id).order_by("position")
    uploaded = await upload_photos(ctx, *(f"photo-{i.code}" for i in items))
    values = await form_data(ctx)
    data: dict[str, Any] = {
        "results": [
            {
                "item": i.code,
                "score": values.get(f"score-{i.code}", ""),
                "photos": uploaded.get(f"photo-{i.code}", []),
                "note": values.get(f"note-{i.code}", ""),
            }
            for i in items
        ],
        "lat": values.get("lat", ""),
        "lng": values.get("lng", ""),
        "rectification_deadline": parse_local(values.get("deadline", "")),
    }
    body = parse(InspectionRecordIn, data)
    assert isinstance(body, InspectionRecordIn)
    done = await inspections.record(inspection, body, by=ctx.who)
    await ctx.say(
        translate("Recorded: passed.")
        if done.inspection.passed
        else translate("Recorded: failed. The unit is notified and a rectification task is open.")
    )
    return redirect(f"/console/oversight/inspections/{inspection.id}")


async def reinspect(ctx: Ctx) -> Response:
    inspection = await inspections.get_inspection(ctx.request.path_params["id"], who=ctx.who)
    values = await form_data(ctx)
    again = await inspections.reinspect(
        inspection, evaluator_id=values.get("evaluator") or None, by=ctx.who
    )
    await ctx.say(translate("The re-inspection is planned."))
    return redirect(f"/console/oversight/inspections/{again.id}")


# --- rectification tasks -------------------------------------------------------------------


async def tasks_page(ctx: Ctx) -> Response:
    status = ctx.request.query_params.get("status", "")
    found = readable_tasks(ctx.who).rows()
    if status in TASK_STATUSES:
        found = found.filter(status=status)
    tasks = list(await found.order_by("deadline").limit(LIMIT))
    unit_rows = (
        await readable_units(ctx.who).rows().filter(id__in={t.unit_id for t in tasks if t.unit_id})
    )
    unit_names = {u.id: u.name for u in unit_rows}
    rows = [{"task": t, "unit": unit_names.get(t.unit_id or "", "")} for t in tasks]
    return ctx.render("oversight/tasks.html", rows=rows, shown=status, statuses=TASK_STATUSES)


def _actor(ctx: Ctx, actor: str, names: dict[str, str]) -> str:
    """Who took a step: by name for the district; a unit reads "district" or "unit"."""
    if actor == "unit":
        return translate("The unit")
    if actor == "district":
        return translate("The district")
    return names.get(actor, translate("The system") if actor.startswith("system") else "—")


async def task_detail(ctx: Ctx) -> Response:
    task = await rectification.get_task(ctx.request.path_params["id"], who=ctx.who)
    shown = await rectification.task_view(task, who=ctx.who)
    names = await lookups.staff_names(s.actor for s in shown.steps)
    unit = (
        await readable_units(ctx.who).rows().get_or_none(id=task.unit_id) if task.unit_id else None
    )
    steps = [
        {"step": s, "kind": name_of(STEP_NAMES, s.kind), "actor": _actor(ctx, s.actor, names)}
        for s in shown.steps
    ]
    unit_may_submit = ctx.who.role == "unit_staff" and task.unit_id is not None
    staff_may_submit = ctx.who.role in ("worker", "district_admin") and task.unit_id is None
    return ctx.render(
        "oversight/task.html",
        task=task,
        unit=unit,
        steps=steps,
        status_name=display.status(task.status, of="task"),
        may_submit=task.status == "open" and (unit_may_submit or staff_may_submit),
        may_review=task.status == "submitted" and ctx.who.role in ("worker", "district_admin"),
    )


async def submit_evidence(ctx: Ctx) -> Response:
    task = await rectification.get_task(ctx.request.path_params["id"], who=ctx.who)
    uploaded = await upload_photos(ctx, "photos")
    values = await form_data(ctx)
    body = parse(EvidenceIn, {"note": values.get("note", ""), "photos": uploaded.get("photos", [])})
    assert isinstance(body, EvidenceIn)
    await rectification.submit_evidence(task, who=ctx.who, note=body.note, photos=body.photos)
    await ctx.say(translate("The evidence is submitted for review."))
    return redirect(f"/console/oversight/tasks/{task.id}")


async def review_task(ctx: Ctx) -> Response:
    task = await rectification.get_task(ctx.request.path_params["id"], who=ctx.who)
    values = await form_data(ctx)
    body = parse(
        TaskReviewIn, {"decision": values.get("decision", ""), "reason": values.get("reason", "")}
    )
    assert isinstance(body, TaskReviewIn)
    task = await rectification.review(task, by=ctx.who, decision=body.decision, reason=body.reason)
    await ctx.say(
        translate("Returned to the unit.") if body.decision == "return" else translate("Accepted.")
    )
    return redirect(f"/console/oversight/tasks/{task.id}")


# --- a unit's own page ---------------------------------------------------------------------


async def my_unit(ctx: Ctx) -> Response:
    """What a unit's staff see: their unit only (the domain's scope)."""
    unit = await own_unit(ctx)
    notices = await readable_notices(ctx.who).rows().order_by("-created_at").limit(LIMIT)
    tasks = await readable_tasks(ctx.who).rows().order_by("-created_at").limit(LIMIT)
    entries = [
        e for e in await ListEntry.filter(unit_id=unit.id).order_by("-id") if e.colour == "black"
    ]
    found_lists = {
        lst.id: lst
        for lst in await UnitList.filter(
            id__in=[e.list_id for e in entries], status__in=("noticed", "published")
        )
    }
    removed = {
        r.entry_id: r.kind
        for r in await ListEntryRemoval.filter(entry_id__in=[e.id for e in entries])
    }
    objections = await Objection.filter(unit_id=unit.id).order_by("-submitted_at")
    repairs = await CreditRepair.filter(unit_id=unit.id).order_by("-submitted_at")
    return ctx.render(
        "oversight/my_unit.html",
        unit=unit,
        unit_type=unit_type(unit.type),
        notices=[{"notice": n, "kind": name_of(NOTICE_NAMES, n.kind)} for n in notices],
        tasks=[{"task": t, "status": display.status(t.status, of="task")} for t in tasks],
        entries=[
            {"entry": e, "list": found_lists[e.list_id], "removed": removed.get(e.id)}
            for e in entries
            if e.list_id in found_lists
        ],
        objections=objections,
        repairs=repairs,
        names_decision=DECISION_NAMES,
    )


async def appeal(ctx: Ctx) -> Response:
    """A unit objects to its listing, or applies for credit repair."""
    entry = await lists.get_entry(ctx.request.path_params["id"], who=ctx.who)
    kind = ctx.request.path_params["kind"]
    uploaded = await upload_photos(ctx, "photos")
    values = await form_data(ctx)
    body = parse(
        ObjectionIn,
        {"statement": values.get("statement", ""), "photos": uploaded.get("photos", [])},
    )
    assert isinstance(body, ObjectionIn)
    if kind == "objection":
        await lists.object_to(entry, who=ctx.who, statement_text=body.statement, photos=body.photos)
        await ctx.say(translate("Your objection is sent; the district decides it."))
    elif kind == "repair":
        await lists.apply_for_repair(
            entry, who=ctx.who, statement_text=body.statement, photos=body.photos
        )
        await ctx.say(translate("Your application for credit repair is sent."))
    else:
        raise Invalid(N_("No such action."), errors=[{"field": "kind", "message": N_("unknown")}])
    return redirect("/console/oversight/my-unit")
