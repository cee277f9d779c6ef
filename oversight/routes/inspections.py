"""Checklists and inspections: planning, recording on site, re-inspection."""

from __future__ import annotations

from typing import Any

from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Principal
from kernel.http import Page, paginate
from oversight import inspections
from oversight.errors import (
    DeadlineInPast,
    InspectionNotFailed,
    InspectionRecorded,
    MissingChecklistItem,
    NoSuchChecklist,
    NoSuchInspection,
    NoSuchUnit,
    PhotoRequired,
    ScoreOutOfRange,
    TooFarFromUnit,
    UnknownChecklist,
    UnknownChecklistItem,
    UnknownEvaluator,
    UnknownPhoto,
)
from oversight.routes._shared import DISTRICT, TRIAGE, api
from oversight.schemas import (
    ChecklistIn,
    ChecklistOut,
    InspectionOut,
    InspectionPlanIn,
    InspectionQuery,
    InspectionRecordIn,
    ReinspectIn,
)
from oversight.scope import (
    readable_checklists,
    readable_inspections,
)

# --- checklists and inspections ------------------------------------------------------------


@api.post(
    "/api/v1/oversight/checklists",
    roles=DISTRICT,
    body=ChecklistIn,
    response=ChecklistOut,
    status=201,
    errors=(UnknownChecklist,),
)
async def create_checklist(who: Principal, body: ChecklistIn) -> Any:
    """A checklist for a unit type: items with weights and maximum scores, a pass mark."""
    return await inspections.create_checklist(body, by=who)


@api.get(
    "/api/v1/oversight/checklists",
    roles=(*STAFF, "evaluator"),
    response=list[ChecklistOut],
    errors=(),
)
async def list_checklists(who: Principal) -> Any:
    """The district's current checklists."""
    found = (
        await readable_checklists(who).rows().filter(retired_at__isnull=True).order_by("unit_type")
    )
    return [await inspections.get_checklist(c.id, who=who) for c in found]


@api.get(
    "/api/v1/oversight/checklists/{checklist_id}",
    roles=(*STAFF, "evaluator"),
    response=ChecklistOut,
    errors=(NoSuchChecklist,),
)
async def get_checklist(who: Principal, checklist_id: str) -> Any:
    return await inspections.get_checklist(checklist_id, who=who)


@api.post(
    "/api/v1/oversight/inspections",
    roles=TRIAGE,
    body=InspectionPlanIn,
    response=InspectionOut,
    status=201,
    errors=(NoSuchUnit, UnknownChecklist, UnknownEvaluator),
)
async def plan_inspection(who: Principal, body: InspectionPlanIn) -> Any:
    """Plans an inspection of a unit, for the caller or assigned to an external evaluator."""
    inspection = await inspections.plan(
        unit_id=body.unit, checklist_id=body.checklist, evaluator_id=body.evaluator, by=who
    )
    return await inspections.view(inspection)


@api.get(
    "/api/v1/oversight/inspections",
    roles=(*STAFF, "evaluator", "unit_staff"),
    query=InspectionQuery,
    response=Page[InspectionOut],
    errors=(),
)
async def list_inspections(who: Principal, query: InspectionQuery) -> dict[str, Any]:
    """Inspections the caller sees (an evaluator: those assigned to them)."""
    found = readable_inspections(who).rows()
    if query.unit:
        found = found.filter(unit_id=query.unit)
    if query.status:
        found = found.filter(status=query.status)
    return await paginate(found, query)


@api.get(
    "/api/v1/oversight/inspections/{inspection_id}",
    roles=(*STAFF, "evaluator", "unit_staff"),
    response=InspectionOut,
    errors=(NoSuchInspection,),
)
async def get_inspection(who: Principal, inspection_id: str) -> Any:
    return await inspections.view(await inspections.get_inspection(inspection_id, who=who))


@api.post(
    "/api/v1/oversight/inspections/{inspection_id}/record",
    roles=("worker", "district_admin", "evaluator"),
    body=InspectionRecordIn,
    response=InspectionOut,
    errors=(
        NoSuchInspection,
        InspectionRecorded,
        UnknownChecklistItem,
        MissingChecklistItem,
        ScoreOutOfRange,
        PhotoRequired,
        UnknownPhoto,
        TooFarFromUnit,
        DeadlineInPast,
    ),
)
async def record_inspection(who: Principal, inspection_id: str, body: InspectionRecordIn) -> Any:
    """Records the inspection on site: a score per item, a photo per failed item, where."""
    inspection = await inspections.get_inspection(inspection_id, who=who)
    return await inspections.record(inspection, body, by=who)


@api.post(
    "/api/v1/oversight/inspections/{inspection_id}/reinspections",
    roles=TRIAGE,
    body=ReinspectIn,
    response=InspectionOut,
    status=201,
    errors=(NoSuchInspection, InspectionNotFailed, UnknownEvaluator),
)
async def reinspect(who: Principal, inspection_id: str, body: ReinspectIn) -> Any:
    """Plans the re-inspection of a failed inspection: it closes or escalates the task."""
    inspection = await inspections.get_inspection(inspection_id, who=who)
    again = await inspections.reinspect(inspection, evaluator_id=body.evaluator, by=who)
    return await inspections.view(again)
