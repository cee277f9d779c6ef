"""HTTP endpoints of households: thin adapters over `moralbank.households`."""

from __future__ import annotations

import io
from typing import Any

import qrcode
from starlette.responses import Response

import moralbank.jobs  # noqa: F401  (registers household-rollup)
from accounts.models import Household, HouseholdMembership
from credits.errors import (
    InsufficientCredits,
    NoSuchRedemption,
    NoSuchReward,
    OutOfStock,
    RedemptionNotHeld,
    RewardWithdrawn,
)
from credits.models import Redemption
from credits.rewards import reward_titles
from credits.schemas import RedemptionOut
from kernel.auth import Principal
from kernel.http import Api, Page, PageQuery, answer_with, paginate
from kernel.settings import get_settings
from kernel.sql import Rider
from moralbank import households, scope
from moralbank.errors import (
    AlreadyInHousehold,
    HeadMustHandOver,
    InvitationInvalid,
    NoCommunity,
    NoHousehold,
    NoSuchHousehold,
    NoSuchHouseholdRequest,
    NotAMember,
    NotTheHead,
    RequestNotPending,
    ResidentNotInCommunity,
)
from moralbank.schemas import (
    HeadshipHandOverIn,
    HouseholdCorrectionIn,
    HouseholdEntryOut,
    HouseholdIn,
    HouseholdInvitationOut,
    HouseholdJoinIn,
    HouseholdListItem,
    HouseholdMembershipOut,
    HouseholdOut,
    HouseholdRedemptionIn,
    MyHouseholdOut,
)

api = Api("households")

CORRECTS = ("worker", "district_admin")


async def household_out(household: Household, who: Principal) -> HouseholdOut:
    standing = (await households.standings([household]))[household.id]
    members = await households.members(household)
    answers = who.role != "resident" or household.head_id == who.id
    requests = (
        await HouseholdMembership.filter(household_id=household.id, status="requested")
        .order_by("requested_at", "id")
        .prefetch_related("resident")
        if answers
        else []
    )
    return HouseholdOut.of(household, standing, members, requests)


async def _membership_out(membership: HouseholdMembership) -> HouseholdMembershipOut:
    await membership.fetch_related("resident")
    return HouseholdMembershipOut.of(membership)


@api.post(
    "/api/v1/households",
    roles=("resident",),
    body=HouseholdIn,
    response=HouseholdOut,
    status=201,
    idempotent=True,
    errors=(AlreadyInHousehold, NoCommunity),
)
async def create_household(who: Principal, body: HouseholdIn) -> HouseholdOut:
    """Forms a household in the resident's community; the resident heads it."""
    household = await households.create_household(name=body.name, by=who)
    return await household_out(household, who)


@api.get("/api/v1/households", query=PageQuery, response=Page[HouseholdListItem])
async def list_households(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The households the caller sees (a resident: their own; a worker: their communities';
    an administrator: the district's), each with its credits and rank in its community."""
    page = await paginate(scope.readable_households(who).rows(), query)
    found = await households.standings(page["items"])
    page["items"] = [HouseholdListItem.of(h, found[h.id]) for h in page["items"]]
    return page


@api.get("/api/v1/me/household", roles=("resident",), response=MyHouseholdOut)
async def my_household(who: Principal) -> MyHouseholdOut:
    """The resident's household (its members, credits, rank and, for its head, the requests to
    join) and the resident's own requests waiting for an answer."""
    household = await scope.readable_households(who).rows().first()
    asked = (
        await HouseholdMembership.filter(resident_id=who.id, status="requested")
        .order_by("requested_at", "id")
        .prefetch_related("resident")
    )
    return MyHouseholdOut(
        household=await household_out(household, who) if household else None,
        my_requests=[HouseholdMembershipOut.of(m) for m in asked],
    )


@api.get("/api/v1/households/{household_id}", response=HouseholdOut, errors=(NoSuchHousehold,))
async def get_household(who: Principal, household_id: str) -> HouseholdOut:
    return await household_out(await scope.readable_household(household_id, who=who), who)


@api.get(
    "/api/v1/households/{household_id}/history",
    query=PageQuery,
    response=Page[HouseholdEntryOut],
    errors=(NoSuchHousehold,),
)
async def household_history(who: Principal, household_id: str, query: PageQuery) -> dict[str, Any]:
    """The movements of the household's credits, newest first: what members' participations
    earned it, and what its head redeemed from it (`hold`) and got back (`void`)."""
    household = await scope.readable_household(household_id, who=who)
    page = await paginate(
        households.ledger_entries(household).prefetch_related("transaction"), query
    )
    page["items"] = [HouseholdEntryOut.of(e) for e in page["items"]]
    return page


@api.post(
    "/api/v1/households/{household_id}/redemptions",
    roles=("resident",),
    body=HouseholdRedemptionIn,
    response=RedemptionOut,
    status=201,
    idempotent=True,
    errors=(
        NoSuchHousehold,
        NotTheHead,
        NoSuchReward,
        InsufficientCredits,
        OutOfStock,
        RewardWithdrawn,
    ),
)
async def redeem(who: Principal, household_id: str, body: HouseholdRedemptionIn) -> RedemptionOut:
    """The head redeems a reward from the household's credits: the cost is held from them and
    one unit of stock; the pickup `code` fulfils it at the counter, like a resident's."""

    def answer(redemption: Redemption, title: str) -> RedemptionOut:
        return RedemptionOut.of(redemption, {redemption.reward_id: title})  # nothing read back

    def stored(redemption: Redemption, title: str) -> list[Rider]:
        rider = answer_with(answer(redemption, title))
        return [rider] if rider is not None else []

    return answer(*await households.redeem(household_id, body.reward, by=who, also=stored))


@api.get(
    "/api/v1/households/{household_id}/redemptions",
    roles=("resident",),
    query=PageQuery,
    response=Page[RedemptionOut],
    errors=(NoSuchHousehold,),
)
async def household_redemptions(
    who: Principal, household_id: str, query: PageQuery
) -> dict[str, Any]:
    """What the household's credits paid for, newest first, with the pickup codes (any member
    may collect it at the counter)."""
    household = await scope.readable_household(household_id, who=who)
    page = await paginate(households.redemptions(household), query)
    titles = await reward_titles(page["items"])
    page["items"] = [RedemptionOut.of(r, titles) for r in page["items"]]
    return page


@api.post(
    "/api/v1/households/{household_id}/redemptions/{redemption_id}/cancel",
    roles=("resident",),
    response=RedemptionOut,
    idempotent=True,
    errors=(NoSuchHousehold, NotTheHead, NoSuchRedemption, RedemptionNotHeld, InsufficientCredits),
)
async def cancel_redemption(who: Principal, household_id: str, redemption_id: str) -> RedemptionOut:
    """The head cancels a held redemption of the household: the credits go back to it."""
    redemption = await households.cancel_redemption(household_id, redemption_id, by=who)
    return RedemptionOut.of(redemption, await reward_titles([redemption]))


@api.get(
    "/api/v1/households/{household_id}/memberships",
    query=PageQuery,
    response=Page[HouseholdMembershipOut],
    errors=(NoSuchHousehold,),
)
async def household_memberships(
    who: Principal, household_id: str, query: PageQuery
) -> dict[str, Any]:
    """Who joined, asked to join and left the household, when, and by whose hand."""
    household = await scope.readable_household(household_id, who=who)
    page = await paginate(
        HouseholdMembership.filter(household_id=household.id).prefetch_related("resident"), query
    )
    page["items"] = [HouseholdMembershipOut.of(m) for m in page["items"]]
    return page


@api.post(
    "/api/v1/households/{household_id}/invitation",
    roles=("resident",),
    response=HouseholdInvitationOut,
    status=201,
    errors=(NoSuchHousehold, NotTheHead),
)
async def invite(who: Principal, household_id: str) -> HouseholdInvitationOut:
    """A new invitation code (valid two days; the one before stops working) and its QR."""
    household = await households.invite(household_id, by=who)
    return HouseholdInvitationOut.of(household, get_settings().public_base_url.rstrip("/"))


@api.get(
    "/api/v1/households/{household_id}/invitation.png",
    roles=("resident",),
    media_type="image/png",
    errors=(NoSuchHousehold, NotTheHead, InvitationInvalid),
)
async def invitation_png(who: Principal, household_id: str) -> Response:
    """The valid invitation code as a QR image (PNG) for a joiner to scan."""
    household = await households.current_invitation(household_id, by=who)
    image = qrcode.make(household.invite_code or "", box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return Response(
        buffer.getvalue(), media_type="image/png", headers={"Cache-Control": "no-store"}
    )


@api.post(
    "/api/v1/household-requests",
    roles=("resident",),
    body=HouseholdJoinIn,
    response=HouseholdMembershipOut,
    status=201,
    errors=(AlreadyInHousehold, InvitationInvalid, ResidentNotInCommunity),
)
async def ask_to_join(who: Principal, body: HouseholdJoinIn) -> HouseholdMembershipOut:
    """Asks to join the household of an invitation code; its head confirms."""
    return await _membership_out(await households.ask_to_join(body.code, by=who))


@api.post(
    "/api/v1/household-requests/{request_id}/confirm",
    roles=("resident",),
    response=HouseholdMembershipOut,
    errors=(NoSuchHouseholdRequest, NotTheHead, RequestNotPending, AlreadyInHousehold),
)
async def confirm_request(who: Principal, request_id: str) -> HouseholdMembershipOut:
    """The head confirms a request to join: the joiner is a member from now."""
    return await _membership_out(await households.confirm(request_id, by=who))


@api.post(
    "/api/v1/household-requests/{request_id}/decline",
    roles=("resident",),
    response=HouseholdMembershipOut,
    errors=(NoSuchHouseholdRequest, NotTheHead, RequestNotPending),
)
async def decline_request(who: Principal, request_id: str) -> HouseholdMembershipOut:
    return await _membership_out(await households.decline(request_id, by=who))


@api.post(
    "/api/v1/me/household/leave",
    roles=("resident",),
    response=HouseholdMembershipOut,
    errors=(NoHousehold, HeadMustHandOver),
)
async def leave(who: Principal) -> HouseholdMembershipOut:
    """Leaves the household; its history keeps the time the resident was in it."""
    return await _membership_out(await households.leave(by=who))


@api.post(
    "/api/v1/households/{household_id}/head",
    roles=("resident",),
    body=HeadshipHandOverIn,
    response=HouseholdOut,
    errors=(NoSuchHousehold, NotTheHead, NotAMember),
)
async def hand_over(who: Principal, household_id: str, body: HeadshipHandOverIn) -> HouseholdOut:
    """The head hands headship over to another member."""
    household = await households.hand_over(household_id, to=body.resident, by=who)
    return await household_out(household, who)


@api.post(
    "/api/v1/households/{household_id}/corrections",
    roles=CORRECTS,
    body=HouseholdCorrectionIn,
    response=HouseholdOut,
    errors=(NoSuchHousehold, NotAMember, ResidentNotInCommunity, AlreadyInHousehold),
)
async def correct(who: Principal, household_id: str, body: HouseholdCorrectionIn) -> HouseholdOut:
    """A worker adds a resident of the community to the household or removes a member, with
    the reason; the history keeps it."""
    household = await households.correct(
        household_id, change=body.change, resident_id=body.resident, reason=body.reason, by=who
    )
    return await household_out(household, who)
