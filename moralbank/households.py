"""Households: forming one (its creator heads it), joining by the head's invitation (the
joiner enters the code, the head confirms), leaving, handing headship over, a worker's
correction with its reason, and what a household holds and where it stands."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tortoise.queryset import QuerySet

from accounts.models import Household, HouseholdMembership, HouseholdShare, Resident
from accounts.service import rules_at
from credits import ledger, rewards
from credits.ledger import Leg, district_account, household_account
from credits.models import Entry, LedgerTransaction, Redemption, from_units
from credits.queries import LOCK_ACCOUNT
from credits.scope import household_redemptions
from kernel.auth import Principal
from kernel.i18n import N_
from kernel.outbox import queue_notification, register_notice
from kernel.scope import one_of
from kernel.sql import Rider, query_rows
from moralbank import scope
from moralbank.errors import (
    AlreadyInHousehold,
    HeadMustHandOver,
    InvitationInvalid,
    NoCommunity,
    NoHousehold,
    NotAMember,
    RequestNotPending,
    ResidentNotInCommunity,
)
from moralbank.households_queries import (
    SHARES_OF_REVERSED,
    STANDINGS,
    UNDECIDED_PARTICIPATIONS,
)

audit_log = logging.getLogger("app.audit")

INVITATION_LIFETIME = timedelta(days=2)
# No 0/O, 1/I/L: a code read aloud or typed from a neighbour's phone.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 8


register_notice(
    "household_join_requested",
    N_("{nickname} asks to join your household “{household}”: confirm or decline it."),
)
register_notice("household_joined", N_("You are a member of the household “{household}” now."))
register_notice(
    "household_request_declined",
    N_("The head of the household “{household}” declined your request to join."),
)
register_notice(
    "household_added_by_worker",
    N_("A community worker added you to the household “{household}”: {reason}"),
)
register_notice(
    "household_removed_by_worker",
    N_("A community worker removed you from the household “{household}”: {reason}"),
)


@dataclass(frozen=True)
class Standing:
    """A household's credits, its members now and its rank in its community."""

    balance: Decimal
    rank: int
    members: int


async def _resident(resident_id: str) -> Resident:
    """The resident, locked: one resident's household changes take turns."""
    return await Resident.select_for_update().get(id=resident_id)


async def _withdraw_requests(resident_id: str, *, by: str, now: datetime) -> None:
    await HouseholdMembership.filter(resident_id=resident_id, status="requested").update(
        status="ended", left_at=now, end_kind="withdrawn", ended_by=by
    )


async def _admit(
    household: Household, resident: Resident, *, by: str, note: str, now: datetime
) -> HouseholdMembership:
    if resident.household_id is not None:
        raise AlreadyInHousehold(N_("You are in a household already: leave it first."))
    resident.household_id = household.id
    await resident.save(update_fields=["household_id"])
    await _withdraw_requests(resident.id, by=by, now=now)
    return await HouseholdMembership.create(
        district_id=household.district_id,
        household_id=household.id,
        resident_id=resident.id,
        status="member",
        joined_at=now,
        started_by=by,
        start_note=note,
    )


async def create_household(*, name: str, by: Principal) -> Household:
    """A new household of the resident's community, headed by the resident."""
    resident = await _resident(by.id)
    if resident.community_id is None or resident.district_id is None:
        raise NoCommunity(N_("Choose your community before forming a household."))
    if resident.household_id is not None:
        raise AlreadyInHousehold(N_("You are in a household already: leave it first."))
    household = await Household.create(
        district_id=resident.district_id,
        community_id=resident.community_id,
        name=name,
        head_id=resident.id,
    )
    await _admit(household, resident, by=by.subject, note="", now=datetime.now(UTC))
    return household


async def invite(household_id: str, *, by: Principal) -> Household:
    """A fresh invitation code for the household (the one before stops working)."""
    household = await scope.headed_household(household_id, who=by)
    household.invite_code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    household.invite_expires_at = datetime.now(UTC) + INVITATION_LIFETIME
    await household.save(update_fields=["invite_code", "invite_expires_at"])
    return household


async def current_invitation(household_id: str, *, by: Principal) -> Household:
    """The household with its invitation still valid (refused when there is none)."""
    household = await scope.headed_household(household_id, who=by)
    if household.invite_code is None or not _valid(household, datetime.now(UTC)):
        raise InvitationInvalid(N_("The household has no valid invitation: make a new one."))
    return household


def _valid(household: Household, now: datetime) -> bool:
    return household.invite_expires_at is not None and household.invite_expires_at > now


async def ask_to_join(code: str, *, by: Principal) -> HouseholdMembership:
    """A request to join the household whose invitation this is; its head confirms it. A
    second request to the same household answers the first."""
    resident = await _resident(by.id)
    if resident.household_id is not None:
        raise AlreadyInHousehold(N_("You are in a household already: leave it first."))
    now = datetime.now(UTC)
    household = await Household.get_or_none(invite_code=code.strip().upper())
    if household is None or not _valid(household, now):
        raise InvitationInvalid(N_("The code is wrong or has expired: ask the head for a new one."))
    if household.community_id != resident.community_id:
        raise ResidentNotInCommunity(
            N_("A household is formed within one community: join its community first.")
        )
    pending = await HouseholdMembership.get_or_none(
        household_id=household.id, resident_id=resident.id, status="requested"
    )
    if pending is not None:
        return pending
    request = await HouseholdMembership.create(
        district_id=household.district_id,
        household_id=household.id,
        resident_id=resident.id,
        status="requested",
        requested_at=now,
        started_by=by.subject,
    )
    if household.head_id is not None:
        await queue_notification(
            "resident",
            household.head_id,
            "household_join_requested",
            {"nickname": resident.nickname, "household": household.name},
        )
    return request


async def _request_to_answer(request_id: str, *, by: Principal) -> HouseholdMembership:
    request = await scope.readable_request(request_id, who=by)
    await scope.headed_household(request.household_id, who=by)
    if request.status != "requested":
        raise RequestNotPending(N_("This request to join was answered already."))
    return request


async def confirm(request_id: str, *, by: Principal) -> HouseholdMembership:
    """The head confirms a request: the joiner is a member from now."""
    request = await _request_to_answer(request_id, by=by)
    household = await Household.get(id=request.household_id)
    resident = await _resident(request.resident_id)
    if resident.household_id is not None:
        raise AlreadyInHousehold(N_("The resident has joined another household meanwhile."))
    now = datetime.now(UTC)
    request.status, request.left_at, request.end_kind = "ended", now, "confirmed"
    request.ended_by = by.subject
    await request.save(update_fields=["status", "left_at", "end_kind", "ended_by"])
    membership = await _admit(household, resident, by=by.subject, note="", now=now)
    await queue_notification(
        "resident", resident.id, "household_joined", {"household": household.name}
    )
    return membership


async def decline(request_id: str, *, by: Principal) -> HouseholdMembership:
    request = await _request_to_answer(request_id, by=by)
    request.status, request.left_at, request.end_kind = "ended", datetime.now(UTC), "declined"
    request.ended_by = by.subject
    await request.save(update_fields=["status", "left_at", "end_kind", "ended_by"])
    household = await Household.get(id=request.household_id)
    await queue_notification(
        "resident", request.resident_id, "household_request_declined", {"household": household.name}
    )
    return request


async def _end_membership(
    membership: HouseholdMembership, *, kind: str, by: str, note: str = ""
) -> None:
    now = datetime.now(UTC)
    membership.status, membership.left_at, membership.end_kind = "ended", now, kind
    membership.ended_by, membership.end_note = by, note
    await membership.save(update_fields=["status", "left_at", "end_kind", "ended_by", "end_note"])
    await Resident.filter(id=membership.resident_id).update(household_id=None)
    household = await Household.select_for_update().get(id=membership.household_id)
    if household.head_id == membership.resident_id:
        successor = (
            await HouseholdMembership.filter(household_id=household.id, status="member")
            .order_by("joined_at", "id")
            .first()
        )
        household.head_id = successor.resident_id if successor else None
        if successor is None:
            household.invite_code = household.invite_expires_at = None
        await household.save(update_fields=["head_id", "invite_code", "invite_expires_at"])


async def leave(*, by: Principal) -> HouseholdMembership:
    """The resident leaves their household; the history keeps their time in it. A head with
    other members hands headship over first."""
    await _resident(by.id)
    membership = await HouseholdMembership.get_or_none(resident_id=by.id, status="member")
    if membership is None:
        raise NoHousehold(N_("You are not in a household."))
    household = await Household.get(id=membership.household_id)
    others = await HouseholdMembership.filter(household_id=household.id, status="member").count()
    if household.head_id == by.id and others > 1:
        raise HeadMustHandOver(N_("Hand headship over to another member before you leave."))
    await _end_membership(membership, kind="left", by=by.subject)
    return membership


async def hand_over(household_id: str, *, to: str, by: Principal) -> Household:
    household = await scope.headed_household(household_id, who=by)
    if not await HouseholdMembership.exists(
        household_id=household.id, resident_id=to, status="member"
    ):
        raise NotAMember(N_("The new head must be a member of the household."))
    household.head_id = to
    await household.save(update_fields=["head_id"])
    return household


async def correct(
    household_id: str, *, change: str, resident_id: str, reason: str, by: Principal
) -> Household:
    """A worker's correction of the membership (a resident added or removed), with its
    reason; the history keeps who did it and why."""
    household = await scope.readable_household(household_id, who=by)
    if change == "remove":
        membership = await HouseholdMembership.get_or_none(
            household_id=household.id, resident_id=resident_id, status="member"
        )
        if membership is None:
            raise NotAMember(N_("The resident is not a member of this household."))
        await _resident(resident_id)
        await _end_membership(membership, kind="removed", by=by.subject, note=reason)
    else:
        resident = await Resident.select_for_update().get_or_none(
            id=resident_id, community_id=household.community_id
        )
        if resident is None:
            raise ResidentNotInCommunity(
                N_("The resident does not live in the household's community.")
            )
        await _admit(household, resident, by=by.subject, note=reason, now=datetime.now(UTC))
        locked = await Household.select_for_update().get(id=household.id)
        if locked.head_id is None:
            locked.head_id = resident.id
            await locked.save(update_fields=["head_id"])
    topic = "household_removed_by_worker" if change == "remove" else "household_added_by_worker"
    await queue_notification(
        "resident", resident_id, topic, {"household": household.name, "reason": reason}
    )
    audit_log.warning(
        "household membership corrected",
        extra={"household_id": household.id, "change": change, "by": by.subject},
    )
    return await Household.get(id=household.id)


async def standings(households: list[Household]) -> dict[str, Standing]:
    """Each household's balance, members and rank in its community, in one statement."""
    if not households:
        return {}
    ids = [h.id for h in households]
    rows = await query_rows(
        STANDINGS,
        {},
        households=one_of("id", ids).sql("h"),
        chosen=one_of("id", ids).sql("r"),
    )
    return {
        row["id"]: Standing(from_units(int(row["balance"])), int(row["place"]), int(row["members"]))
        for row in rows
    }


async def members(household: Household) -> list[HouseholdMembership]:
    return (
        await HouseholdMembership.filter(household_id=household.id, status="member")
        .order_by("joined_at", "id")
        .prefetch_related("resident")
    )


async def membership_history(household: Household) -> list[HouseholdMembership]:
    """Every membership and request, newest first."""
    return (
        await HouseholdMembership.filter(household_id=household.id)
        .order_by("-created_at", "-id")
        .prefetch_related("resident")
    )


async def redeem(
    household_id: str,
    reward_id: str,
    *,
    by: Principal,
    also: Callable[[Redemption, str], Sequence[Rider]] | None = None,
) -> tuple[Redemption, str]:
    """The head redeems a reward from the household's credits: a reward a member of its
    community may redeem, held, handed over and voided like a resident's
    (`credits.rewards.redeem`), on the household's accounts. The household stays locked until
    the request ends, so its head stays its head meanwhile."""
    household = await scope.headed_household(household_id, who=by)
    return await rewards.redeem(reward_id, who=by, household=household, also=also)


async def cancel_redemption(household_id: str, redemption_id: str, *, by: Principal) -> Redemption:
    """The head now (whoever redeemed it) cancels a held redemption of the household: the
    credits go back to the household, the unit to the stock."""
    household = await scope.headed_household(household_id, who=by)
    return await rewards.cancel(redemption_id, who=by, household=household)


def redemptions(household: Household) -> QuerySet[Redemption]:
    """What the household's credits paid for, for its members."""
    return household_redemptions(household).rows()


def ledger_entries(household: Household) -> QuerySet[Entry]:
    """The entries of the household's credits account (what its history lists)."""
    return Entry.filter(
        owner_kind="household",
        owner_id=household.id,
        district_id=household.district_id,
        account_kind="available",
        asset="credits",
    )


async def roll_up(*, batch: int = 500) -> dict[str, int]:
    """Decides, once each, what members' participations earned their households by the
    district's rules in force when they happened: a household action's credits whole, any
    other's `household_share_percent`; posts it through the ledger, and takes back the share of
    a participation reversed since. A second run finds every participation decided and posts
    nothing."""
    reversed_, waiting = await _reverse_shares(batch)
    found = {"decided": 0, "posted": 0, "reversed": reversed_, "waiting": waiting}
    while True:
        rows = await query_rows(UNDECIDED_PARTICIPATIONS, {"limit": batch})
        if not rows:
            return found
        sources = {
            t.id: t for t in await LedgerTransaction.filter(id__in=[row["id"] for row in rows])
        }
        for row in rows:
            source = sources[row["id"]]
            rules = await rules_at(source.district_id, source.occurred_at)
            amount = int(row["amount"])
            if source.action is not None and source.action in rules.household_actions:
                basis, units = "direct", amount
            elif rules.household_share_percent > 0:
                basis, units = "share", (amount * rules.household_share_percent + 50) // 100
            else:
                basis, units = "none", 0
            posted = None
            if units > 0:
                posted = await ledger.post(
                    district_id=source.district_id,
                    kind="household",
                    ref_type="household_share",
                    ref_id=source.id,
                    legs=[
                        Leg(household_account(row["household_id"], source.district_id), units),
                        Leg(district_account(source.district_id, "issuance"), -units),
                    ],
                    actor="system:household-rollup",
                    action=source.action,
                    occurred_at=source.occurred_at,
                )
            await HouseholdShare.create(
                id=source.id,
                district_id=source.district_id,
                household_id=row["household_id"],
                resident_id=row["resident_id"],
                units=units,
                basis=basis,
                posted_id=posted.transaction.id if posted else None,
            )
            found["decided"] += 1
            found["posted"] += posted is not None
        if len(rows) < batch:
            return found


async def _reverse_shares(batch: int) -> tuple[int, int]:
    """Mirrors the shares of participations reversed since they were posted; returns how
    many, and how many wait: a household that has spent the credits since keeps the share
    until it holds enough again (its balance never goes below zero), and a later run takes it
    back."""
    reversed_, waiting, after = 0, 0, ""
    while True:
        rows = await query_rows(SHARES_OF_REVERSED, {"limit": batch, "after": after})
        for row in rows:
            after = row["id"]
            share = await LedgerTransaction.get(id=row["posted_id"])
            entries = await Entry.filter(transaction_id=share.id).order_by("id")
            credited = next(e for e in entries if e.owner_kind == "household")
            balance = await query_rows(LOCK_ACCOUNT, [credited.account_id])
            if int(balance[0]["balance"]) < credited.amount:
                waiting += 1
                continue
            posted = await ledger.post(
                district_id=share.district_id,
                kind="reverse",
                ref_type="transaction",
                ref_id=share.id,
                legs=[Leg(ledger.key_of(e), -e.amount) for e in entries],
                actor="system:household-rollup",
                action=share.action,
                reverses_id=share.id,
            )
            reversed_ += posted is not None
        if len(rows) < batch:
            return reversed_, waiting
