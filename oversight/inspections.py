"""Inspections (测评): checklists per unit type, planned inspections (by a worker, or assigned
to an external evaluator), recorded on site; a failure sends a notice (通报) and opens a
rectification task, a re-inspection closes or escalates it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from accounts.models import Staff
from accounts.service import rules_at as district_rules_at
from kernel.auth import Principal
from kernel.geo import distance_m
from kernel.i18n import N_, _
from kernel.validation import FieldMessage
from oversight.errors import (
    InspectionNotFailed,
    InspectionRecorded,
    MissingChecklistItem,
    NoSuchChecklist,
    NoSuchInspection,
    PhotoRequired,
    ScoreOutOfRange,
    TooFarFromUnit,
    UnknownChecklist,
    UnknownChecklistItem,
    UnknownEvaluator,
)
from oversight.models import (
    Checklist,
    ChecklistItem,
    Inspection,
    InspectionResult,
    Notice,
    RectificationTask,
    Unit,
)
from oversight.photos import ensure_own_photos
from oversight.rectification import after_reinspection, ensure_future, notify_unit, open_task
from oversight.schemas import ChecklistIn, InspectionRecordIn
from oversight.scope import readable_checklists, readable_inspections
from oversight.units import get_unit

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# --- checklists ----------------------------------------------------------------------------


@dataclass
class ChecklistView:
    checklist: Checklist
    items: list[ChecklistItem]

    def __getattr__(self, name: str) -> object:
        return getattr(self.checklist, name)


async def create_checklist(data: ChecklistIn, *, by: Principal) -> ChecklistView:
    """A new checklist; one it supersedes is retired, never edited."""
    assert by.district_id is not None
    if data.supersedes is not None:
        old = (
            await readable_checklists(by)
            .rows()
            .get_or_none(id=data.supersedes, retired_at__isnull=True, unit_type=data.unit_type)
        )
        if old is None:
            raise UnknownChecklist(
                N_("No current checklist of this unit type to supersede."),
                errors=[{"field": "supersedes", "message": N_("unknown checklist")}],
            )
        await Checklist.filter(id=old.id).update(retired_at=datetime.now(UTC))
    checklist = await Checklist.create(
        district_id=by.district_id,
        unit_type=data.unit_type,
        name=data.name,
        pass_mark=data.pass_mark,
        supersedes_id=data.supersedes,
        created_by=by.subject,
    )
    items = [
        ChecklistItem(checklist_id=checklist.id, position=n, **item.model_dump())
        for n, item in enumerate(data.items)
    ]
    await ChecklistItem.bulk_create(items)
    return ChecklistView(checklist, items)


async def get_checklist(checklist_id: str, *, who: Principal) -> ChecklistView:
    checklist = await readable_checklists(who).rows().get_or_none(id=checklist_id)
    if checklist is None:
        raise NoSuchChecklist(N_("No such checklist."))
    items = await ChecklistItem.filter(checklist_id=checklist.id).order_by("position")
    return ChecklistView(checklist, items)


# --- inspections ---------------------------------------------------------------------------


@dataclass
class InspectionView:
    inspection: Inspection
    results: list[InspectionResult] = field(default_factory=list)
    task_id: str | None = None

    def __getattr__(self, name: str) -> object:
        return getattr(self.inspection, name)


async def get_inspection(inspection_id: str, *, who: Principal) -> Inspection:
    inspection = await readable_inspections(who).rows().get_or_none(id=inspection_id)
    if inspection is None:
        raise NoSuchInspection(N_("No such inspection."))
    return inspection


def _root(inspection: Inspection) -> str:
    return inspection.reinspection_of_id or inspection.id


async def view(inspection: Inspection) -> InspectionView:
    results = await InspectionResult.filter(inspection_id=inspection.id).order_by("id")
    task = await RectificationTask.get_or_none(source="inspection", source_id=_root(inspection))
    return InspectionView(inspection, results, task.id if task else None)


async def _evaluator(evaluator_id: str | None, district_id: str) -> str | None:
    if evaluator_id is None:
        return None
    if not await Staff.exists(
        id=evaluator_id, role="evaluator", district_id=district_id, disabled_at__isnull=True
    ):
        raise UnknownEvaluator(
            N_("No such evaluator in your district."),
            errors=[{"field": "evaluator", "message": N_("unknown evaluator")}],
        )
    return evaluator_id


async def plan(
    *, unit_id: str, checklist_id: str, evaluator_id: str | None, by: Principal
) -> Inspection:
    unit = await get_unit(unit_id, who=by)
    checklist = (
        await readable_checklists(by)
        .rows()
        .get_or_none(id=checklist_id, district_id=unit.district_id, retired_at__isnull=True)
    )
    if checklist is None or checklist.unit_type != unit.type:
        raise UnknownChecklist(
            N_("No current checklist of this id for the unit's type."),
            errors=[{"field": "checklist", "message": N_("not a checklist for this unit")}],
        )
    return await Inspection.create(
        district_id=unit.district_id,
        community_id=unit.community_id,
        unit_id=unit.id,
        checklist_id=checklist.id,
        assigned_to=await _evaluator(evaluator_id, unit.district_id),
        created_by=by.subject,
    )


async def reinspect(
    inspection: Inspection, *, evaluator_id: str | None, by: Principal
) -> Inspection:
    if inspection.passed is not False:
        raise InspectionNotFailed(N_("Only a failed inspection is re-inspected."))
    return await Inspection.create(
        district_id=inspection.district_id,
        community_id=inspection.community_id,
        unit_id=inspection.unit_id,
        checklist_id=inspection.checklist_id,
        assigned_to=await _evaluator(evaluator_id, inspection.district_id),
        reinspection_of_id=_root(inspection),
        created_by=by.subject,
    )


def weighted_score(items: dict[str, ChecklistItem], scores: dict[str, int]) -> Decimal:
    """The share of weighted points earned, 0–100."""
    total = sum((Decimal(i.weight) for i in items.values()), Decimal(0))
    earned = sum(
        (Decimal(i.weight) * scores[i.id] / i.max_score for i in items.values()), Decimal(0)
    )
    return (earned / total * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


async def _validated_results(
    data: InspectionRecordIn, checklist: Checklist, items: list[ChecklistItem], who: Principal
) -> list[InspectionResult]:
    by_code = {i.code: i for i in items}
    results = []
    for n, result in enumerate(data.results):
        item = by_code.get(result.item)
        where = f"results.{n}"
        if item is None:
            raise UnknownChecklistItem(
                N_("`{item}` is not an item of this checklist."),
                item=result.item,
                errors=[{"field": f"{where}.item", "message": N_("unknown checklist item")}],
            )
        if not 0 <= result.score <= item.max_score:
            raise ScoreOutOfRange(
                N_("`{item}` scores from 0 to {max}."),
                item=item.code,
                max=item.max_score,
                errors=[
                    {
                        "field": f"{where}.score",
                        "message": FieldMessage("from 0 to {max}", max=item.max_score),
                    }
                ],
            )
        failed = Decimal(result.score) * HUNDRED < Decimal(checklist.pass_mark) * item.max_score
        if failed and not result.photos:
            raise PhotoRequired(
                N_("`{item}` failed: add a photo of it."),
                item=item.code,
                errors=[{"field": f"{where}.photos", "message": N_("a failed item needs a photo")}],
            )
        photos = await ensure_own_photos(result.photos, who=who, field=f"{where}.photos")
        results.append(
            InspectionResult(item_id=item.id, score=result.score, photos=photos, note=result.note)
        )
    seen = [r.item_id for r in results]
    missing = sorted(i.code for i in items if i.id not in seen)
    if missing or len(seen) != len(set(seen)):
        raise MissingChecklistItem(
            N_("Score every item of the checklist once; missing: {items}."),
            items=", ".join(missing) or "-",
            errors=[{"field": "results", "message": N_("each item exactly once")}],
        )
    return results


async def record(
    inspection: Inspection, data: InspectionRecordIn, *, by: Principal
) -> InspectionView:
    """Scores every item on site; a failure sends a notice and opens (or, on re-inspection,
    escalates) the unit's rectification task."""
    if inspection.status != "assigned":
        raise InspectionRecorded(N_("The inspection was recorded already."))
    checklist = await Checklist.get(id=inspection.checklist_id)
    items = await ChecklistItem.filter(checklist_id=checklist.id)
    results = await _validated_results(data, checklist, items, by)
    unit = await Unit.get(id=inspection.unit_id)
    if unit.lat is not None and unit.lng is not None:
        radius = (await district_rules_at(unit.district_id)).geofence_radius_m
        if distance_m(unit.lat, unit.lng, data.lat, data.lng) > radius:
            raise TooFarFromUnit(
                N_("Record the inspection at the unit (within {radius} m)."),
                radius=radius,
                errors=[{"field": "lat", "message": N_("too far from the unit")}],
            )
    if data.rectification_deadline is not None:
        ensure_future(data.rectification_deadline, "rectification_deadline")
    score = weighted_score({i.id: i for i in items}, {r.item_id: r.score for r in results})
    passed = score >= Decimal(checklist.pass_mark)
    now = datetime.now(UTC)
    moved = await Inspection.filter(id=inspection.id, status="assigned").update(
        status="recorded",
        score=score,
        passed=passed,
        lat=data.lat,
        lng=data.lng,
        inspected_by=by.subject,
        inspected_at=now,
    )
    if not moved:
        raise InspectionRecorded(N_("The inspection was recorded already."))
    for result in results:
        result.inspection_id = inspection.id
        result.district_id = inspection.district_id
    await InspectionResult.bulk_create(results)
    await inspection.refresh_from_db()
    task = await RectificationTask.get_or_none(source="inspection", source_id=_root(inspection))
    if inspection.reinspection_of_id and task is not None:
        task = await after_reinspection(task, passed=passed, by=by, inspection_id=inspection.id)
    elif not passed:
        task = await open_task(
            district_id=inspection.district_id,
            community_id=inspection.community_id,
            unit_id=inspection.unit_id,
            department=None,
            source="inspection",
            source_id=inspection.id,
            instructions=_("Put right the failed items of {checklist}.", checklist=checklist.name),
            deadline=data.rectification_deadline,
            by=by,
            deadline_field="rectification_deadline",
        )
    if not passed:
        await Notice.create(
            district_id=inspection.district_id,
            unit_id=inspection.unit_id,
            kind="inspection_failed",
            subject_id=inspection.id,
            text=_(
                "{unit} failed {checklist} with {score} points (pass mark {mark}).",
                unit=unit.name,
                checklist=checklist.name,
                score=score,
                mark=checklist.pass_mark,
            ),
            created_by=by.subject,
        )
    await notify_unit(
        inspection.unit_id,
        "oversight_inspection_recorded",
        {"inspection_id": inspection.id, "passed": passed, "score": str(score)},
    )
    return InspectionView(inspection, results, task.id if task else None)
