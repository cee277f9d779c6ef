"""Events filed before they happen (`event_filing` actions, e.g. frugal banquets): a resident
files ahead, a worker confirms or declines once the day has come; confirmation records an
approved deed and posts what it earns, like any approved deed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from activities.deeds import post_approved_deed
from activities.errors import (
    STATUS_NAMES,
    FilingDecided,
    FilingNotDue,
    InvalidTimes,
    NotAFiledAction,
)
from activities.models import Deed, EventFiling
from activities.notices import tell_filing_decided
from activities.scope import managed_filing
from activities.service import find_action
from activities.verification import rule_of
from kernel import localtime
from kernel.auth import Principal
from kernel.errors import Invalid
from kernel.i18n import N_, Named

FILE_AHEAD_AT_MOST = timedelta(days=366)


async def file_event(
    *, who: Principal, action: str, description: str, planned_on: date
) -> EventFiling:
    if who.district_id is None or not who.community_ids:
        raise Invalid(N_("Choose your community (PATCH /api/v1/me) before filing events."))
    found = await find_action(action, who.district_id)
    if rule_of(found) != "event_filing":
        raise NotAFiledAction(
            N_("“{action}” is not filed ahead; report it as a deed."), action=found.name
        )
    today = localtime.today()
    if planned_on < today or planned_on > today + FILE_AHEAD_AT_MOST:
        raise InvalidTimes(
            N_("An event is filed before it happens, at most a year ahead."),
            errors=[{"field": "planned_on", "message": N_("today or later, within a year")}],
        )
    return await EventFiling.create(
        district_id=who.district_id,
        community_id=next(iter(who.community_ids)),
        resident_id=who.id,
        action=action,
        description=description,
        planned_on=planned_on,
    )


async def decide_filing(
    filing_id: str, *, by: Principal, decision: str, reason: str | None
) -> EventFiling:
    """Confirms (the event happened as filed: an approved deed, credits) or declines it (with
    a reason). Only once the filed day has come, and only once."""
    filing = await managed_filing(filing_id, who=by)
    if filing.status != "filed":
        raise FilingDecided(
            N_("The filing was {status} already."), status=Named(filing.status, STATUS_NAMES)
        )
    if filing.planned_on > localtime.today():
        raise FilingNotDue(
            N_("The event is on {day}: confirm it once it has taken place."),
            day=filing.planned_on,
        )
    if decision == "decline" and not reason:
        raise Invalid(
            N_("Say why the filing is declined."),
            errors=[{"field": "reason", "message": N_("required")}],
        )
    now = datetime.now(UTC)
    moved = await EventFiling.filter(id=filing.id, status="filed").update(
        status="confirmed" if decision == "confirm" else "declined",
        decided_by=by.subject,
        decided_at=now,
        decision_reason=reason,
    )
    if not moved:
        raise FilingDecided(N_("The filing was decided meanwhile."))
    if decision == "confirm":
        occurred_at = min(localtime.at(filing.planned_on, time(12)).astimezone(UTC), now)
        deed = await Deed.create(
            district_id=filing.district_id,
            community_id=filing.community_id,
            resident_id=filing.resident_id,
            action=filing.action,
            description=filing.description,
            occurred_at=occurred_at,
            occurred_on=filing.planned_on,
            evidence=[],
            mode="filing",
            status="approved",
            flags=[],
            reported_by=f"resident:{filing.resident_id}",
            reviewed_by=by.subject,
            reviewed_at=now,
        )
        await post_approved_deed(deed, by=by)
        await EventFiling.filter(id=filing.id).update(deed_id=deed.id)
    decided = await EventFiling.get(id=filing.id)
    await tell_filing_decided(decided)
    return decided
