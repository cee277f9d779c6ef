"""Problem reports (随手拍): a resident reports, a worker triages — reject, merge into a
duplicate, or confirm by opening a rectification task — and the reporter is told. A confirmed
report earns credits through the ledger by the district's earning rules, under a daily cap."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tortoise.expressions import Q

from accounts.service import register_action_catalogue
from credits.service import daily_cap, lock_resident, record_participation
from kernel import localtime
from kernel.auth import Principal
from kernel.geo import distance_m
from kernel.i18n import N_, Named, _
from kernel.outbox import queue_notification
from oversight.errors import (
    REPORT_STATUS_NAMES,
    CannotMergeIntoItself,
    NoSuchReport,
    ReportNotOpen,
    UnknownCategory,
    UnknownCommunity,
    UnknownUnit,
)
from oversight.models import ProblemReport
from oversight.photos import ensure_own_photos
from oversight.rectification import open_task
from oversight.rules import rules_at
from oversight.schemas import Category, ReportIn, TaskOpenIn
from oversight.scope import readable_reports, readable_units, reportable_units

# The civility action a confirmed report is posted under; districts price it and cap it in
# their earning rules (`credits_per_report`, `report_daily_cap`) like any reported action.
REPORT_ACTION = "problem-report"


async def _report_action(district_id: str) -> dict[str, str]:
    return {REPORT_ACTION: _("Problem reports")}


register_action_catalogue(_report_action)
OPEN_STATUSES = ("submitted", "confirmed")


async def report_categories(*, who: Principal) -> list[Category]:
    """What a caller may report under: their district's categories in force."""
    if who.district_id is None:
        raise UnknownCommunity(N_("Choose your community before reporting problems."))
    return (await rules_at(who.district_id)).categories


async def report_problem(data: ReportIn, *, who: Principal) -> ProblemReport:
    if who.district_id is None or not who.community_ids:
        raise UnknownCommunity(N_("Choose your community before reporting problems."))
    rules = await rules_at(who.district_id)
    if data.category not in rules.category_codes():
        raise UnknownCategory(
            N_("`{category}` is not one of the district's categories."),
            category=data.category,
            errors=[{"field": "category", "message": N_("unknown category")}],
        )
    community_id = next(iter(who.community_ids))
    if data.unit is not None:
        unit = await reportable_units(who).rows().get_or_none(id=data.unit)
        if unit is None:
            raise UnknownUnit(
                N_("No such unit in your district."),
                errors=[{"field": "unit", "message": N_("unknown unit")}],
            )
        community_id = unit.community_id
    photos = await ensure_own_photos(data.photos, who=who, field="photos")
    now = datetime.now(UTC)
    return await ProblemReport.create(
        district_id=who.district_id,
        community_id=community_id,
        reporter_id=who.id,
        unit_id=data.unit,
        category=data.category,
        description=data.description,
        address=data.address,
        lat=data.lat,
        lng=data.lng,
        photos=photos,
        reported_on=localtime.local_date(now),
    )


async def get_report(report_id: str, *, who: Principal) -> ProblemReport:
    report = await readable_reports(who).rows().get_or_none(id=report_id)
    if report is None:
        raise NoSuchReport(N_("No such report."))
    return report


@dataclass(frozen=True)
class Duplicate:
    id: str
    category: str
    status: str
    distance_m: float | None
    created_at: datetime


async def suggested_duplicates(report: ProblemReport) -> list[Duplicate]:
    """Open reports of the same category, near in place (the same unit, or within the
    district's radius) and in time (within its window either side)."""
    rules = await rules_at(report.district_id, report.created_at)
    window = timedelta(hours=rules.duplicate_window_hours)
    candidates = ProblemReport.filter(
        district_id=report.district_id,
        category=report.category,
        status__in=OPEN_STATUSES,
        created_at__gte=report.created_at - window,
        created_at__lte=report.created_at + window,
    ).exclude(id=report.id)
    # Only those that can match are read: the same unit, or (with a place) within a box
    # around the radius (the distance is checked below). A district's open reports of a
    # category in the window are hundreds; 100 reports on the triage page read them each.
    near: Q | None = None  # a plain `unit_id = ?` when alone: SQLite then reads its index
    if report.unit_id is not None:
        near = Q(unit_id=report.unit_id)
    if report.lat is not None and report.lng is not None:
        lat = 2 * rules.duplicate_radius_m / 111_000  # degrees, with a margin of two
        lng = lat / max(math.cos(math.radians(report.lat)), 0.01)
        box = Q(lat__gte=report.lat - lat, lat__lte=report.lat + lat,
                lng__gte=report.lng - lng, lng__lte=report.lng + lng)  # fmt: skip
        near = box if near is None else near | box
    if near is None:
        return []
    found = []
    for other in await candidates.filter(near):
        distance = None
        if None not in (report.lat, report.lng, other.lat, other.lng):
            assert report.lat is not None and report.lng is not None
            assert other.lat is not None and other.lng is not None
            distance = round(distance_m(report.lat, report.lng, other.lat, other.lng), 1)
        same_unit = report.unit_id is not None and report.unit_id == other.unit_id
        if same_unit or (distance is not None and distance <= rules.duplicate_radius_m):
            found.append(
                Duplicate(other.id, other.category, other.status, distance, other.created_at)
            )
    return sorted(found, key=lambda d: (d.distance_m is None, d.distance_m or 0.0))


async def _decide(report: ProblemReport, *, by: Principal, **changes: object) -> ProblemReport:
    moved = await ProblemReport.filter(id=report.id, status="submitted").update(
        decided_by=by.subject, decided_at=datetime.now(UTC), **changes
    )
    if not moved:
        raise ReportNotOpen(
            N_("The report is {status} already."), status=Named(report.status, REPORT_STATUS_NAMES)
        )
    await report.refresh_from_db()
    await queue_notification(
        "resident",
        report.reporter_id,
        "oversight_report_decided",
        {"report_id": report.id, "status": report.status},
    )
    return report


async def reject(report: ProblemReport, *, by: Principal, reason: str) -> ProblemReport:
    return await _decide(report, by=by, status="rejected", decision_reason=reason)


async def merge(
    report: ProblemReport, *, into_id: str, by: Principal, reason: str
) -> ProblemReport:
    """Folds a duplicate into the report it repeats; the duplicate earns nothing."""
    if into_id == report.id:
        raise CannotMergeIntoItself(N_("A report cannot be merged into itself."))
    target = await get_report(into_id, who=by)
    while target.merged_into_id:
        target = await get_report(target.merged_into_id, who=by)
    if target.id == report.id or target.district_id != report.district_id:
        raise CannotMergeIntoItself(N_("A report cannot be merged into itself."))
    return await _decide(
        report, by=by, status="merged", merged_into_id=target.id, decision_reason=reason or None
    )


async def confirm(report: ProblemReport, *, by: Principal, data: TaskOpenIn) -> ProblemReport:
    """The problem is real: a task goes to the unit or department that puts it right, and
    the reporter earns credits (within the district's daily cap)."""
    unit_id = data.unit if data.unit is not None or data.department else report.unit_id
    if unit_id is not None:
        # A unit the worker reads (their communities'), of the report's district.
        units = readable_units(by).rows().filter(district_id=report.district_id)
        if not await units.filter(id=unit_id).exists():
            raise UnknownUnit(
                N_("No such unit in your district."),
                errors=[{"field": "unit", "message": N_("unknown unit")}],
            )
    task = await open_task(
        district_id=report.district_id,
        community_id=report.community_id,
        unit_id=unit_id,
        department=data.department,
        source="report",
        source_id=report.id,
        instructions=data.instructions,
        deadline=data.deadline,
        by=by,
    )
    report = await _decide(report, by=by, status="confirmed", task_id=task.id)
    await _credit(report, by=by)
    return report


async def _credit(report: ProblemReport, *, by: Principal) -> None:
    """A report past the day's cap (`credits.service.daily_cap`) is confirmed all the same
    (the problem is real) and earns nothing."""
    await lock_resident(report.reporter_id)
    day = await daily_cap(
        district_id=report.district_id,
        resident_id=report.reporter_id,
        action=REPORT_ACTION,
        at=report.created_at,
    )
    if day.reached:
        return
    await record_participation(
        district_id=report.district_id,
        resident_id=report.reporter_id,
        action=REPORT_ACTION,
        hours=Decimal(0),
        source="problem_report",
        source_id=report.id,
        occurred_at=report.created_at,
        actor=by.subject,
    )
    await ProblemReport.filter(id=report.id).update(credits_posted=True)
    report.credits_posted = True
