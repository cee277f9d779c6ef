"""Rectification (整改): a task with a deadline, evidence from the unit, review by a worker,
reminders before and after the deadline, escalation when overdue or re-failed. Every step is
a row of `TaskStep`: who, when, what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from accounts.models import Staff
from kernel.auth import Principal
from kernel.i18n import N_, Named
from kernel.outbox import queue_notification
from oversight.errors import (
    TASK_STATUS_NAMES,
    DeadlineInPast,
    InvalidTaskTarget,
    NoSuchTask,
    ReasonRequired,
    TaskNotOpen,
    TaskNotSubmitted,
)
from oversight.models import ProblemReport, RectificationTask, TaskStep, UnitAccount
from oversight.photos import ensure_own_photos
from oversight.rules import rules_at
from oversight.scope import readable_tasks


async def notify_unit(unit_id: str, topic: str, payload: dict[str, Any]) -> None:
    for staff_id in await UnitAccount.filter(unit_id=unit_id).values_list("staff_id", flat=True):
        await queue_notification("staff", str(staff_id), topic, payload)


async def notify_district_admins(district_id: str, topic: str, payload: dict[str, Any]) -> None:
    admins = await Staff.filter(
        district_id=district_id, role="district_admin", disabled_at__isnull=True
    ).values_list("id", flat=True)
    for staff_id in admins:
        await queue_notification("staff", str(staff_id), topic, payload)


async def record_step(
    task: RectificationTask, kind: str, actor: str, note: str = "", photos: list[str] | None = None
) -> None:
    await TaskStep.create(
        task_id=task.id,
        district_id=task.district_id,
        kind=kind,
        actor=actor,
        note=note,
        photos=photos or [],
    )


def ensure_future(deadline: datetime, field: str) -> datetime:
    if deadline <= datetime.now(UTC):
        raise DeadlineInPast(
            N_("The deadline must be in the future."),
            errors=[{"field": field, "message": N_("is in the past")}],
        )
    return deadline


async def open_task(
    *,
    district_id: str,
    community_id: str,
    unit_id: str | None,
    department: str | None,
    source: str,
    source_id: str,
    instructions: str,
    deadline: datetime | None,
    by: Principal,
    deadline_field: str = "deadline",
) -> RectificationTask:
    if (unit_id is None) == (department is None):
        raise InvalidTaskTarget(
            N_("Name the unit or the department that puts it right."),
            errors=[{"field": "unit", "message": N_("a unit or a department is required")}],
        )
    if deadline is None:
        days = (await rules_at(district_id)).rectification_days
        deadline = datetime.now(UTC) + timedelta(days=days)
    task = await RectificationTask.create(
        district_id=district_id,
        community_id=community_id,
        unit_id=unit_id,
        department=department,
        source=source,
        source_id=source_id,
        instructions=instructions,
        deadline=ensure_future(deadline, deadline_field),
        created_by=by.subject,
    )
    await record_step(task, "opened", by.subject, instructions)
    if unit_id is not None:
        await notify_unit(
            unit_id,
            "oversight_task_opened",
            {"task_id": task.id, "deadline": task.deadline.isoformat()},
        )
    return task


async def get_task(task_id: str, *, who: Principal) -> RectificationTask:
    task = await readable_tasks(who).rows().get_or_none(id=task_id)
    if task is None:
        raise NoSuchTask(N_("No such rectification task."))
    return task


async def submit_evidence(
    task: RectificationTask, *, who: Principal, note: str, photos: list[str]
) -> RectificationTask:
    """The unit (or, for a department's task, the district's staff) says what was done."""
    if (task.unit_id is None) == (who.role == "unit_staff"):
        raise TaskNotOpen(N_("This task's evidence comes from the one it is for."))
    photos = await ensure_own_photos(photos, who=who, field="photos")
    moved = await RectificationTask.filter(id=task.id, status="open").update(status="submitted")
    if not moved:
        raise TaskNotOpen(
            N_("The task is {status}; it takes evidence when open."),
            status=Named(task.status, TASK_STATUS_NAMES),
        )
    await record_step(task, "evidence", who.subject, note, photos)
    await task.refresh_from_db()
    return task


async def review(
    task: RectificationTask, *, by: Principal, decision: str, reason: str
) -> RectificationTask:
    """Accepting closes a report's task; an inspection's waits for its re-inspection.
    Returning it (with a reason) opens it again."""
    if decision == "return" and not reason:
        raise ReasonRequired(
            N_("Say what is still missing."),
            errors=[{"field": "reason", "message": N_("required")}],
        )
    now = datetime.now(UTC)
    if decision == "return":
        status, closed_at = "open", None
    elif task.source == "inspection":
        status, closed_at = "accepted", None
    else:
        status, closed_at = "closed", now
    moved = await RectificationTask.filter(id=task.id, status="submitted").update(
        status=status, closed_at=closed_at
    )
    if not moved:
        raise TaskNotSubmitted(N_("The task has no evidence waiting for review."))
    await record_step(task, "accepted" if decision == "accept" else "returned", by.subject, reason)
    await task.refresh_from_db()
    if task.unit_id:
        await notify_unit(
            task.unit_id, "oversight_task_reviewed", {"task_id": task.id, "decision": decision}
        )
    if status == "closed":
        await _resolve_reports(task)
    return task


async def _resolve_reports(task: RectificationTask) -> None:
    reports = await ProblemReport.filter(task_id=task.id, status="confirmed")
    await ProblemReport.filter(task_id=task.id, status="confirmed").update(status="resolved")
    for report in reports:
        await queue_notification(
            "resident",
            report.reporter_id,
            "oversight_report_resolved",
            {"report_id": report.id, "status": "resolved"},
        )


async def after_reinspection(
    task: RectificationTask, *, passed: bool, by: Principal, inspection_id: str
) -> RectificationTask:
    """A re-inspection that passes closes the task; one that fails escalates it, with a new
    deadline, and the district's administrators are told."""
    now = datetime.now(UTC)
    if passed:
        await (
            RectificationTask.filter(id=task.id)
            .exclude(status="closed")
            .update(status="closed", closed_at=now)
        )
        await record_step(task, "closed", by.subject, inspection_id)
    else:
        days = (await rules_at(task.district_id)).rectification_days
        await RectificationTask.filter(id=task.id).update(
            status="open",
            escalation_level=task.escalation_level + 1,
            deadline=now + timedelta(days=days),
            reminded_before_at=None,
            overdue_at=None,
        )
        await record_step(task, "escalated", by.subject, inspection_id)
        await notify_district_admins(
            task.district_id, "oversight_task_escalated", {"task_id": task.id}
        )
    await task.refresh_from_db()
    return task


async def remind_and_escalate(now: datetime) -> dict[str, int]:
    """Reminds units of deadlines coming up, and marks overdue tasks escalated. Each task is
    reminded once per deadline and escalated once per deadline, so runs may repeat."""
    reminded = escalated = 0
    horizon_cache: dict[str, timedelta] = {}
    upcoming = await RectificationTask.filter(
        status="open",
        reminded_before_at__isnull=True,
        deadline__gt=now,
        deadline__lte=now + timedelta(days=30),
    )
    for task in upcoming:
        if task.district_id not in horizon_cache:
            hours = (await rules_at(task.district_id, now)).reminder_before_hours
            horizon_cache[task.district_id] = timedelta(hours=hours)
        if task.deadline - horizon_cache[task.district_id] > now:
            continue
        claimed = await RectificationTask.filter(
            id=task.id, reminded_before_at__isnull=True
        ).update(reminded_before_at=now)
        if not claimed:
            continue
        await record_step(task, "reminded", "job:oversight-rectification")
        if task.unit_id:
            await notify_unit(
                task.unit_id,
                "oversight_task_due",
                {"task_id": task.id, "deadline": task.deadline.isoformat()},
            )
        reminded += 1
    overdue = await RectificationTask.filter(
        status="open", overdue_at__isnull=True, deadline__lte=now
    )
    for task in overdue:
        claimed = await RectificationTask.filter(id=task.id, overdue_at__isnull=True).update(
            overdue_at=now, escalation_level=task.escalation_level + 1
        )
        if not claimed:
            continue
        await record_step(task, "overdue", "job:oversight-rectification")
        payload = {"task_id": task.id, "deadline": task.deadline.isoformat()}
        if task.unit_id:
            await notify_unit(task.unit_id, "oversight_task_overdue", payload)
        await notify_district_admins(task.district_id, "oversight_task_escalated", payload)
        escalated += 1
    return {"reminded": reminded, "escalated": escalated}


@dataclass
class TaskView:
    task: RectificationTask
    steps: list[TaskStep]

    def __getattr__(self, name: str) -> object:
        return getattr(self.task, name)


async def task_view(task: RectificationTask, *, who: Principal) -> TaskView:
    """The task with its steps; a unit does not see which member of staff took each step."""
    steps = await TaskStep.filter(task_id=task.id).order_by("id")
    if who.role == "unit_staff":
        for step in steps:
            step.actor = "unit" if step.kind == "evidence" else "district"
    return TaskView(task, steps)
