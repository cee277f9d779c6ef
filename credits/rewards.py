"""Rewards and their two-phase redemption: redeeming holds the credits and one unit of stock;
a worker fulfils it at pickup with the resident's code, or it is voided (cancelled, expired).
A household's head redeems from the household's credits the same way: only the accounts that
hold and pay differ (`_payer_accounts`).

Every path locks the payer's accounts before the reward row, so no two redemptions ever
wait on each other crosswise; the stock is taken by a conditional update and never goes below
zero however many residents race for the last unit."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.expressions import F
from tortoise.queryset import QuerySet

from accounts.models import Community, DistrictRulesVersion, Household, Resident
from accounts.schemas import DistrictRules
from accounts.scope import served_community
from credits import ledger
from credits.errors import (
    STATUS_NAMES,
    InsufficientCredits,
    InvalidCommunity,
    OutOfStock,
    RedemptionExpired,
    RedemptionNotHeld,
    RedemptionOfHousehold,
    RewardWithdrawn,
)
from credits.ledger import AccountKey, Leg, district_account, household_account, resident_account
from credits.models import Redemption, Reward, RewardChange, from_units, to_units
from credits.notices import tell_redemption_settled
from credits.queries import INSERT_REDEMPTION, REWARD_TO_REDEEM, TAKE_UNIT
from credits.scope import (
    household_redemption,
    household_rewards,
    managed_reward,
    no_such_reward,
    offers_district_rewards,
    own_redemption,
    readable_rewards,
    redemption_to_fulfil,
)
from kernel.auth import Principal
from kernel.i18n import N_, Named
from kernel.ids import new_id
from kernel.outbox import queue_notification, register_notice
from kernel.scope import Scope
from kernel.sql import Rider, chain, db_time, query_rows


async def _community_for(who: Principal, code: str | None) -> Community | None:
    """The community a reward is for: `c1` or `d1/c1` in the caller's district; none (the
    whole district) for those who offer district rewards when they name none, a worker's only
    community otherwise."""
    if code is None:
        if offers_district_rewards(who):
            return None
        if len(who.community_ids) != 1:
            raise InvalidCommunity(
                N_("You serve several communities: name the one the reward is for."),
                errors=[{"field": "community", "message": N_("required for you")}],
            )
        return await Community.get(id=next(iter(who.community_ids)))
    community = await served_community(who, code)
    if community is None or community.district_id != who.district_id:
        raise InvalidCommunity(
            N_("No community `{code}` that you serve."),
            errors=[{"field": "community", "message": N_("not a community of yours")}],
            code=code,
        )
    return community


async def create_reward(
    *,
    title: str,
    description: str,
    cost: Decimal,
    stock: int,
    community: str | None,
    by: Principal,
) -> Reward:
    assert by.district_id is not None
    found = await _community_for(by, community)
    return await Reward.create(
        district_id=by.district_id,
        community_id=found.id if found else None,
        title=title,
        description=description,
        cost=to_units(cost),
        stock=stock,
        created_by=by.subject,
    )


async def community_codes(rewards: list[Reward]) -> dict[str, str]:
    """The code of each community a reward is limited to, for the rewards' responses."""
    ids = {r.community_id for r in rewards if r.community_id}
    return dict(await Community.filter(id__in=ids).values_list("id", "code")) if ids else {}


# --- managing the catalogue: edit, restock, withdraw (each recorded) -----------------------


async def _record(reward: Reward, kind: str, *, by: Principal, **details: Any) -> RewardChange:
    return await RewardChange.create(
        district_id=reward.district_id,
        reward_id=reward.id,
        kind=kind,
        stock_after=reward.stock,
        changed_by=by.subject,
        changed_at=datetime.now(UTC),
        **details,
    )


def _ensure_on_offer(reward: Reward) -> None:
    if reward.withdrawn_at is not None:
        raise RewardWithdrawn(N_("`{title}` was withdrawn already."), title=reward.title)


async def edit_reward(reward_id: str, changes: dict[str, Any], *, by: Principal) -> Reward:
    """Changes a reward's title, description or cost. Holds taken before keep their cost."""
    reward = await managed_reward(reward_id, who=by)
    _ensure_on_offer(reward)
    if "cost" in changes:
        changes["cost"] = to_units(changes["cost"])
    before = {name: getattr(reward, name) for name in changes}
    changed = {n: v for n, v in changes.items() if before[n] != v}
    if not changed:
        return reward
    for name, value in changed.items():
        setattr(reward, name, value)
    await reward.save(update_fields=list(changed))
    await _record(
        reward,
        "edited",
        changes={
            name: {"from": _plain(name, before[name]), "to": _plain(name, value)}
            for name, value in changed.items()
        },
        by=by,
    )
    return reward


def _plain(name: str, value: Any) -> Any:
    return str(from_units(value)) if name == "cost" else value


async def restock_reward(reward_id: str, quantity: int, reason: str, *, by: Principal) -> Reward:
    """Adds `quantity` units to the stock, recorded with the reason."""
    reward = await managed_reward(reward_id, who=by)
    _ensure_on_offer(reward)
    await Reward.filter(id=reward.id).update(stock=F("stock") + quantity)
    await reward.refresh_from_db(fields=["stock"])
    await _record(reward, "restocked", quantity=quantity, reason=reason, by=by)
    return reward


async def withdraw_reward(reward_id: str, reason: str, *, by: Principal) -> Reward:
    """Takes a reward off the catalogue, recorded with the reason. Holds already taken stay
    and can still be handed over or cancelled."""
    reward = await managed_reward(reward_id, who=by)
    _ensure_on_offer(reward)
    reward.withdrawn_at = datetime.now(UTC)
    await reward.save(update_fields=["withdrawn_at"])
    await _record(reward, "withdrawn", reason=reason, by=by)
    return reward


def reward_changes(reward: Reward) -> QuerySet[RewardChange]:
    return RewardChange.filter(reward_id=reward.id)


def _pickup_code() -> str:
    return f"{secrets.randbelow(10**10):010d}"


_RULES = DistrictRulesVersion._meta.fields_map["rules"]


async def _reward_to_redeem(
    reward_id: str, readable: Scope[Reward]
) -> tuple[Reward, DistrictRules]:
    """The reward, if it is one of `readable`, and its district's rules in force now."""
    found = await query_rows(
        REWARD_TO_REDEEM,
        {"reward": reward_id, "now": db_time(datetime.now(UTC))},
        readable=readable.sql("r"),
    )
    if not found:
        raise no_such_reward(reward_id)
    row = found[0]
    stored = row.pop("rules")
    rules = _RULES.to_python_value(stored) if stored is not None else None
    reward = Reward._init_from_db(**row)
    return reward, DistrictRules() if rules is None else DistrictRules.model_validate(rules)


def _payer_accounts(
    resident_id: str, household_id: str | None, district_id: str
) -> tuple[AccountKey, AccountKey]:
    """The `available` and `held` accounts a redemption's cost is held on and paid from: its
    household's when its head redeemed from the household's credits, else the resident's."""
    if household_id is not None:
        return (
            household_account(household_id, district_id),
            household_account(household_id, district_id, kind="held"),
        )
    return (
        resident_account(resident_id, district_id),
        resident_account(resident_id, district_id, kind="held"),
    )


async def redeem(
    reward_id: str,
    *,
    who: Principal,
    household: Household | None = None,
    also: Callable[[Redemption, str], Sequence[Rider]] | None = None,
) -> tuple[Redemption, str]:
    """Holds the reward's cost from the resident's credits and one unit of its stock; answers
    the redemption and the reward's title. `household`: the household whose credits pay
    instead, the rewards a member of its community may redeem; its caller
    (`moralbank.households.redeem`) has locked it and checked that `who` heads it. `also`:
    writes that go with the redemption (the request's stored answer), given it and the title,
    written with it."""
    household_id = household.id if household is not None else None
    readable = household_rewards(household) if household is not None else readable_rewards(who)
    reward, rules = await _reward_to_redeem(reward_id, readable)
    if reward.withdrawn_at is not None:
        raise RewardWithdrawn(N_("`{title}` was withdrawn."), title=reward.title)
    redemption_id = new_id()
    now = datetime.now(UTC)
    expires_at = now + timedelta(hours=rules.redemption_hold_hours)

    def held(code: str) -> tuple[Redemption, list[Rider]]:
        """The redemption with this pickup code, and its row and what goes with it."""
        redemption = Redemption(
            id=redemption_id,
            district_id=reward.district_id,
            reward_id=reward.id,
            resident_id=who.id,
            household_id=household_id,
            code=code,
            cost=reward.cost,
            status="held",
            expires_at=expires_at,
            created_at=now,
        )
        row = Rider(INSERT_REDEMPTION, {
            "held_id": redemption_id, "held_district": reward.district_id,
            "held_reward": reward.id, "held_resident": who.id,
            "held_household": household_id, "held_code": code,
            "held_cost": reward.cost, "held_expires_at": db_time(expires_at),
            "held_at": db_time(now),
        })  # fmt: skip
        return redemption, [row, *(also(redemption, reward.title) if also is not None else ())]

    # The hold, then one unit of stock (the resident's accounts are locked before the reward
    # row), then the redemption if the unit was taken, then what goes with it: one statement
    # on PostgreSQL.
    take_unit = Rider(TAKE_UNIT, {"unit_of": reward.id})
    redemption, steps = held(_pickup_code())
    available, on_hold = _payer_accounts(who.id, household_id, reward.district_id)
    try:
        await ledger.post(
            district_id=reward.district_id,
            kind="hold",
            ref_type="redemption",
            ref_id=redemption_id,
            legs=[Leg(available, -reward.cost), Leg(on_hold, reward.cost)],
            actor=who.subject,
            memo=reward.title,
            also=[take_unit, *steps],
        )
    except InsufficientCredits as refused:
        if household_id is not None:
            raise InsufficientCredits(
                N_("`{title}` costs {cost} credits; your household has fewer."),
                title=reward.title,
                cost=from_units(reward.cost),
            ) from refused
        raise InsufficientCredits(
            N_("`{title}` costs {cost} credits; you have fewer."),
            title=reward.title,
            cost=from_units(reward.cost),
        ) from refused
    if not take_unit.written:
        if await Reward.filter(id=reward.id, withdrawn_at__isnull=False).exists():
            raise RewardWithdrawn(N_("`{title}` was withdrawn."), title=reward.title)
        raise OutOfStock(N_("`{title}` is out of stock."), title=reward.title)
    # The pickup code may collide with one in use, rarely: the row was not written, nor what
    # goes with it; they are written with another code (nothing else is undone).
    while not steps[0].written:
        redemption, steps = held(_pickup_code())
        await chain(steps)
    redemption._saved_in_db = True
    return redemption, reward.title


async def _settle(redemption: Redemption, status: str, *, by: str) -> Redemption:
    """Moves a held redemption to `status`, once: the conditional update decides races."""
    now = datetime.now(UTC)
    moved = await Redemption.filter(id=redemption.id, status="held").update(
        status=status, settled_at=now, settled_by=by
    )
    if not moved:
        current = await Redemption.get(id=redemption.id)
        raise RedemptionNotHeld(
            N_("The redemption is {status} already."), status=Named(current.status, STATUS_NAMES)
        )
    redemption.status, redemption.settled_at, redemption.settled_by = status, now, by
    return redemption


def _accounts_of(redemption: Redemption) -> tuple[AccountKey, AccountKey]:
    return _payer_accounts(redemption.resident_id, redemption.household_id, redemption.district_id)


async def _release(redemption: Redemption, *, by: str, memo: str) -> None:
    """Gives a voided or expired hold back: credits to the payer (the resident or the
    household), the unit to the stock."""
    available, on_hold = _accounts_of(redemption)
    await ledger.post(
        district_id=redemption.district_id,
        kind="void",
        ref_type="redemption",
        ref_id=redemption.id,
        legs=[Leg(on_hold, -redemption.cost), Leg(available, redemption.cost)],
        actor=by,
        memo=memo,
    )
    await Reward.filter(id=redemption.reward_id).update(stock=F("stock") + 1)


async def cancel(
    redemption_id: str, *, who: Principal, household: Household | None = None
) -> Redemption:
    """The resident cancels their held redemption. A household's is cancelled by its head
    through the household (`household`, locked and its head checked by
    `moralbank.households.cancel_redemption`), never as the resident who redeemed it: the
    head then may have handed over."""
    if household is not None:
        redemption = await household_redemption(redemption_id, household=household)
        memo = N_("cancelled by the head of the household")
    else:
        redemption = await own_redemption(redemption_id, who=who)
        memo = N_("cancelled by the resident")
        if redemption.household_id is not None:
            raise RedemptionOfHousehold(
                N_("The household's credits pay this redemption: its head cancels it there.")
            )
    await _settle(redemption, "voided", by=who.subject)
    await _release(redemption, by=who.subject, memo=memo)
    return redemption


async def fulfil(code: str, *, who: Principal) -> Redemption:
    """A worker hands the reward over against the resident's pickup code."""
    redemption = await redemption_to_fulfil(code, who=who)
    if redemption.status == "held" and redemption.expires_at <= datetime.now(UTC):
        raise RedemptionExpired(N_("The hold has expired; the resident can redeem again."))
    await _settle(redemption, "fulfilled", by=who.subject)
    _available, on_hold = _accounts_of(redemption)
    await ledger.post(
        district_id=redemption.district_id,
        kind="fulfil",
        ref_type="redemption",
        ref_id=redemption.id,
        legs=[
            Leg(on_hold, -redemption.cost),
            Leg(district_account(redemption.district_id, "redemption"), redemption.cost),
        ],
        actor=who.subject,
        memo=redemption.reward.title,
    )
    await tell_redemption_settled(redemption, reward_title=redemption.reward.title)
    return redemption


async def expire_holds(now: datetime | None = None, *, batch: int = 500) -> int:
    """Voids the holds whose time is up; returns how many."""
    due = await Redemption.filter(status="held", expires_at__lte=now or datetime.now(UTC)).limit(
        batch
    )
    expired = 0
    for redemption in due:
        try:
            await _settle(redemption, "expired", by="system:expire-holds")
        except RedemptionNotHeld:
            continue  # settled meanwhile by the resident or a worker
        await _release(redemption, by="system:expire-holds", memo=N_("the hold expired"))
        reward = await Reward.get(id=redemption.reward_id)
        await tell_redemption_settled(redemption, reward_title=reward.title)
        expired += 1
    return expired


HOLD_REMINDER = timedelta(hours=24)
register_notice(
    "redemption_expiring",
    N_("Your “{reward}” is held until {expires_at}: show the pickup code {code} to collect it."),
)


async def remind_expiring_holds(now: datetime | None = None, *, batch: int = 500) -> int:
    """Tells residents once, through the outbox, that a hold lapses within a day."""
    now = now or datetime.now(UTC)
    due = (
        await Redemption.filter(
            status="held",
            reminded_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + HOLD_REMINDER,
        )
        .prefetch_related("reward")
        .limit(batch)
    )
    reminded = 0
    for redemption in due:
        claimed = await Redemption.filter(id=redemption.id, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            continue
        await queue_notification(
            "resident",
            redemption.resident_id,
            "redemption_expiring",
            {
                "redemption": redemption.id,
                "reward": redemption.reward.title,
                "code": redemption.code,
                "expires_at": redemption.expires_at.isoformat(),
            },
        )
        reminded += 1
    return reminded


async def reward_titles(redemptions: list[Redemption]) -> dict[str, str]:
    """The title of what each redemption is for, for the redemptions' responses."""
    ids = {r.reward_id for r in redemptions}
    return dict(await Reward.filter(id__in=ids).values_list("id", "title")) if ids else {}


async def redeemer_nicknames(redemptions: list[Redemption]) -> dict[str, str]:
    """Who redeemed, by nickname, for the responses staff read."""
    ids = {r.resident_id for r in redemptions}
    return dict(await Resident.filter(id__in=ids).values_list("id", "nickname")) if ids else {}


async def paying_households(redemptions: list[Redemption]) -> dict[str, str]:
    """The name of each household that pays a redemption, for the responses staff read."""
    ids = {r.household_id for r in redemptions if r.household_id}
    return dict(await Household.filter(id__in=ids).values_list("id", "name")) if ids else {}
