"""Oversight in the console, part one: names of its codes, evidence photos, the
problem-report triage queue, units (list, search, CSV/XLSX import with the per-row error
report) and checklists. Scope is decided by
`oversight.scope`; the console only shows what the domain's services return."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from markupsafe import Markup, escape
from starlette.datastructures import UploadFile
from starlette.responses import Response
from tortoise.expressions import Q

from console import lookups
from console.web import SECURITY_HEADERS, Ctx, form_data, parse_local, redirect
from kernel import tabular
from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Role
from kernel.errors import Invalid
from kernel.http import parse
from kernel.i18n import N_, translate
from kernel.request_input import read_bounded
from kernel.uploads import image_response
from oversight import inspections, photos, reports, rules, units
from oversight.errors import ImportRejected
from oversight.models import UNIT_TYPE_NAMES, UNIT_TYPES, Unit, UnitAccount
from oversight.schemas import ChecklistIn, MergeIn, RejectIn, TaskOpenIn
from oversight.scope import readable_checklists, readable_reports, readable_units

TRIAGE: tuple[Role, ...] = ("worker", "district_admin")
DISTRICT: tuple[Role, ...] = ("district_admin",)
UNIT: tuple[Role, ...] = ("unit_staff",)
INSPECTORS: tuple[Role, ...] = ("worker", "district_admin", "evaluator")
EVERYONE: tuple[Role, ...] = (*STAFF, "unit_staff", "evaluator")
LIMIT = 100

# The statuses each list page filters by, in the order of its buttons (names: `names.status`).
REPORT_STATUSES = ("submitted", "confirmed", "resolved", "rejected", "merged")
TASK_STATUSES = ("open", "submitted", "accepted", "closed")
COLOUR_NAMES = {"red": N_("Red list"), "black": N_("Black list")}
DECISION_NAMES = {
    "uphold": N_("Listing upheld"),
    "remove": N_("Removed from the list"),
    "grant": N_("Repair granted"),
    "refuse": N_("Repair refused"),
    None: N_("Waiting for a decision"),
}
REMOVAL_NAMES = {
    "objection": N_("Removed after an objection"),
    "withdrawal": N_("Withdrawn"),
    "repair": N_("Removed by credit repair"),
}
STEP_NAMES = {
    "opened": N_("Opened"),
    "evidence": N_("Evidence submitted"),
    "accepted": N_("Evidence accepted"),
    "returned": N_("Returned to the unit"),
    "closed": N_("Closed"),
    "escalated": N_("Escalated"),
    "reminded": N_("Reminded"),
    "overdue": N_("Overdue"),
}
NOTICE_NAMES = {
    "inspection_failed": N_("Failed inspection"),
    "black_list_draft": N_("On the draft black list"),
}
IMPORT_FIELDS = {
    "code": N_("Code"),
    "name": N_("Unit name"),
    "type": N_("Type"),
    "community": N_("Community code"),
    "address": N_("Address"),
    "lat": N_("Latitude"),
    "lng": N_("Longitude"),
    "responsible_name": N_("Responsible person"),
    "responsible_phone": N_("Responsible person's phone"),
    "row": N_("The row"),
    "header": N_("Column names"),
}
IMPORT_MESSAGES = {
    "unknown community": N_("no such community in the district"),
    "code exists already": N_("a unit with this code exists already"),
    "Field required": N_("required"),
}
UNKNOWN = N_("Unknown")


def name_of(table: dict[Any, str], code: Any) -> str:
    return translate(table.get(code, UNKNOWN))


def unit_type(code: str | None) -> str:
    return name_of(UNIT_TYPE_NAMES, code)


def nice_score(value: Any) -> str:
    if value is None:
        return "—"
    try:
        value = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


async def category_names(district_id: str | None) -> dict[str, str]:
    if district_id is None:
        return {}
    return {c.code: c.name for c in (await rules.rules_at(district_id)).categories}


async def own_unit(ctx: Ctx) -> Unit:
    """The unit a unit's login speaks for."""
    account = await UnitAccount.get(staff_id=ctx.staff.id)
    return await units.get_unit(account.unit_id, who=ctx.who)


async def upload_photos(ctx: Ctx, *fields: str) -> dict[str, list[str]]:
    """The images of a multipart form's file fields, stored as the caller's photos (a file
    that is not an image is refused, and nothing of the form is written)."""
    form = await ctx.request.form()
    stored: dict[str, list[str]] = {}
    for field in fields:
        for value in form.getlist(field):
            if isinstance(value, UploadFile) and value.filename:
                data = await read_bounded(value)
                if data:
                    photo = await photos.store_photo(data, who=ctx.who)
                    stored.setdefault(field, []).append(photo.id)
    return stored


# --- photos --------------------------------------------------------------------------------


async def photo(ctx: Ctx) -> Response:
    """An oversight photo, for its uploader and the staff of its district (the domain decides)."""
    stored, data = await photos.read_photo(ctx.request.path_params["id"], who=ctx.who)
    return image_response(stored, data)


# --- problem reports -----------------------------------------------------------------------


async def reports_page(ctx: Ctx) -> Response:
    """The triage queue: each report with its photos, reporter, place or unit, and the
    suggested duplicates."""
    status = ctx.request.query_params.get("status", "submitted")
    if status not in REPORT_STATUSES:
        status = "submitted"
    found = (
        await readable_reports(ctx.who)
        .rows()
        .filter(status=status)
        .order_by("created_at")
        .limit(LIMIT)
    )
    people = await lookups.people(r.reporter_id for r in found)
    communities = await lookups.communities(r.community_id for r in found)
    unit_rows = await Unit.filter(id__in={r.unit_id for r in found if r.unit_id})
    unit_names = {u.id: u.name for u in unit_rows}
    categories = await category_names(ctx.who.district_id)
    rows = []
    for report in found:
        duplicates = []
        if report.status == "submitted":
            for d in await reports.suggested_duplicates(report):
                duplicates.append({"d": d, "category": categories.get(d.category, d.category)})
        community = communities.get(report.community_id)
        rows.append(
            {
                "report": report,
                "reporter": people.get(report.reporter_id),
                "community": community.name if community else "—",
                "unit": unit_names.get(report.unit_id or ""),
                "category": categories.get(report.category, translate(UNKNOWN)),
                "duplicates": duplicates,
            }
        )
    choices = await readable_units(ctx.who).rows().order_by("name").limit(500)
    # The unit picker of every report (up to 500 units × 100 reports) is written once and
    # copied with the report's unit selected: rendered option by option it took a second.
    options = "".join(f'<option value="{escape(u.id)}">{escape(u.name)}</option>' for u in choices)

    def unit_options(selected: str | None) -> Markup:
        if not selected:
            return Markup(options)  # escaped above
        mark = f'<option value="{escape(selected)}">'
        return Markup(options.replace(mark, mark[:-1] + " selected>", 1))

    return ctx.render(
        "oversight/reports.html",
        rows=rows,
        shown=status,
        unit_options=unit_options,
        statuses=REPORT_STATUSES,
    )


async def report_action(ctx: Ctx) -> Response:
    report = await reports.get_report(ctx.request.path_params["id"], who=ctx.who)
    action = ctx.request.path_params["action"]
    values = await form_data(ctx)
    if action == "reject":
        body = parse(RejectIn, {"reason": values.get("reason", "")})
        assert isinstance(body, RejectIn)
        await reports.reject(report, by=ctx.who, reason=body.reason)
        await ctx.say(translate("The report is rejected; the reporter reads the reason."))
    elif action == "merge":
        merge = parse(MergeIn, {"into": values.get("into", ""), "reason": values.get("reason", "")})
        assert isinstance(merge, MergeIn)
        await reports.merge(report, into_id=merge.into, by=ctx.who, reason=merge.reason)
        await ctx.say(translate("Merged into the report it repeats."))
    elif action == "confirm":
        target = values.get("target", "unit")
        data: dict[str, Any] = {
            "instructions": values.get("instructions", ""),
            "deadline": parse_local(values.get("deadline", "")),
        }
        if target == "department":
            data["department"] = values.get("department", "")
        elif values.get("unit"):
            data["unit"] = values["unit"]
        task = parse(TaskOpenIn, data)
        assert isinstance(task, TaskOpenIn)
        await reports.confirm(report, by=ctx.who, data=task)
        await ctx.say(translate("Confirmed: a rectification task is open."))
    else:
        raise Invalid(N_("No such action."), errors=[{"field": "action", "message": N_("unknown")}])
    return redirect("/console/oversight/reports")


# --- units ---------------------------------------------------------------------------------


async def _unit_rows(found: list[Unit]) -> list[dict[str, Any]]:
    communities = await lookups.communities(u.community_id for u in found)
    return [
        {
            "unit": u,
            "type": unit_type(u.type),
            "community": communities[u.community_id].name if u.community_id in communities else "—",
        }
        for u in found
    ]


async def units_page(ctx: Ctx, *, import_errors: list[dict[str, str]] | None = None) -> Response:
    q = ctx.request.query_params.get("q", "").strip()[:100]
    shown_type = ctx.request.query_params.get("type", "")
    found = readable_units(ctx.who).rows()
    if q:
        found = found.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if shown_type in UNIT_TYPES:
        found = found.filter(type=shown_type)
    rows = await _unit_rows(list(await found.order_by("name").limit(LIMIT)))
    named = dict(zip(units.COLUMNS, units.TEMPLATE_HEADER, strict=True))
    return ctx.render(
        "oversight/units.html",
        status=422 if import_errors else 200,
        rows=rows,
        q=q,
        shown_type=shown_type,
        types=UNIT_TYPE_NAMES,
        import_errors=import_errors or [],
        required="、".join(named[c] for c in units.REQUIRED_COLUMNS),
        optional="、".join(n for c, n in named.items() if c not in units.REQUIRED_COLUMNS),
        type_names="、".join(translate(name) for name in UNIT_TYPE_NAMES.values()),
    )


async def import_template(ctx: Ctx) -> Response:
    """The import's template to fill in (XLSX, or CSV with `?format=csv`)."""
    fmt: tabular.Format = "csv" if ctx.request.query_params.get("format") == "csv" else "xlsx"
    return tabular.Download(
        await units.import_template(fmt, who=ctx.who),
        media_type=tabular.MEDIA_TYPES[fmt],
        headers={**SECURITY_HEADERS, "Content-Disposition": units.template_disposition(fmt)},
    )


def _import_error(error: dict[str, str]) -> dict[str, str]:
    """`row 3.community` → row 3, the field's name, the message in words."""
    where, _dot, field = error.get("field", "").partition(".")
    row = where.removeprefix("row ").strip() if where.startswith("row ") else ""
    if not row:
        field = where
    message = error.get("message", "")
    text = IMPORT_MESSAGES.get(message)
    return {
        "row": row,
        "field": name_of(IMPORT_FIELDS, field) if field else "",
        "message": translate(text) if text else translate("not valid"),
    }


async def import_units(ctx: Ctx) -> Response:
    form = await ctx.request.form()
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise Invalid(
            N_("Choose a CSV or XLSX file."), errors=[{"field": "file", "message": N_("required")}]
        )
    data = await read_bounded(file)
    try:
        created = await units.import_units(data, who=ctx.who)
    except ImportRejected as problem:
        # Nothing was written (every row is checked first); the page lists each bad row.
        errors = [_import_error(e) for e in problem.errors or []]
        if not errors:
            errors = [{"row": "", "field": "", "message": problem.detail}]
        return await units_page(ctx, import_errors=errors)
    await ctx.say(translate("{n} units imported.", n=created))
    return redirect("/console/oversight/units")


# --- checklists ----------------------------------------------------------------------------


async def checklists_page(ctx: Ctx) -> Response:
    current = (
        await readable_checklists(ctx.who).rows().filter(retired_at__isnull=True).order_by("name")
    )
    views = [await inspections.get_checklist(c.id, who=ctx.who) for c in current]
    return ctx.render("oversight/checklists.html", checklists=views, types=UNIT_TYPE_NAMES)


async def create_checklist(ctx: Ctx) -> Response:
    """Items one per line: `code | text | weight | maximum score`."""
    values = await form_data(ctx)
    items = []
    for line in values.get("items", "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not any(parts):
            continue
        if len(parts) != 4:
            raise Invalid(
                N_("Each item line is: code | text | weight | maximum score."),
                errors=[
                    {
                        "field": "items",
                        "message": N_("one line per item: code | text | weight | maximum score"),
                    }
                ],
            )
        items.append(
            {"code": parts[0], "text": parts[1], "weight": parts[2], "max_score": parts[3]}
        )
    data: dict[str, Any] = {
        "unit_type": values.get("unit_type", ""),
        "name": values.get("name", ""),
        "pass_mark": values.get("pass_mark", ""),
        "items": items,
    }
    old = (
        await readable_checklists(ctx.who)
        .rows()
        .filter(unit_type=data["unit_type"], retired_at__isnull=True)
        .first()
    )
    if old is not None:
        data["supersedes"] = old.id
    body = parse(ChecklistIn, data)
    assert isinstance(body, ChecklistIn)
    await inspections.create_checklist(body, by=ctx.who)
    await ctx.say(translate("The checklist is in use from now on."))
    return redirect("/console/oversight/checklists")
