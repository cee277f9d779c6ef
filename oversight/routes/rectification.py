"""Rectification tasks (evidence, review) and notices to units."""

from __future__ import annotations

from typing import Any

from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Principal
from kernel.http import Page, PageQuery, paginate
from oversight import rectification
from oversight.errors import (
    NoSuchTask,
    ReasonRequired,
    TaskNotOpen,
    TaskNotSubmitted,
    UnknownPhoto,
)
from oversight.routes._shared import TRIAGE, api
from oversight.schemas import (
    EvidenceIn,
    NoticeOut,
    TaskOut,
    TaskQuery,
    TaskReviewIn,
)
from oversight.scope import (
    readable_notices,
    readable_tasks,
)

# --- rectification -------------------------------------------------------------------------


@api.get(
    "/api/v1/oversight/tasks",
    roles=(*STAFF, "unit_staff"),
    query=TaskQuery,
    response=Page[TaskOut],
    errors=(),
)
async def list_tasks(who: Principal, query: TaskQuery) -> dict[str, Any]:
    """Rectification tasks: a unit's own, or those of the worker's communities."""
    found = readable_tasks(who).rows()
    if query.status:
        found = found.filter(status=query.status)
    if query.unit:
        found = found.filter(unit_id=query.unit)
    return await paginate(found, query)


@api.get(
    "/api/v1/oversight/tasks/{task_id}",
    roles=(*STAFF, "unit_staff"),
    response=TaskOut,
    errors=(NoSuchTask,),
)
async def get_task(who: Principal, task_id: str) -> Any:
    """A task with every step: who, when, what."""
    task = await rectification.get_task(task_id, who=who)
    return await rectification.task_view(task, who=who)


@api.post(
    "/api/v1/oversight/tasks/{task_id}/evidence",
    roles=("unit_staff", "worker", "district_admin"),
    body=EvidenceIn,
    response=TaskOut,
    errors=(NoSuchTask, TaskNotOpen, UnknownPhoto),
)
async def submit_evidence(who: Principal, task_id: str, body: EvidenceIn) -> Any:
    """The unit says (and shows) what it put right; a department's task, its staff."""
    task = await rectification.get_task(task_id, who=who)
    task = await rectification.submit_evidence(task, who=who, note=body.note, photos=body.photos)
    return await rectification.task_view(task, who=who)


@api.post(
    "/api/v1/oversight/tasks/{task_id}/review",
    roles=TRIAGE,
    body=TaskReviewIn,
    response=TaskOut,
    errors=(NoSuchTask, TaskNotSubmitted, ReasonRequired),
)
async def review_task(who: Principal, task_id: str, body: TaskReviewIn) -> Any:
    """Accepts the evidence, or returns the task with what is missing."""
    task = await rectification.get_task(task_id, who=who)
    task = await rectification.review(task, by=who, decision=body.decision, reason=body.reason)
    return await rectification.task_view(task, who=who)


@api.get(
    "/api/v1/oversight/notices",
    roles=(*STAFF, "unit_staff"),
    query=PageQuery,
    response=Page[NoticeOut],
    errors=(),
)
async def list_notices(who: Principal, query: PageQuery) -> dict[str, Any]:
    """Notices (通报) to units: failed inspections, black-list drafts."""
    return await paginate(readable_notices(who).rows(), query)
