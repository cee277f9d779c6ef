"""What each caller may see of the accountability domain: one `Scope` per resource (querysets
and SQL from one condition), and the photos, read by what they belong to.

A unit's staff see their unit only; a worker the units, reports, inspections and tasks of their
communities; an evaluator the inspections assigned to them (and those inspections' units and
checklists); a district administrator their district; other districts do not exist (404).
Residents see their own reports. Reporters are never part of what a unit reads. Another domain
whose rows name oversight's photos says who reads them (`photos_named_by`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tortoise.models import Model

from accounts.scope import own_district, served_places
from kernel.auth import STAFF_ROLES, Principal
from kernel.scope import NEVER, Condition, Scope, eq, one_of, within
from kernel.sql import query_rows
from oversight.models import (
    Checklist,
    CreditRepair,
    Inspection,
    InspectionResult,
    ListEntry,
    Notice,
    Objection,
    Photo,
    ProblemReport,
    RectificationTask,
    TaskStep,
    Unit,
    UnitAccount,
    UnitList,
    UnitScore,
)
from oversight.queries import readable_photo_statement

M = TypeVar("M", bound=Model)
DISTRICT_STAFF = ("worker", "district_admin", "platform_admin")


def own_units(who: Principal, column: str = "unit_id") -> Condition:
    """Rows of the units whose staff the caller is."""
    return within(column, UnitAccount, "unit_id", eq("staff_id", who.id))


def _by_place(who: Principal, *, unit_column: str = "unit_id") -> Condition:
    """Staff by district or communities, a unit's staff by their unit; nobody else."""
    if who.role in DISTRICT_STAFF:
        return served_places(who).where()
    if who.role == "unit_staff":
        return own_units(who, unit_column)
    return NEVER


def _district_staff_or(who: Principal, units: Condition = NEVER) -> Condition:
    """District business: its staff read it (by district), a unit's staff `units`."""
    if who.role in DISTRICT_STAFF:
        return own_district(who)
    return units if who.role == "unit_staff" else NEVER


def inspects_assigned_only(who: Principal) -> bool:
    """An external evaluator reads and records only the inspections assigned to them (and
    those inspections' units); staff read their places' inspections."""
    return who.role == "evaluator"


def readable_units(who: Principal) -> Scope[Unit]:
    if inspects_assigned_only(who):
        return Scope(Unit, within("id", Inspection, "unit_id", eq("assigned_to", who.id)))
    return Scope(Unit, _by_place(who, unit_column="id"))


def reportable_units(who: Principal) -> Scope[Unit]:
    """The units a resident may name in a report: any of their district's."""
    return Scope(Unit, own_district(who))


def readable_reports(who: Principal) -> Scope[ProblemReport]:
    if who.role == "resident":
        return Scope(ProblemReport, eq("reporter_id", who.id))
    if who.is_partner:
        return Scope(ProblemReport, NEVER)
    return Scope(ProblemReport, _by_place(who))


def readable_checklists(who: Principal) -> Scope[Checklist]:
    if who.role in ("resident", "unit_staff"):
        return Scope(Checklist, NEVER)
    return Scope(Checklist, own_district(who))


def readable_inspections(who: Principal) -> Scope[Inspection]:
    if inspects_assigned_only(who):
        return Scope(Inspection, eq("assigned_to", who.id))
    return Scope(Inspection, _by_place(who))


def readable_tasks(who: Principal) -> Scope[RectificationTask]:
    return Scope(RectificationTask, _by_place(who))


def readable_notices(who: Principal) -> Scope[Notice]:
    if who.role == "worker":
        units = within("unit_id", Unit, "id", served_places(who).where())
        return Scope(Notice, own_district(who) & units)
    return Scope(Notice, _district_staff_or(who, own_units(who)))


def readable_scores(who: Principal) -> Scope[UnitScore]:
    return Scope(UnitScore, _district_staff_or(who, own_units(who)))


def readable_lists(who: Principal) -> Scope[UnitList]:
    """Lists are district business: its staff read them; units read their own entries."""
    return Scope(UnitList, _district_staff_or(who))


def readable_entries(who: Principal) -> Scope[ListEntry]:
    """A unit reads its entries once it has been told of them (a draft is the district's)."""
    told = within("list_id", UnitList, "id", one_of("status", ("noticed", "published")))
    return Scope(ListEntry, _district_staff_or(who, own_units(who) & told))


def readable_objections(who: Principal) -> Scope[Objection]:
    return Scope(Objection, _district_staff_or(who, own_units(who)))


def readable_repairs(who: Principal) -> Scope[CreditRepair]:
    return Scope(CreditRepair, _district_staff_or(who, own_units(who)))


# Other domains' tables naming oversight's photos (their JSON column `photos`), with the staff
# who read their photos: the domain registers them with `photos_named_by`.
_NAMED_BY: dict[str, Callable[[Principal], Scope[Any]]] = {}


def photos_named_by(model: type[Model], readers: Callable[[Principal], Scope[Any]]) -> None:
    """Another domain's rows of `model` name photos the caller uploaded (in their `photos`): a
    photo one of them names is read by its owner and by the staff `readers(who)` admits to that
    row, in `readable_photo` with oversight's own (oversight imports no other domain)."""
    _NAMED_BY[model._meta.db_table] = readers


async def readable_photo(photo_id: str, *, who: Principal) -> Photo | None:
    """The photo, when the caller may read it (None otherwise)."""
    results = within("inspection_id", Inspection, "id", readable_inspections(who).where)
    steps = within("task_id", RectificationTask, "id", readable_tasks(who).where)
    named_by = sorted(_NAMED_BY)
    rows = await query_rows(
        readable_photo_statement(named_by),
        {"photo": photo_id, "owner": who.subject, "staff": int(who.role in STAFF_ROLES)},
        reports=readable_reports(who).sql("r"),
        results=Scope(InspectionResult, results).sql("x"),
        steps=Scope(TaskStep, steps).sql("s"),
        objections=readable_objections(who).sql("o"),
        repairs=readable_repairs(who).sql("c"),
        **{f"use{n}": _NAMED_BY[table](who).sql(f"u{n}") for n, table in enumerate(named_by)},
    )
    return Photo._init_from_db(**rows[0]) if rows else None
