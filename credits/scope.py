"""Who may see what in the moral bank: the rewards, redemptions and ledger transactions a
caller may read (querysets), and get-by-id that answers 404 outside them. Every route and
service of `credits` asks here; nothing else decides scope."""

from __future__ import annotations

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from accounts.models import Household, Resident
from credits.errors import NoSuchRedemption, NoSuchReward, NoSuchTransaction, RewardNotYours
from credits.models import Entry, LedgerTransaction, Redemption, Reward
from kernel.auth import Principal
from kernel.i18n import N_


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


def catalogue(who: Principal) -> QuerySet[Reward]:
    """The rewards listed to the caller: residents see those on offer, staff the withdrawn
    ones too."""
    rewards = readable_rewards(who)
    return rewards.filter(withdrawn_at__isnull=True) if who.role == "resident" else rewards


async def managed_reward(reward_id: str, *, who: Principal) -> Reward:
    """A reward the caller may change, locked for the change: a worker their communities'
    rewards, an administrator every reward of the district (403 for a worker's district-wide
    reward, 404 outside)."""
    reward = await readable_reward(reward_id, who=who)
    if who.role == "worker" and reward.community_id is None:
        raise RewardNotYours(
            N_("`{title}` is a reward of the whole district: its administrator manages it."),
            title=reward.title,
        )
    return await Reward.select_for_update().get(id=reward.id)


def staff_redemptions(who: Principal, status: str | None = None) -> QuerySet[Redemption]:
    """The redemptions of the rewards a member of staff sees (a worker: their communities'
    and the district-wide ones; an administrator: the district's)."""
    found = Redemption.all()
    if who.role != "platform_admin":
        found = found.filter(district_id=who.district_id or "")
    if who.role == "worker":
        found = found.filter(
            Q(reward__community_id__in=list(who.community_ids))
            | Q(reward__community_id__isnull=True)
        )
    return found.filter(status=status) if status else found


async def staff_redemption(redemption_id: str, *, who: Principal) -> Redemption:
    found = await staff_redemptions(who).get_or_none(id=redemption_id)
    if found is None:
        raise NoSuchRedemption(
            N_("No redemption `{redemption}` in your scope."), redemption=redemption_id
        )
    return found


async def readable_reward(reward_id: str, *, who: Principal) -> Reward:
    reward = await readable_rewards(who).get_or_none(id=reward_id)
    if reward is None:
        raise NoSuchReward(N_("No reward `{reward}` for you."), reward=reward_id)
    return reward


def own_redemptions(who: Principal) -> QuerySet[Redemption]:
    return Redemption.filter(resident_id=who.id)


async def own_redemption(redemption_id: str, *, who: Principal) -> Redemption:
    redemption = await own_redemptions(who).get_or_none(id=redemption_id)
    if redemption is None:
        raise NoSuchRedemption(
            N_("No redemption `{redemption_id}` of yours."), redemption_id=redemption_id
        )
    return redemption


async def redemption_to_fulfil(code: str, *, who: Principal) -> Redemption:
    """The redemption behind a pickup code, if its reward is one the worker hands out."""
    redemption = await Redemption.get_or_none(code=code).prefetch_related("reward")
    if (
        redemption is None
        or not await readable_rewards(who).filter(id=redemption.reward_id).exists()
    ):
        raise NoSuchRedemption(N_("No redemption with this code in your communities."))
    return redemption


def readable_transactions(who: Principal) -> QuerySet[LedgerTransaction]:
    """The ledger is kept per district: its administrators read the district's transactions,
    a worker those with a leg of a resident or household of their communities."""
    found = LedgerTransaction.all()
    if who.role == "platform_admin":
        return found
    found = found.filter(district_id=who.district_id)
    if who.role != "worker":
        return found
    communities = list(who.community_ids)
    residents = Resident.filter(community_id__in=communities).values("id")
    households = Household.filter(community_id__in=communities).values("id")
    legs = Entry.filter(
        Q(owner_kind="resident", owner_id__in=Subquery(residents))
        | Q(owner_kind="household", owner_id__in=Subquery(households))
    ).values("transaction_id")
    return found.filter(id__in=Subquery(legs))


async def readable_transaction(transaction_id: str, *, who: Principal) -> LedgerTransaction:
    transaction = await readable_transactions(who).get_or_none(id=transaction_id)
    if transaction is None:
        raise NoSuchTransaction(
            N_("No transaction `{transaction_id}` in your district."), transaction_id=transaction_id
        )
    if who.role == "worker" and not await _touches_communities(transaction, who.community_ids):
        raise NoSuchTransaction(
            N_("No transaction `{transaction_id}` in your communities."),
            transaction_id=transaction_id,
        )
    return transaction


async def _touches_communities(
    transaction: LedgerTransaction, community_ids: frozenset[str]
) -> bool:
    """Whether a leg of the transaction is a resident or household of these communities."""
    legs = await Entry.filter(transaction_id=transaction.id).values_list("owner_kind", "owner_id")
    residents = [owner for kind, owner in legs if kind == "resident"]
    households = [owner for kind, owner in legs if kind == "household"]
    wanted = list(community_ids)
    return await Resident.filter(id__in=residents, community_id__in=wanted).exists() or (
        await Household.filter(id__in=households, community_id__in=wanted).exists()
    )
