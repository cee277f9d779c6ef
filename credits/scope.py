"""Who may see what in the moral bank: the rewards, redemptions and ledger transactions a
caller may read (querysets), and get-by-id that answers 404 outside them. Every route and
service of `credits` asks here; nothing else decides scope."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.core.auth import Principal
from credits.errors import NoSuchRedemption, NoSuchReward, NoSuchTransaction
from credits.models import LedgerTransaction, Redemption, Reward


def readable_rewards(who: Principal) -> QuerySet[Reward]:
    """A district-wide reward is for everyone of its district; a community's reward for its
    residents and workers, and for the district's administrators."""
    rewards = Reward.all()
    if who.role != "platform_admin":
        rewards = rewards.filter(district_id=who.district_id or "")
    if who.role not in ("district_admin", "platform_admin"):
        rewards = rewards.filter(
            Q(community_id__in=list(who.community_ids)) | Q(community_id__isnull=True)
        )
    return rewards


async def readable_reward(reward_id: str, *, who: Principal) -> Reward:
    reward = await readable_rewards(who).get_or_none(id=reward_id)
    if reward is None:
        raise NoSuchReward(f"No reward `{reward_id}` for you.")
    return reward


def own_redemptions(who: Principal) -> QuerySet[Redemption]:
    return Redemption.filter(resident_id=who.id)


async def own_redemption(redemption_id: str, *, who: Principal) -> Redemption:
    redemption = await own_redemptions(who).get_or_none(id=redemption_id)
    if redemption is None:
        raise NoSuchRedemption(f"No redemption `{redemption_id}` of yours.")
    return redemption


async def redemption_to_fulfil(code: str, *, who: Principal) -> Redemption:
    """The redemption behind a pickup code, if its reward is one the worker hands out."""
    redemption = await Redemption.get_or_none(code=code).prefetch_related("reward")
    if (
        redemption is None
        or not await readable_rewards(who).filter(id=redemption.reward_id).exists()
    ):
        raise NoSuchRedemption("No redemption with this code in your communities.")
    return redemption


def readable_transactions(who: Principal) -> QuerySet[LedgerTransaction]:
    """The ledger is kept per district: its staff read the district's transactions."""
    found = LedgerTransaction.all()
    return found if who.role == "platform_admin" else found.filter(district_id=who.district_id)


async def readable_transaction(transaction_id: str, *, who: Principal) -> LedgerTransaction:
    transaction = await readable_transactions(who).get_or_none(id=transaction_id)
    if transaction is None:
        raise NoSuchTransaction(f"No transaction `{transaction_id}` in your district.")
    return transaction
