"""HTTP endpoints of the credits domain: thin adapters over `credits.service` and
`credits.rewards`."""

from __future__ import annotations

from typing import Any

import credits.jobs  # noqa: F401  (registers the moral bank's scheduled jobs)
from credits import errors, rewards, scope, service
from credits.errors import InsufficientCredits, NoSuchReward, NoSuchTransaction
from credits.ledger import Posted
from credits.models import LedgerTransaction, Redemption, Reward
from credits.schemas import (
    AdjustmentIn,
    FulfilIn,
    HistoryItem,
    MyCreditsOut,
    RedemptionOut,
    RedemptionQuery,
    RestockIn,
    ReverseIn,
    RewardChangeOut,
    RewardIn,
    RewardOut,
    RewardPatch,
    StaffRedemptionOut,
    TransactionOut,
    WithdrawIn,
)
from credits.totals import resident_totals
from kernel.auth import Principal
from kernel.http import Api, Page, PageQuery, answer_with, paginate
from kernel.sql import Rider

api = Api("credits")


async def _rewards_out(found: list[Reward]) -> list[RewardOut]:
    communities = await rewards.community_codes(found)
    return [RewardOut.of(r, communities) for r in found]


async def _redemptions_out(found: list[Redemption]) -> list[RedemptionOut]:
    titles = await rewards.reward_titles(found)
    return [RedemptionOut.of(r, titles) for r in found]


async def _staff_redemptions_out(found: list[Redemption]) -> list[StaffRedemptionOut]:
    titles, nicknames = await rewards.reward_titles(found), await rewards.redeemer_nicknames(found)
    households = await rewards.paying_households(found)
    return [StaffRedemptionOut.of(r, titles, nicknames, households) for r in found]


async def _transactions_out(found: list[LedgerTransaction]) -> list[TransactionOut]:
    entries = await service.entries_of(found)
    return [TransactionOut.of(t, entries[t.id], await service.rules_version_of(t)) for t in found]


# --- rewards and redemptions ----------------------------------------------------------------


@api.post(
    "/api/v1/rewards",
    roles=("worker", "district_admin"),
    body=RewardIn,
    response=RewardOut,
    status=201,
    idempotent=True,
    errors=(errors.InvalidCommunity,),
)
async def create_reward(who: Principal, body: RewardIn) -> RewardOut:
    """Adds a reward to the catalogue of a community (or, for administrators, the district)."""
    reward = await rewards.create_reward(**body.model_dump(), by=who)
    return (await _rewards_out([reward]))[0]


@api.get("/api/v1/rewards", query=PageQuery, response=Page[RewardOut])
async def list_rewards(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The rewards the caller can see: their district's and their communities'."""
    page = await paginate(scope.catalogue(who).rows(), query)
    page["items"] = await _rewards_out(page["items"])
    return page


@api.get(
    "/api/v1/rewards/{reward_id}",
    response=RewardOut,
    errors=(NoSuchReward,),
)
async def get_reward(who: Principal, reward_id: str) -> RewardOut:
    """One reward, with the stock still available."""
    return (await _rewards_out([await scope.readable_reward(reward_id, who=who)]))[0]


_MANAGE_ERRORS = (errors.NoSuchReward, errors.RewardNotYours, errors.RewardWithdrawn)


@api.patch(
    "/api/v1/rewards/{reward_id}",
    roles=("worker", "district_admin"),
    body=RewardPatch,
    response=RewardOut,
    errors=_MANAGE_ERRORS,
)
async def edit_reward(who: Principal, reward_id: str, body: RewardPatch) -> RewardOut:
    """Edits a reward's title, description or cost (recorded); holds taken keep their cost."""
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    reward = await rewards.edit_reward(reward_id, changes, by=who)
    return (await _rewards_out([reward]))[0]


@api.post(
    "/api/v1/rewards/{reward_id}/restock",
    roles=("worker", "district_admin"),
    body=RestockIn,
    response=RewardOut,
    idempotent=True,
    errors=_MANAGE_ERRORS,
)
async def restock_reward(who: Principal, reward_id: str, body: RestockIn) -> RewardOut:
    """Adds units to a reward's stock; recorded with who, when and why."""
    reward = await rewards.restock_reward(reward_id, body.quantity, body.reason, by=who)
    return (await _rewards_out([reward]))[0]


@api.post(
    "/api/v1/rewards/{reward_id}/withdraw",
    roles=("worker", "district_admin"),
    body=WithdrawIn,
    response=RewardOut,
    idempotent=True,
    errors=_MANAGE_ERRORS,
)
async def withdraw_reward(who: Principal, reward_id: str, body: WithdrawIn) -> RewardOut:
    """Takes a reward off the residents' catalogue, with a reason; holds already taken can
    still be handed over or cancelled."""
    reward = await rewards.withdraw_reward(reward_id, body.reason, by=who)
    return (await _rewards_out([reward]))[0]


@api.get(
    "/api/v1/rewards/{reward_id}/changes",
    roles=("worker", "district_admin", "platform_admin"),
    query=PageQuery,
    response=Page[RewardChangeOut],
    errors=(errors.NoSuchReward,),
)
async def list_reward_changes(who: Principal, reward_id: str, query: PageQuery) -> dict[str, Any]:
    """The record of edits, restocks and the withdrawal of a reward, newest first."""
    reward = await scope.readable_reward(reward_id, who=who)
    return await paginate(rewards.reward_changes(reward), query)


@api.post(
    "/api/v1/rewards/{reward_id}/redemptions",
    roles=("resident",),
    response=RedemptionOut,
    status=201,
    idempotent=True,
    errors=(
        errors.InsufficientCredits,
        errors.OutOfStock,
        errors.RewardWithdrawn,
        errors.NoSuchReward,
    ),
)
async def redeem(who: Principal, reward_id: str) -> RedemptionOut:
    """Holds the reward's cost and one unit of stock; the pickup `code` fulfils it (from a
    household's credits: `POST /api/v1/households/{id}/redemptions`)."""

    def answer(redemption: Redemption, title: str) -> RedemptionOut:
        return RedemptionOut.of(redemption, {redemption.reward_id: title})  # nothing read back

    def stored(redemption: Redemption, title: str) -> list[Rider]:
        rider = answer_with(answer(redemption, title))
        return [rider] if rider is not None else []

    return answer(*await rewards.redeem(reward_id, who=who, also=stored))


@api.get(
    "/api/v1/me/redemptions", roles=("resident",), query=PageQuery, response=Page[RedemptionOut]
)
async def my_redemptions(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The resident's redemptions, newest first, with their pickup codes (`household` set on
    those they made as its head from the household's credits)."""
    page = await paginate(scope.own_redemptions(who).rows(), query)
    page["items"] = await _redemptions_out(page["items"])
    return page


@api.post(
    "/api/v1/redemptions/{redemption_id}/cancel",
    roles=("resident",),
    response=RedemptionOut,
    idempotent=True,
    errors=(
        errors.RedemptionNotHeld,
        errors.NoSuchRedemption,
        errors.RedemptionOfHousehold,
        InsufficientCredits,
    ),
)
async def cancel_redemption(who: Principal, redemption_id: str) -> RedemptionOut:
    """The resident cancels a held redemption: credits and stock are given back (a
    household's is cancelled by its head through the household)."""
    return (await _redemptions_out([await rewards.cancel(redemption_id, who=who)]))[0]


@api.post(
    "/api/v1/redemptions/fulfil",
    roles=("worker",),
    body=FulfilIn,
    response=RedemptionOut,
    idempotent=True,
    errors=(
        errors.RedemptionNotHeld,
        errors.RedemptionExpired,
        errors.NoSuchRedemption,
        InsufficientCredits,
    ),
)
async def fulfil_redemption(who: Principal, body: FulfilIn) -> RedemptionOut:
    """A worker hands over the reward against the resident's pickup code (workers only: the
    hand-over happens at a community's counter; administrators see the list)."""
    return (await _redemptions_out([await rewards.fulfil(body.code, who=who)]))[0]


@api.get(
    "/api/v1/redemptions",
    roles=("worker", "district_admin", "platform_admin"),
    query=RedemptionQuery,
    response=Page[StaffRedemptionOut],
)
async def list_redemptions(who: Principal, query: RedemptionQuery) -> dict[str, Any]:
    """Redemptions of the rewards the caller sees, newest first, by `status` if given."""
    page = await paginate(scope.staff_redemptions(who, query.status).rows(), query)
    page["items"] = await _staff_redemptions_out(page["items"])
    return page


@api.get(
    "/api/v1/redemptions/{redemption_id}",
    roles=("worker", "district_admin", "platform_admin"),
    response=StaffRedemptionOut,
    errors=(errors.NoSuchRedemption,),
)
async def get_redemption(who: Principal, redemption_id: str) -> StaffRedemptionOut:
    """One redemption of the rewards the caller sees."""
    found = await scope.staff_redemption(redemption_id, who=who)
    return (await _staff_redemptions_out([found]))[0]


# --- the ledger for staff -------------------------------------------------------------------


@api.post(
    "/api/v1/credits/adjustments",
    roles=("district_admin", "platform_admin"),
    body=AdjustmentIn,
    response=TransactionOut,
    status=201,
    idempotent=True,
    errors=(errors.InsufficientCredits, errors.NoSuchResident, errors.NotInDistrict),
)
async def adjust_credits(who: Principal, body: AdjustmentIn) -> TransactionOut:
    """Gives or takes a resident's credits by hand, with a reason; never below zero."""

    def answer(posted: Posted) -> TransactionOut:
        # From the entries as posted: nothing is read back (an adjustment has no rules version).
        return TransactionOut.of(posted.transaction, posted.entries, None)

    def stored(posted: Posted) -> list[Rider]:
        rider = answer_with(answer(posted))
        return [rider] if rider is not None else []

    posted = await service.adjust(
        resident_id=body.resident, amount=body.amount, reason=body.reason, by=who, also=stored
    )
    return answer(posted)


@api.get(
    "/api/v1/credits/adjustments",
    roles=("district_admin", "platform_admin"),
    query=PageQuery,
    response=Page[TransactionOut],
)
async def list_adjustments(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The audit trail of manual adjustments in the caller's district, newest first."""
    page = await paginate(service.adjustments(who), query)
    page["items"] = await _transactions_out(page["items"])
    return page


@api.get(
    "/api/v1/credits/transactions/{transaction_id}",
    roles=("worker", "district_admin", "platform_admin"),
    response=TransactionOut,
    errors=(NoSuchTransaction,),
)
async def get_transaction(who: Principal, transaction_id: str) -> TransactionOut:
    """A ledger transaction with its entries."""
    return (await _transactions_out([await scope.readable_transaction(transaction_id, who=who)]))[0]


@api.post(
    "/api/v1/credits/transactions/{transaction_id}/reverse",
    roles=("district_admin", "platform_admin"),
    body=ReverseIn,
    response=TransactionOut,
    status=201,
    idempotent=True,
    errors=(
        errors.AlreadyReversed,
        errors.NotReversible,
        errors.InsufficientCredits,
        NoSuchTransaction,
    ),
)
async def reverse_transaction(
    who: Principal, transaction_id: str, body: ReverseIn
) -> TransactionOut:
    """Posts the mirror of a participation or an adjustment, once, with a reason."""
    reversal = await service.reverse_transaction(transaction_id, reason=body.reason, by=who)
    return (await _transactions_out([reversal]))[0]


# --- the resident's own credits -------------------------------------------------------------


@api.get("/api/v1/me/credits", roles=("resident",), response=MyCreditsOut)
async def my_credits(who: Principal) -> MyCreditsOut:
    """The resident's balance, held credits, credits earned and what expires when."""
    totals = await resident_totals(who.id)
    return MyCreditsOut(
        balance=totals.credits_balance,
        held=totals.credits_held,
        earned=totals.credits_earned,
        hours_total=totals.hours_total,
        expiring=await service.expiring_credits(who.id),
    )


@api.get(
    "/api/v1/me/credits/transactions",
    roles=("resident",),
    query=PageQuery,
    response=Page[HistoryItem],
)
async def my_credit_transactions(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The resident's credit movements, newest first, with the balance after each."""
    return await service.credit_history(who.id, cursor=query.cursor, limit=query.limit)
