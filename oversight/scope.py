"""What each caller may see of the accountability domain: one readable statement per resource.

A unit's staff see their unit only; a worker the units, reports, inspections and tasks of their
communities; an evaluator the inspections assigned to them (and those inspections' units and
checklists); a district administrator their district; other districts do not exist (404).
Residents see their own reports. Reporters are never part of what a unit reads."""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise.expressions import Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from kernel.auth import Principal
from oversight.models import (
    Checklist,
    CreditRepair,
    Inspection,
    ListEntry,
    Notice,
    Objection,
    ProblemReport,
    RectificationTask,
    Unit,
    UnitAccount,
    UnitList,
    UnitScore,
)

M = TypeVar("M", bound=Model)


def own_unit_ids(who: Principal) -> Subquery:
    return Subquery(UnitAccount.filter(staff_id=who.id).values("unit_id"))


def _nothing(queryset: QuerySet[M]) -> QuerySet[M]:
    return queryset.filter(id="")


def _by_place(queryset: QuerySet[M], who: Principal, *, unit_field: str = "unit_id") -> QuerySet[M]:
    """Staff by district or communities, a unit's staff by their unit; nobody else."""
    if who.role == "platform_admin":
        return queryset
    if who.role == "district_admin":
        return queryset.filter(district_id=who.district_id or "")
    if who.role == "worker":
        return queryset.filter(
            district_id=who.district_id or "", community_id__in=list(who.community_ids)
        )
    if who.role == "unit_staff":
        return queryset.filter(**{f"{unit_field}__in": own_unit_ids(who)})
    return _nothing(queryset)


def _by_district(queryset: QuerySet[M], who: Principal) -> QuerySet[M]:
    if who.role == "platform_admin":
        return queryset
    return queryset.filter(district_id=who.district_id or "")


def readable_units(who: Principal) -> QuerySet[Unit]:
    if who.role == "unit_staff":
        return Unit.filter(id__in=own_unit_ids(who))
    if who.role == "evaluator":
        assigned = Inspection.filter(assigned_to=who.id).values("unit_id")
        return Unit.filter(id__in=Subquery(assigned))
    return _by_place(Unit.all(), who, unit_field="id")


def readable_reports(who: Principal) -> QuerySet[ProblemReport]:
    if who.role == "resident":
        return ProblemReport.filter(reporter_id=who.id)
    if who.role in ("unit_staff", "evaluator"):
        return _nothing(ProblemReport.all())
    return _by_place(ProblemReport.all(), who)


def readable_checklists(who: Principal) -> QuerySet[Checklist]:
    if who.role in ("resident", "unit_staff"):
        return _nothing(Checklist.all())
    return _by_district(Checklist.all(), who)


def readable_inspections(who: Principal) -> QuerySet[Inspection]:
    if who.role == "evaluator":
        return Inspection.filter(assigned_to=who.id)
    return _by_place(Inspection.all(), who)


def readable_tasks(who: Principal) -> QuerySet[RectificationTask]:
    return _by_place(RectificationTask.all(), who)


def readable_notices(who: Principal) -> QuerySet[Notice]:
    if who.role == "worker":
        units = Unit.filter(community_id__in=list(who.community_ids)).values("id")
        return Notice.filter(district_id=who.district_id or "", unit_id__in=Subquery(units))
    if who.role == "unit_staff":
        return Notice.filter(unit_id__in=own_unit_ids(who))
    if who.role in ("district_admin", "platform_admin"):
        return _by_district(Notice.all(), who)
    return _nothing(Notice.all())


def readable_scores(who: Principal) -> QuerySet[UnitScore]:
    if who.role == "unit_staff":
        return UnitScore.filter(unit_id__in=own_unit_ids(who))
    if who.role in ("worker", "district_admin", "platform_admin"):
        return _by_district(UnitScore.all(), who)
    return _nothing(UnitScore.all())


def readable_lists(who: Principal) -> QuerySet[UnitList]:
    """Lists are district business: its staff read them; units read their own entries."""
    if who.role in ("worker", "district_admin", "platform_admin"):
        return _by_district(UnitList.all(), who)
    return _nothing(UnitList.all())


def readable_entries(who: Principal) -> QuerySet[ListEntry]:
    """A unit reads its entries once it has been told of them (a draft is the district's)."""
    if who.role == "unit_staff":
        told = UnitList.filter(status__in=("noticed", "published")).values("id")
        return ListEntry.filter(unit_id__in=own_unit_ids(who), list_id__in=Subquery(told))
    if who.role in ("worker", "district_admin", "platform_admin"):
        return _by_district(ListEntry.all(), who)
    return _nothing(ListEntry.all())


def readable_objections(who: Principal) -> QuerySet[Objection]:
    return _appeals(Objection.all(), who)


def readable_repairs(who: Principal) -> QuerySet[CreditRepair]:
    return _appeals(CreditRepair.all(), who)


def _appeals(queryset: QuerySet[Any], who: Principal) -> QuerySet[Any]:
    if who.role == "unit_staff":
        return queryset.filter(unit_id__in=own_unit_ids(who))
    if who.role in ("worker", "district_admin", "platform_admin"):
        return _by_district(queryset, who)
    return _nothing(queryset)
