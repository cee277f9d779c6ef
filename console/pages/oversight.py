"""Oversight in the console, part one: names of its codes, evidence photos, the
problem-report triage queue, units (list, search, CSV/XLSX import with the per-row error
report) and checklists. Scope is decided by
`oversight.scope`; the console only shows what the domain's services return."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape
from starlette.datastructures import UploadFile
from starlette.responses import Response
from tortoise.expressions import Q

from console import lookups
from console.web import SECURITY_HEADERS, Ctx, form_data, parse_local, redirect
from kernel import tabular
from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Principal, Role
from kernel.errors import Invalid
from kernel.geo import distance_m
from kernel.http import parse
from kernel.i18n import N_, translate
from kernel.imports import ImportRejected
from kernel.request_input import read_bounded
from kernel.uploads import image_response
from oversight import inspections, photos, reports, rules, units
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


# --- where a problem is --------------------------------------------------------------------

# How far from a reported place a unit is named as a landmark ("near …").
NEAR_M = 200
# Degrees of latitude in NEAR_M metres (a degree is ~111 km), for the search's bounding box.
NEAR_DEGREES = NEAR_M / 111_000


@dataclass(frozen=True)
class Place:
    """A problem's place as people read it: the unit's address, or the nearest known unit
    and the coordinates in words, with a link to a map."""

    address: str = ""
    near: str = ""
    coordinates: str = ""
    map_url: str = ""


def coordinates_text(lat: float, lng: float) -> str:
    """GCJ-02 coordinates are China's (north, east), so 北纬 … 东经 …, to about 10 m."""
    return translate("N {lat}°, E {lng}°", lat=f"{lat:.4f}", lng=f"{lng:.4f}")


def map_url(lat: float, lng: float, label: str) -> str:
    """Amap's marker page (GCJ-02, its own system): a plain link, no script of theirs here."""
    query = {
        "position": f"{lng:.6f},{lat:.6f}",
        "name": label,
        "coordinate": "gaode",
        "callnative": "0",
    }
    return "https://uri.amap.com/marker?" + urlencode(query)


async def nearest_units(who: Principal, points: list[tuple[float, float]]) -> list[Unit | None]:
    """For each point, the nearest unit the caller reads within NEAR_M, if any: one query for
    the units in the points' bounding boxes."""
    if not points:
        return []
    boxes = Q()
    for lat, lng in points:
        east = NEAR_DEGREES / max(math.cos(math.radians(lat)), 0.01)
        boxes |= Q(
            lat__gte=lat - NEAR_DEGREES,
            lat__lte=lat + NEAR_DEGREES,
            lng__gte=lng - east,
            lng__lte=lng + east,
        )
    candidates = await readable_units(who).rows().filter(boxes).limit(LIMIT * 10)
    found: list[Unit | None] = []
    for lat, lng in points:
        near = [
            (distance_m(lat, lng, u.lat, u.lng), u.name, u)
            for u in candidates
            if u.lat is not None and u.lng is not None
        ]
        near = [n for n in near if n[0] <= NEAR_M]
        found.append(min(near, key=lambda n: (n[0], n[1]))[2] if near else None)
    return found


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
    named_units = {u.id: u for u in unit_rows}
    at_places = [r for r in found if not r.unit_id and r.lat is not None and r.lng is not None]
    points = [(float(r.lat or 0), float(r.lng or 0)) for r in at_places]
    landmarks = await nearest_units(ctx.who, points)
    nearby = {r.id: u for r, u in zip(at_places, landmarks, strict=True) if u is not None}
    categories = await category_names(ctx.who.district_id)
    rows = []
    for report in found:
        duplicates = []
        if report.status == "submitted":
            for d in await reports.suggested_duplicates(report):
                duplicates.append({"d": d, "category": categories.get(d.category, d.category)})
        community = communities.get(report.community_id)
        unit = named_units.get(report.unit_id or "")
        rows.append(
            {
                "report": report,
                "reporter": people.get(report.reporter_id),
                "community": community.name if community else "—",
                "unit": unit.name if unit else None,
                "place": _place(report, unit, nearby.get(report.id)),
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


def _place(report: Any, unit: Unit | None, landmark: Unit | None) -> Place:
    """The report's unit by its address; else its place: the nearest unit as a landmark, the
    coordinates in words and a map (docs/console.md, "Where a problem is")."""
    if unit is not None:
        return Place(address=unit.address)
    if report.lat is None or report.lng is None:
        return Place()
    near = ""
    if landmark is not None and landmark.lat is not None and landmark.lng is not None:
        metres = distance_m(report.lat, report.lng, landmark.lat, landmark.lng)
        near = translate(
            "near {unit} ({address}), about {m} m",
            unit=landmark.name,
            address=landmark.address or "—",
            m=round(metres / 10) * 10,
        )
    label = report.address or translate("Problem report")
    return Place(
        near=near,
        coordinates=coordinates_text(report.lat, report.lng),
        map_url=map_url(report.lat, report.lng, label),
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
