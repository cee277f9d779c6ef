"""Red and black lists (红黑榜): scores per unit and period computed set-based, a draft list
per district, unit type and period, notice to black-listed units with a window to object,
decisions on objections, publication (a snapshot per publication), withdrawals and credit
repair as records of their own. A listing is public until the end of the following period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from tortoise.expressions import Subquery

from accounts.models import Community
from kernel import localtime, objections
from kernel.auth import Principal
from kernel.i18n import N_, _
from kernel.sql import db_time, execute, query_rows
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
)
from oversight.models import (
    Appeal,
    CreditRepair,
    ListEntry,
    ListEntryRemoval,
    ListPublication,
    Notice,
    Objection,
    RectificationTask,
    Unit,
    UnitList,
)
from oversight.photos import ensure_own_photos
from oversight.queries import CLEAR_SCORES, LIST_ENTRIES, RED, SCORE_UNITS, SCORED_UNIT_TYPES
from oversight.rectification import notify_district_admins, notify_unit
from oversight.rules import ensure_district_period, next_period, period_bounds, rules_version_at
from oversight.scope import (
    readable_entries,
    readable_lists,
    readable_objections,
    readable_repairs,
)


async def compute_district(district_id: str, period: str, *, now: datetime) -> dict[str, int]:
    """Scores the district's units for the period and drafts its lists, set-based. Lists
    already sent to their units are kept as they are; drafts are drafted again."""
    start, end = period_bounds(period)
    version_id, rules = await rules_version_at(district_id, end)
    await execute(CLEAR_SCORES, {"district": district_id, "period": period})
    scored = await execute(
        SCORE_UNITS,
        {
            "district": district_id,
            "period": period,
            "start": db_time(start),
            "end": db_time(end),
            "penalty": float(rules.report_penalty),
            "rules_version": version_id,
            "now": db_time(now),
        },
    )
    rows = await query_rows(SCORED_UNIT_TYPES, {"district": district_id, "period": period})
    lists = entries = 0
    valid_until = period_bounds(next_period(period))[1]
    for unit_type in sorted(str(row["unit_type"]) for row in rows):
        unit_list = await UnitList.get_or_none(
            district_id=district_id, unit_type=unit_type, period=period
        )
        if unit_list is not None and unit_list.status != "draft":
            continue
        if unit_list is None:
            unit_list = await UnitList.create(
                district_id=district_id,
                unit_type=unit_type,
                period=period,
                valid_until=valid_until,
                rules_version_id=version_id,
                computed_at=now,
            )
        else:
            await ListEntry.filter(list_id=unit_list.id).delete()
            await UnitList.filter(id=unit_list.id).update(
                computed_at=now, rules_version_id=version_id
            )
        lists += 1
        entries += await execute(
            LIST_ENTRIES,
            {
                "list": unit_list.id,
                "district": district_id,
                "period": period,
                "unit_type": unit_type,
                "red": float(rules.red_from_score),
                "black": float(rules.black_below_score),
            },
            red=RED,
        )
    return {"scored_units": scored, "lists": lists, "entries": entries}


async def compute(district_id: str, period: str) -> dict[str, Any]:
    await ensure_district_period(district_id, period)
    stats = await compute_district(district_id, period, now=datetime.now(UTC))
    return {"period": period, **stats}


# --- reading -------------------------------------------------------------------------------


async def get_list(list_id: str, *, who: Principal) -> UnitList:
    unit_list = await readable_lists(who).rows().get_or_none(id=list_id)
    if unit_list is None:
        raise NoSuchList(N_("No such list."))
    return unit_list


async def entries_of(unit_list: UnitList) -> list[dict[str, Any]]:
    entries = await ListEntry.filter(list_id=unit_list.id).order_by("colour", "-score", "id")
    removals = {
        r.entry_id: r.kind
        for r in await ListEntryRemoval.filter(entry_id__in=[e.id for e in entries])
    }
    names = dict(await Unit.filter(id__in=[e.unit_id for e in entries]).values_list("id", "name"))
    return [
        {
            "id": e.id,
            "list_id": e.list_id,
            "unit_id": e.unit_id,
            "unit_name": names.get(e.unit_id, ""),
            "colour": e.colour,
            "score": e.score,
            "reason_category": e.reason_category,
            "removed": removals.get(e.id),
        }
        for e in entries
    ]


async def get_entry(entry_id: str, *, who: Principal) -> ListEntry:
    entry = None
    if entry_id.isdigit() and len(entry_id) < 19:
        entry = await readable_entries(who).rows().get_or_none(id=int(entry_id))
    if entry is None:
        raise NoSuchEntry(N_("No such list entry."))
    return entry


async def _ensure_not_removed(entry: ListEntry) -> None:
    if await ListEntryRemoval.exists(entry_id=entry.id):
        raise EntryRemoved(N_("The entry was removed from its list already."))


# --- notice, objections, publication -------------------------------------------------------


async def send_notices(unit_list: UnitList, *, by: Principal) -> UnitList:
    """Each black-listed unit is told, and may object until the window closes."""
    _version, rules = await rules_version_at(unit_list.district_id)
    now = datetime.now(UTC)
    deadline = now + timedelta(days=rules.objection_days)
    moved = await UnitList.filter(id=unit_list.id, status="draft").update(
        status="noticed", noticed_at=now, objection_deadline=deadline
    )
    if not moved:
        raise ListNotDraft(N_("The list is no longer a draft."))
    for entry in await ListEntry.filter(list_id=unit_list.id, colour="black"):
        await Notice.create(
            district_id=entry.district_id,
            unit_id=entry.unit_id,
            kind="black_list_draft",
            subject_id=str(entry.id),
            text=_(
                "On the draft black list of {period}; you may object until {deadline}.",
                period=localtime.PeriodName(unit_list.period),
                deadline=_local(deadline),
            ),
            created_by=by.subject,
        )
        await notify_unit(
            entry.unit_id,
            "oversight_black_list_draft",
            {"entry_id": entry.id, "period": unit_list.period, "deadline": deadline.isoformat()},
        )
    await unit_list.refresh_from_db()
    return unit_list


async def object_to(
    entry: ListEntry, *, who: Principal, statement_text: str, photos: list[str]
) -> Objection:
    if entry.colour != "black":
        raise NotBlackListed(N_("Only a black-list entry can be objected to."))
    unit_list = await UnitList.get(id=entry.list_id)
    if unit_list.status != "noticed" or not objections.window_open(unit_list.objection_deadline):
        raise ObjectionWindowClosed(N_("The time to object has passed."))
    await _ensure_not_removed(entry)
    if await Objection.exists(entry_id=entry.id, decision__isnull=True):
        raise AlreadyDecided(N_("An objection to this entry waits for a decision."))
    return await _submit(Objection, entry, who=who, statement_text=statement_text, photos=photos)


async def get_objection(objection_id: str, *, who: Principal) -> Objection:
    objection = await readable_objections(who).rows().get_or_none(id=objection_id)
    if objection is None:
        raise NoSuchObjection(N_("No such objection."))
    return objection


async def decide_objection(
    objection: Objection, *, by: Principal, decision: str, reason: str
) -> Objection:
    """`uphold` keeps the listing; `remove` takes the unit off the list, with the reason."""
    await _decide(objection, by=by, decision=decision, reason=reason)
    if decision == "remove":
        await ListEntryRemoval.create(
            entry_id=objection.entry_id,
            district_id=objection.district_id,
            kind="objection",
            reason=reason,
            by=by.subject,
        )
    await _told(objection, decision)
    return objection


async def public_entries(unit_list: UnitList) -> list[dict[str, Any]]:
    """What the public sees of a list: units, never people."""
    removed = ListEntryRemoval.filter(district_id=unit_list.district_id).values("entry_id")
    entries = await ListEntry.filter(list_id=unit_list.id).exclude(id__in=Subquery(removed))
    units = {u.id: u for u in await Unit.filter(id__in=[e.unit_id for e in entries])}
    communities = dict(
        await Community.filter(id__in={u.community_id for u in units.values()}).values_list(
            "id", "name"
        )
    )
    return [
        {
            "unit_name": units[e.unit_id].name,
            "unit_type": unit_list.unit_type,
            "community": communities.get(units[e.unit_id].community_id, ""),
            "period": unit_list.period,
            "colour": e.colour,
            "reason_category": e.reason_category,
        }
        for e in sorted(entries, key=lambda e: (e.colour != "red", units[e.unit_id].name))
    ]


async def _snapshot(unit_list: UnitList, *, by: Principal, reason: str) -> None:
    await ListPublication.create(
        list_id=unit_list.id,
        district_id=unit_list.district_id,
        entries=await public_entries(unit_list),
        reason=reason,
        by=by.subject,
    )


def _local(moment: datetime) -> str:
    """A moment as people read it in a sentence: the city's local time, to the minute."""
    return moment.astimezone(localtime.zone()).strftime("%Y-%m-%d %H:%M")


async def publish(unit_list: UnitList, *, by: Principal) -> UnitList:
    if unit_list.status != "noticed" or unit_list.objection_deadline is None:
        raise ListNotNoticed(N_("Send the list to its units before publishing it."))
    if objections.window_open(unit_list.objection_deadline):
        raise ObjectionWindowOpen(
            N_("Units may object until {deadline}."), deadline=_local(unit_list.objection_deadline)
        )
    pending = await Objection.filter(
        entry_id__in=Subquery(ListEntry.filter(list_id=unit_list.id).values("id")),
        decision__isnull=True,
    ).count()
    if pending:
        raise ObjectionsPending(N_("{count} objection(s) wait for a decision."), count=pending)
    moved = await UnitList.filter(id=unit_list.id, status="noticed").update(
        status="published", published_at=datetime.now(UTC), published_by=by.subject
    )
    if not moved:
        raise ListNotNoticed(N_("The list was published already."))
    await unit_list.refresh_from_db()
    await _snapshot(unit_list, by=by, reason="")
    return unit_list


async def withdraw(
    entry: ListEntry, *, by: Principal, reason: str, kind: str = "withdrawal"
) -> UnitList:
    """Takes one entry off a list, for a reason (a withdrawal, a granted repair); a published
    list is published again, and the earlier publication kept."""
    await _ensure_not_removed(entry)
    await ListEntryRemoval.create(
        entry_id=entry.id,
        district_id=entry.district_id,
        kind=kind,
        reason=reason,
        by=by.subject,
    )
    unit_list = await UnitList.get(id=entry.list_id)
    if unit_list.status == "published":
        await _snapshot(unit_list, by=by, reason=reason)
    return unit_list


async def publications(unit_list: UnitList) -> list[ListPublication]:
    return await ListPublication.filter(list_id=unit_list.id).order_by("id")


async def public_lists(district_id: str, *, now: datetime) -> list[dict[str, Any]]:
    """The latest publication of each list still in force."""
    current = await UnitList.filter(
        district_id=district_id, status="published", valid_until__gt=now
    ).order_by("period", "unit_type")
    items: list[dict[str, Any]] = []
    for unit_list in current:
        latest = await ListPublication.filter(list_id=unit_list.id).order_by("-id").first()
        if latest is not None:
            items.extend(latest.entries)
    return items


# --- credit repair -------------------------------------------------------------------------


async def apply_for_repair(
    entry: ListEntry, *, who: Principal, statement_text: str, photos: list[str]
) -> CreditRepair:
    """After putting things right, a black-listed unit asks to be taken off the list."""
    if entry.colour != "black":
        raise NotBlackListed(N_("Only a black-list entry can be repaired."))
    unit_list = await UnitList.get(id=entry.list_id)
    if unit_list.status != "published":
        raise ListNotPublished(N_("Only a published listing can be repaired."))
    await _ensure_not_removed(entry)
    if await CreditRepair.exists(entry_id=entry.id, decision__isnull=True):
        raise RepairPending(N_("An application for credit repair waits for a decision."))
    if await RectificationTask.exists(unit_id=entry.unit_id, status__in=("open", "submitted")):
        raise RectificationOutstanding(
            N_("Finish the unit's open rectification tasks before applying for credit repair.")
        )
    return await _submit(CreditRepair, entry, who=who, statement_text=statement_text, photos=photos)


async def get_repair(repair_id: str, *, who: Principal) -> CreditRepair:
    repair = await readable_repairs(who).rows().get_or_none(id=repair_id)
    if repair is None:
        raise NoSuchRepair(N_("No such application for credit repair."))
    return repair


async def decide_repair(
    repair: CreditRepair, *, by: Principal, decision: str, reason: str
) -> CreditRepair:
    await _decide(repair, by=by, decision=decision, reason=reason)
    if decision == "grant":
        entry = await ListEntry.get(id=repair.entry_id)
        await withdraw(entry, by=by, reason=reason, kind="repair")
    await _told(repair, decision)
    return repair


# --- what objections and repairs share -----------------------------------------------------

AppealT = TypeVar("AppealT", Objection, CreditRepair)
# The outbox topic and payload key of each kind: (submitted, decided, key).
_TOPICS: dict[type[Appeal], tuple[str, str, str]] = {
    Objection: ("oversight_objection_submitted", "oversight_objection_decided", "objection_id"),
    CreditRepair: ("oversight_repair_submitted", "oversight_repair_decided", "repair_id"),
}


async def _submit(
    model: type[AppealT],
    entry: ListEntry,
    *,
    who: Principal,
    statement_text: str,
    photos: list[str],
) -> AppealT:
    """The unit's statement, with its own photos; the district's administrators are told."""
    photos = await ensure_own_photos(photos, who=who, field="photos")
    appeal = await model.create(
        entry_id=entry.id,
        district_id=entry.district_id,
        unit_id=entry.unit_id,
        statement=statement_text,
        photos=photos,
        submitted_by=who.subject,
    )
    submitted, _decided, key = _TOPICS[model]
    await notify_district_admins(entry.district_id, submitted, {key: appeal.id})
    return appeal


async def _decide(appeal: Appeal, *, by: Principal, decision: str, reason: str) -> None:
    """Decided once (`kernel.objections`), so a second decision is refused."""
    if not await objections.decide_once(appeal, by=by.subject, decision=decision, reason=reason):
        if isinstance(appeal, Objection):
            raise AlreadyDecided(N_("This objection was decided already."))
        raise AlreadyDecided(N_("This application was decided already."))


async def _told(appeal: Appeal, decision: str) -> None:
    """The unit hears the decision."""
    _submitted, decided, key = _TOPICS[type(appeal)]
    await notify_unit(appeal.unit_id, decided, {key: appeal.id, "decision": decision})
