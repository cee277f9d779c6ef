"""Who may see what in the moral bank: the rewards, redemptions and ledger entries and
transactions a caller may read (one `Scope` each: querysets and SQL from one condition), and
get-by-id that answers 404 outside them. Every route, service and statement of `credits` asks
here; nothing else decides scope."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import Household, Resident
from accounts.scope import own_district, served_places
from credits.errors import NoSuchRedemption, NoSuchReward, NoSuchTransaction, RewardNotYours
from credits.models import Entry, LedgerTransaction, Redemption, Reward
from kernel.auth import Principal
from kernel.i18n import N_
from kernel.scope import Condition, Scope, eq, is_null, one_of, within


def _rewards_of(who: Principal) -> Condition:
    """A district-wide reward is for everyone of its district; a community's reward for its
    residents and workers, and for the district's administrators."""
    if who.role in ("district_admin", "platform_admin"):
        return own_district(who)
    return own_district(who) & _for_communities(who.community_ids)


def _for_communities(community_ids: Iterable[str]) -> Condition:
    return one_of("community_id", community_ids) | is_null("community_id")


def readable_rewards(who: Principal) -> Scope[Reward]:
    return Scope(Reward, _rewards_of(who))


def household_rewards(household: Household) -> Scope[Reward]:
    """The rewards a household's head may redeem from its credits: those a member of its
    community may redeem (its community's and its district's), wherever the head lives now."""
    community = _for_communities([household.community_id])
    return Scope(Reward, eq("district_id", household.district_id) & community)


def catalogue(who: Principal) -> Scope[Reward]:
    """The rewards listed to the caller: residents see those on offer, staff the withdrawn
    ones too."""
    rewards = readable_rewards(who)
    return rewards.narrowed(is_null("withdrawn_at")) if who.role == "resident" else rewards


def offers_district_rewards(who: Principal) -> bool:
    """Whether the caller may offer, and manage, rewards for the whole district: its
    administrators may; a worker offers and manages their communities' rewards only."""
    return who.role in ("district_admin", "platform_admin")


def may_manage_reward(who: Principal, reward: Reward) -> bool:
    """Whether the caller may change a reward they can read (`managed_reward`)."""
    return reward.community_id is not None or offers_district_rewards(who)


async def managed_reward(reward_id: str, *, who: Principal) -> Reward:
    """A reward the caller may change, locked for the change: a worker their communities'
    rewards, an administrator every reward of the district (403 for a worker's district-wide
    reward, 404 outside)."""
    reward = await readable_reward(reward_id, who=who)
    if not may_manage_reward(who, reward):
        raise RewardNotYours(
            N_("`{title}` is a reward of the whole district: its administrator manages it."),
            title=reward.title,
        )
    return await Reward.select_for_update().get(id=reward.id)


def staff_redemptions(who: Principal, status: str | None = None) -> Scope[Redemption]:
    """The redemptions of the rewards a member of staff sees (a worker: their communities'
    and the district-wide ones; an administrator: the district's)."""
    found = own_district(who)
    if who.role == "worker":
        found &= within("reward_id", Reward, "id", _rewards_of(who))
    return Scope(Redemption, found & eq("status", status) if status else found)


async def staff_redemption(redemption_id: str, *, who: Principal) -> Redemption:
    found = await staff_redemptions(who).rows().get_or_none(id=redemption_id)
    if found is None:
        raise NoSuchRedemption(
            N_("No redemption `{redemption}` in your scope."), redemption=redemption_id
        )
    return found


async def readable_reward(reward_id: str, *, who: Principal) -> Reward:
    reward = await readable_rewards(who).rows().get_or_none(id=reward_id)
    if reward is None:
        raise no_such_reward(reward_id)
    return reward


def no_such_reward(reward_id: str) -> NoSuchReward:
    """The 404 of a reward outside `readable_rewards` (or none at all)."""
    return NoSuchReward(N_("No reward `{reward}` for you."), reward=reward_id)


def own_redemptions(who: Principal) -> Scope[Redemption]:
    """The redemptions a resident made (their household's too, when they made them as its
    head)."""
    return Scope(Redemption, eq("resident_id", who.id))


async def own_redemption(redemption_id: str, *, who: Principal) -> Redemption:
    redemption = await own_redemptions(who).rows().get_or_none(id=redemption_id)
    if redemption is None:
        raise NoSuchRedemption(
            N_("No redemption `{redemption_id}` of yours."), redemption_id=redemption_id
        )
    return redemption


def household_redemptions(household: Household) -> Scope[Redemption]:
    """The redemptions a household's credits pay (its members read them; its head cancels
    them). Who may see the household is `moralbank.scope`'s to decide."""
    return Scope(Redemption, eq("household_id", household.id))


async def household_redemption(redemption_id: str, *, household: Household) -> Redemption:
    found = await household_redemptions(household).rows().get_or_none(id=redemption_id)
    if found is None:
        raise NoSuchRedemption(
            N_("No redemption `{redemption_id}` of this household."), redemption_id=redemption_id
        )
    return found


async def redemption_to_fulfil(code: str, *, who: Principal) -> Redemption:
    """The redemption behind a pickup code, if its reward is one the worker hands out."""
    redemption = await Redemption.get_or_none(code=code).prefetch_related("reward")
    if (
        redemption is None
        or not await readable_rewards(who).rows().filter(id=redemption.reward_id).exists()
    ):
        raise NoSuchRedemption(N_("No redemption with this code in your communities."))
    return redemption


def readable_entries(who: Principal) -> Scope[Entry]:
    """The ledger is kept per district: its administrators read the district's entries, a
    worker the legs of the residents and households of their communities."""
    found = own_district(who)
    if who.role != "worker":
        return Scope(Entry, found)
    served = served_places(who).where()
    residents = eq("owner_kind", "resident") & within("owner_id", Resident, "id", served)
    households = eq("owner_kind", "household") & within("owner_id", Household, "id", served)
    return Scope(Entry, found & (residents | households))


def readable_transactions(who: Principal) -> Scope[LedgerTransaction]:
    """The transactions with a leg the caller reads (`readable_entries`); a district's
    administrators read all of the district's."""
    found = own_district(who)
    if who.role == "worker":
        found &= within("id", Entry, "transaction_id", readable_entries(who).where)
    return Scope(LedgerTransaction, found)


async def readable_transaction(transaction_id: str, *, who: Principal) -> LedgerTransaction:
    transaction = await readable_transactions(who).rows().get_or_none(id=transaction_id)
    if transaction is None:
        if who.role == "worker":
            raise NoSuchTransaction(
                N_("No transaction `{transaction_id}` in your communities."),
                transaction_id=transaction_id,
            )
        raise NoSuchTransaction(
            N_("No transaction `{transaction_id}` in your district."), transaction_id=transaction_id
        )
    return transaction
