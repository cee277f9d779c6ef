"""Scores and red/black lists: drafts, notices, objections, publication, withdrawal and
credit repair."""

from __future__ import annotations

from typing import Any

from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Principal
from kernel.http import Page, PageQuery, paginate
from oversight import lists
from oversight.errors import (
    AlreadyDecided,
    EntryRemoved,
    ListNotDraft,
    ListNotNoticed,
    ListNotPublished,
    NoSuchEntry,
    NoSuchList,
    NoSuchObjection,
    NoSuchRepair,
    NotBlackListed,
    ObjectionsPending,
    ObjectionWindowClosed,
    ObjectionWindowOpen,
    RectificationOutstanding,
    RepairPending,
    UnknownPeriod,
)
from oversight.models import ListEntry, ListPublication, Unit, UnitList
from oversight.routes._shared import DISTRICT, UNIT, api
from oversight.schemas import (
    ComputeIn,
    ComputeOut,
    DecisionReason,
    ListDetailOut,
    ListEntryOut,
    ListOut,
    ListQuery,
    ObjectionDecisionIn,
    ObjectionIn,
    ObjectionOut,
    PublicationOut,
    RepairDecisionIn,
    RepairOut,
    ScoreOut,
    ScoreQuery,
)
from oversight.scope import (
    readable_entries,
    readable_lists,
    readable_objections,
    readable_repairs,
    readable_scores,
)

# --- scores and lists ----------------------------------------------------------------------


@api.get(
    "/api/v1/oversight/scores",
    roles=(*STAFF, "unit_staff"),
    query=ScoreQuery,
    response=Page[ScoreOut],
    errors=(),
)
async def list_scores(who: Principal, query: ScoreQuery) -> dict[str, Any]:
    """Unit scores of a period."""
    found = readable_scores(who).rows().filter(period=query.period)
    if query.type:
        found = found.filter(unit_type=query.type)
    return await paginate(found, query)


@api.post(
    "/api/v1/oversight/lists/compute",
    roles=DISTRICT,
    body=ComputeIn,
    response=ComputeOut,
    errors=(UnknownPeriod,),
)
async def compute_lists(who: Principal, body: ComputeIn) -> Any:
    """Scores the district's units for an ended period and drafts its lists now (the
    quarterly job does the same for every district)."""
    assert who.district_id is not None
    return await lists.compute(who.district_id, body.period)


@api.get(
    "/api/v1/oversight/lists",
    roles=STAFF,
    query=ListQuery,
    response=Page[ListOut],
    errors=(),
)
async def list_lists(who: Principal, query: ListQuery) -> dict[str, Any]:
    """The district's red/black lists."""
    found = readable_lists(who).rows()
    if query.period:
        found = found.filter(period=query.period)
    if query.status:
        found = found.filter(status=query.status)
    return await paginate(found, query)


async def _detail(unit_list: UnitList) -> dict[str, Any]:
    detail = ListOut.model_validate(unit_list).model_dump()
    return {**detail, "entries": await lists.entries_of(unit_list)}


@api.get(
    "/api/v1/oversight/lists/{list_id}",
    roles=STAFF,
    response=ListDetailOut,
    errors=(NoSuchList,),
)
async def get_list(who: Principal, list_id: str) -> dict[str, Any]:
    """A list with its entries, and which were removed and why (kind)."""
    return await _detail(await lists.get_list(list_id, who=who))


@api.post(
    "/api/v1/oversight/lists/{list_id}/notices",
    roles=DISTRICT,
    response=ListDetailOut,
    errors=(NoSuchList, ListNotDraft),
)
async def send_list_notices(who: Principal, list_id: str) -> dict[str, Any]:
    """Tells each black-listed unit; the objection window opens."""
    unit_list = await lists.get_list(list_id, who=who)
    return await _detail(await lists.send_notices(unit_list, by=who))


@api.post(
    "/api/v1/oversight/lists/{list_id}/publication",
    roles=DISTRICT,
    response=ListDetailOut,
    errors=(NoSuchList, ListNotNoticed, ObjectionWindowOpen, ObjectionsPending),
)
async def publish_list(who: Principal, list_id: str) -> dict[str, Any]:
    """Publishes the list once the objection window has closed and every objection is decided."""
    unit_list = await lists.get_list(list_id, who=who)
    return await _detail(await lists.publish(unit_list, by=who))


@api.get(
    "/api/v1/oversight/lists/{list_id}/publications",
    roles=STAFF,
    response=list[PublicationOut],
    errors=(NoSuchList,),
)
async def list_publications(who: Principal, list_id: str) -> list[ListPublication]:
    """What was published when: each publication's snapshot, with its reason."""
    return await lists.publications(await lists.get_list(list_id, who=who))


@api.get(
    "/api/v1/oversight/list-entries",
    roles=(*STAFF, "unit_staff"),
    query=PageQuery,
    response=Page[ListEntryOut],
    errors=(),
)
async def list_entries(who: Principal, query: PageQuery) -> dict[str, Any]:
    """List entries the caller sees: a unit, its own."""
    page = await paginate(readable_entries(who).rows(), query)
    names = await _unit_names([e.unit_id for e in page["items"]])
    page["items"] = [{**_entry(e), "unit_name": names.get(e.unit_id, "")} for e in page["items"]]
    return page


def _entry(entry: ListEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "list_id": entry.list_id,
        "unit_id": entry.unit_id,
        "colour": entry.colour,
        "score": entry.score,
        "reason_category": entry.reason_category,
    }


async def _unit_names(unit_ids: list[str]) -> dict[str, str]:
    return dict(await Unit.filter(id__in=unit_ids).values_list("id", "name"))


@api.post(
    "/api/v1/oversight/list-entries/{entry_id}/objections",
    roles=UNIT,
    body=ObjectionIn,
    response=ObjectionOut,
    status=201,
    errors=(NoSuchEntry, NotBlackListed, ObjectionWindowClosed, EntryRemoved, AlreadyDecided),
)
async def object_to_entry(who: Principal, entry_id: str, body: ObjectionIn) -> Any:
    """A black-listed unit objects (异议) within the window."""
    entry = await lists.get_entry(entry_id, who=who)
    return await lists.object_to(entry, who=who, statement_text=body.statement, photos=body.photos)


@api.post(
    "/api/v1/oversight/list-entries/{entry_id}/withdrawal",
    roles=DISTRICT,
    body=DecisionReason,
    response=ListOut,
    errors=(NoSuchEntry, EntryRemoved),
)
async def withdraw_entry(who: Principal, entry_id: str, body: DecisionReason) -> Any:
    """Takes an entry off its list for a reason; a published list is published again."""
    entry = await lists.get_entry(entry_id, who=who)
    return await lists.withdraw(entry, by=who, reason=body.reason)


@api.post(
    "/api/v1/oversight/list-entries/{entry_id}/repairs",
    roles=UNIT,
    body=ObjectionIn,
    response=RepairOut,
    status=201,
    errors=(
        NoSuchEntry,
        NotBlackListed,
        ListNotPublished,
        EntryRemoved,
        RepairPending,
        RectificationOutstanding,
    ),
)
async def apply_for_repair(who: Principal, entry_id: str, body: ObjectionIn) -> Any:
    """After rectification, a black-listed unit applies for credit repair (信用修复)."""
    entry = await lists.get_entry(entry_id, who=who)
    return await lists.apply_for_repair(
        entry, who=who, statement_text=body.statement, photos=body.photos
    )


@api.get(
    "/api/v1/oversight/objections",
    roles=(*STAFF, "unit_staff"),
    query=PageQuery,
    response=Page[ObjectionOut],
    errors=(),
)
async def list_objections(who: Principal, query: PageQuery) -> dict[str, Any]:
    return await paginate(readable_objections(who).rows(), query)


@api.post(
    "/api/v1/oversight/objections/{objection_id}/decision",
    roles=DISTRICT,
    body=ObjectionDecisionIn,
    response=ObjectionOut,
    errors=(NoSuchObjection, AlreadyDecided),
)
async def decide_objection(who: Principal, objection_id: str, body: ObjectionDecisionIn) -> Any:
    """Upholds the listing, or removes the unit from it; the reason is kept."""
    objection = await lists.get_objection(objection_id, who=who)
    return await lists.decide_objection(
        objection, by=who, decision=body.decision, reason=body.reason
    )


@api.get(
    "/api/v1/oversight/repairs",
    roles=(*STAFF, "unit_staff"),
    query=PageQuery,
    response=Page[RepairOut],
    errors=(),
)
async def list_repairs(who: Principal, query: PageQuery) -> dict[str, Any]:
    return await paginate(readable_repairs(who).rows(), query)


@api.post(
    "/api/v1/oversight/repairs/{repair_id}/decision",
    roles=DISTRICT,
    body=RepairDecisionIn,
    response=RepairOut,
    errors=(NoSuchRepair, AlreadyDecided),
)
async def decide_repair(who: Principal, repair_id: str, body: RepairDecisionIn) -> Any:
    """Grants credit repair (the entry leaves the public list) or refuses it, with a reason."""
    repair = await lists.get_repair(repair_id, who=who)
    return await lists.decide_repair(repair, by=who, decision=body.decision, reason=body.reason)
