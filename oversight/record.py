"""A unit's credit record: its inspections, notices, rectification, list entries, objections
and repairs in time order — as the district sees it (with who did what, and the confirmed
reports about it) and as the unit sees it — exported as CSV or XLSX through `kernel.tabular`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kernel import localtime
from kernel.auth import Principal
from kernel.i18n import _
from oversight.models import (
    CreditRepair,
    Inspection,
    ListEntry,
    ListEntryRemoval,
    Notice,
    Objection,
    ProblemReport,
    RectificationTask,
    TaskStep,
    Unit,
    UnitList,
)


def period_covered(unit: Unit) -> tuple[date, date]:
    """The days a unit's record covers, as an export log states them: from the unit's
    registration to today, local time."""
    today = localtime.today()
    return (localtime.local_date(unit.created_at) if unit.created_at else today), today


@dataclass(frozen=True)
class RecordEvent:
    at: datetime
    kind: str
    subject_id: str
    summary: str
    actor: str | None = None


async def unit_record(unit: Unit, *, who: Principal) -> list[RecordEvent]:
    district_view = who.role != "unit_staff"
    events: list[RecordEvent] = []

    def add(at: datetime | None, kind: str, subject: str, summary: str, actor: str | None) -> None:
        if at is not None:
            events.append(RecordEvent(at, kind, subject, summary, actor if district_view else None))

    for inspection in await Inspection.filter(unit_id=unit.id, status="recorded"):
        verdict = _("passed") if inspection.passed else _("failed")
        add(
            inspection.inspected_at,
            "inspection",
            inspection.id,
            f"{inspection.score} ({verdict})",
            inspection.inspected_by,
        )
    for notice in await Notice.filter(unit_id=unit.id):
        add(notice.created_at, f"notice:{notice.kind}", notice.id, notice.text, notice.created_by)
    tasks = {t.id: t for t in await RectificationTask.filter(unit_id=unit.id)}
    for step in await TaskStep.filter(task_id__in=list(tasks)):
        add(step.at, f"rectification:{step.kind}", step.task_id, step.note, step.actor)
    entries = await ListEntry.filter(unit_id=unit.id)
    lists = {lst.id: lst for lst in await UnitList.filter(id__in=[e.list_id for e in entries])}
    for entry in entries:
        unit_list = lists[entry.list_id]
        if unit_list.noticed_at is None and not district_view:
            continue  # a draft is the district's business until the unit is told
        add(
            unit_list.noticed_at or unit_list.computed_at,
            f"list:{entry.colour}",
            str(entry.id),
            f"{unit_list.period} {entry.reason_category} {entry.score}",
            None,
        )
    for removal in await ListEntryRemoval.filter(entry_id__in=[e.id for e in entries]):
        add(
            removal.at,
            f"list_removal:{removal.kind}",
            str(removal.entry_id),
            removal.reason,
            removal.by,
        )
    for objection in await Objection.filter(unit_id=unit.id):
        add(
            objection.submitted_at,
            "objection",
            objection.id,
            objection.statement,
            objection.submitted_by,
        )
        add(
            objection.decided_at,
            f"objection:{objection.decision}",
            objection.id,
            objection.decision_reason or "",
            objection.decided_by,
        )
    for repair in await CreditRepair.filter(unit_id=unit.id):
        add(repair.submitted_at, "repair", repair.id, repair.statement, repair.submitted_by)
        add(
            repair.decided_at,
            f"repair:{repair.decision}",
            repair.id,
            repair.decision_reason or "",
            repair.decided_by,
        )
    if district_view:
        for report in await ProblemReport.filter(
            unit_id=unit.id, status__in=("confirmed", "resolved")
        ):
            add(
                report.decided_at, "confirmed_report", report.id, report.category, report.decided_by
            )
    return sorted(events, key=lambda e: (e.at, e.kind))


COLUMNS = ("at", "kind", "subject_id", "summary", "actor")


async def as_rows(events: list[RecordEvent]) -> AsyncIterator[list[list[Any]]]:
    """The events as rows of COLUMNS, for `kernel.tabular` (the console's export writer)."""
    yield [[e.at.isoformat(), e.kind, e.subject_id, e.summary, e.actor or ""] for e in events]
