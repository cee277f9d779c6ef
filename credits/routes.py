"""HTTP endpoints of the credits domain: thin adapters over `credits.service` and
`credits.rewards`."""

from __future__ import annotations

from typing import Any

import credits.jobs  # noqa: F401  (registers the moral bank's scheduled jobs)
from app.core.auth import Principal
from app.core.http import Api, Page, PageQuery, paginate
from credits import errors, rewards, scope, service
from credits.schemas import (
    AdjustmentIn,
    FulfilIn,
    HistoryItem,
    MyCreditsOut,
    RedemptionOut,
    ReverseIn,
    RewardIn,
    RewardOut,
    TransactionOut,
)

api = Api("credits")


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
async def create_reward(who: Principal, body: RewardIn) -> dict[str, Any]:
    """Adds a reward to the catalogue of a community (or, for administrators, the district)."""
    reward = await rewards.create_reward(**body.model_dump(), by=who)
    return (await rewards.reward_views([reward]))[0]


@api.get("/api/v1/rewards", query=PageQuery, response=Page[RewardOut])
async def list_rewards(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The rewards the caller can see: their district's and their communities'."""
    page = await paginate(scope.readable_rewards(who), query)
    page["items"] = await rewards.reward_views(page["items"])
    return page


@api.get("/api/v1/rewards/{reward_id}", response=RewardOut)
async def get_reward(who: Principal, reward_id: str) -> dict[str, Any]:
    """One reward, with the stock still available."""
    return (await rewards.reward_views([await scope.readable_reward(reward_id, who=who)]))[0]


@api.post(
    "/api/v1/rewards/{reward_id}/redemptions",
    roles=("resident",),
    response=RedemptionOut,
    status=201,
    idempotent=True,
    errors=(errors.InsufficientCredits, errors.OutOfStock, errors.NoSuchReward),
)
async def redeem(who: Principal, reward_id: str) -> dict[str, Any]:
    """Holds the reward's cost and one unit of stock; the pickup `code` fulfils it."""
    return rewards.redemption_view(await rewards.redeem(reward_id, who=who))


@api.get(
    "/api/v1/me/redemptions", roles=("resident",), query=PageQuery, response=Page[RedemptionOut]
)
async def my_redemptions(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The resident's redemptions, newest first, with their pickup codes."""
    page = await paginate(scope.own_redemptions(who), query)
    page["items"] = [rewards.redemption_view(r) for r in page["items"]]
    return page


@api.post(
    "/api/v1/redemptions/{redemption_id}/cancel",
    roles=("resident",),
    response=RedemptionOut,
    idempotent=True,
    errors=(errors.RedemptionNotHeld, errors.NoSuchRedemption),
)
async def cancel_redemption(who: Principal, redemption_id: str) -> dict[str, Any]:
    """The resident cancels a held redemption: credits and stock are given back."""
    return rewards.redemption_view(await rewards.cancel(redemption_id, who=who))


@api.post(
    "/api/v1/redemptions/fulfil",
    roles=("worker", "district_admin"),
    body=FulfilIn,
    response=RedemptionOut,
    idempotent=True,
    errors=(errors.RedemptionNotHeld, errors.RedemptionExpired, errors.NoSuchRedemption),
)
async def fulfil_redemption(who: Principal, body: FulfilIn) -> dict[str, Any]:
    """A worker hands over the reward against the resident's pickup code."""
    return rewards.redemption_view(await rewards.fulfil(body.code, who=who))


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
async def adjust_credits(who: Principal, body: AdjustmentIn) -> dict[str, Any]:
    """Gives or takes a resident's credits by hand, with a reason; never below zero."""
    transaction = await service.adjust(
        resident_id=body.resident, amount=body.amount, reason=body.reason, by=who
    )
    return await service.transaction_view(transaction)


@api.get(
    "/api/v1/credits/adjustments",
    roles=("district_admin", "platform_admin"),
    query=PageQuery,
    response=Page[TransactionOut],
)
async def list_adjustments(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The audit trail of manual adjustments in the caller's district, newest first."""
    page = await paginate(service.adjustments(who), query)
    page["items"] = [await service.transaction_view(t) for t in page["items"]]
    return page


@api.get(
    "/api/v1/credits/transactions/{transaction_id}",
    roles=("worker", "district_admin", "platform_admin"),
    response=TransactionOut,
)
async def get_transaction(who: Principal, transaction_id: str) -> dict[str, Any]:
    """A ledger transaction with its entries."""
    return await service.transaction_view(await scope.readable_transaction(transaction_id, who=who))


@api.post(
    "/api/v1/credits/transactions/{transaction_id}/reverse",
    roles=("district_admin", "platform_admin"),
    body=ReverseIn,
    response=TransactionOut,
    status=201,
    idempotent=True,
    errors=(errors.AlreadyReversed, errors.NotReversible, errors.InsufficientCredits),
)
async def reverse_transaction(
    who: Principal, transaction_id: str, body: ReverseIn
) -> dict[str, Any]:
    """Posts the mirror of a participation or an adjustment, once, with a reason."""
    reversal = await service.reverse_transaction(transaction_id, reason=body.reason, by=who)
    return await service.transaction_view(reversal)


# --- the resident's own credits -------------------------------------------------------------


@api.get("/api/v1/me/credits", roles=("resident",), response=MyCreditsOut)
async def my_credits(who: Principal) -> dict[str, Any]:
    """The resident's balance, held credits, credits earned and what expires when."""
    totals = await service.resident_totals(who.id)
    return {
        "balance": totals.credits_balance,
        "held": totals.credits_held,
        "earned": totals.credits_earned,
        "hours_total": totals.hours_total,
        "expiring": await service.expiring_credits(who.id),
    }


@api.get(
    "/api/v1/me/credits/transactions",
    roles=("resident",),
    query=PageQuery,
    response=Page[HistoryItem],
)
async def my_credit_transactions(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The resident's credit movements, newest first, with the balance after each."""
    return await service.credit_history(who.id, cursor=query.cursor, limit=query.limit)
