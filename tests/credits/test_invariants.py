"""Random sequences of awards, holds, fulfilments, voids, adjustments, reversals and retries
never break the ledger: every transaction sums to zero per asset, no resident goes below
zero, every balance is the sum of its entries, and each idempotency key moved value once.
Residents 0 and 1 are a household (0 its head) that earns half its members' credits and
redeems from them too."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from itertools import count
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tortoise import connections

from credits.models import LedgerTransaction, Reward
from kernel.db import transaction
from kernel.ids import new_id
from moralbank.households import roll_up
from tests.conftest import Actor, World, set_rules_since
from tests.credits.conftest import RULES, earn
from tests.moralbank.conftest import form, join

RESIDENTS, REWARDS = 3, 2
_runs = count()

who = st.integers(0, RESIDENTS - 1)
key = st.one_of(st.none(), st.integers(0, 3))
amount = st.decimals(-40, 40, places=2).map(lambda d: d or Decimal(1))
operations = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), who, st.decimals("0.1", "6", places=1), st.integers(0, 5)),
        st.tuples(st.just("adjust"), who, amount, key),
        st.tuples(st.just("redeem"), who, st.integers(0, REWARDS - 1), key),
        st.tuples(st.just("redeem_household"), st.integers(0, 1), st.integers(0, REWARDS - 1), key),
        st.tuples(st.just("fulfil"), st.integers(0, 20)),
        st.tuples(st.just("cancel"), st.integers(0, 20)),
        st.tuples(st.just("reverse"), st.integers(0, 20)),
    ),
    min_size=5,
    max_size=40,
)


async def rows(query: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = await connections.get("default").execute_query_dict(query)
    return result


async def assert_ledger_invariants() -> None:
    unbalanced = await rows(
        "SELECT transaction_id, asset FROM ledger_entry GROUP BY transaction_id, asset "
        "HAVING SUM(amount) <> 0"
    )
    short = await rows(
        "SELECT t.id FROM ledger_transaction t LEFT JOIN ledger_entry e ON e.transaction_id = t.id "
        "GROUP BY t.id HAVING COUNT(e.id) < 2"
    )
    negative = await rows("SELECT id FROM ledger_account WHERE bounded AND balance < 0")
    drifted = await rows(
        "SELECT a.id FROM ledger_account a LEFT JOIN ledger_entry e ON e.account_id = a.id "
        "WHERE a.bounded GROUP BY a.id, a.balance HAVING a.balance <> COALESCE(SUM(e.amount), 0)"
    )
    stock = await rows("SELECT id FROM reward WHERE stock < 0")
    # The residents' running totals are the sums of their entries, key by key, both ways.
    sums = (
        "SELECT district_id, owner_id, asset, COALESCE(action, '') AS action, "
        "SUM(amount) AS amount FROM ledger_entry WHERE owner_kind = 'resident' "
        "AND account_kind = 'available' GROUP BY district_id, owner_id, asset, "
        "COALESCE(action, '')"
    )
    totals_drifted = await rows(
        f"SELECT s.owner_id FROM ({sums}) s LEFT JOIN resident_total r "
        "ON r.district_id = s.district_id AND r.owner_id = s.owner_id AND r.asset = s.asset "
        "AND r.action = s.action WHERE r.amount IS NULL OR r.amount <> s.amount "
        f"UNION ALL SELECT r.owner_id FROM resident_total r LEFT JOIN ({sums}) s "
        "ON r.district_id = s.district_id AND r.owner_id = s.owner_id AND r.asset = s.asset "
        "AND r.action = s.action WHERE s.amount IS NULL AND r.amount <> 0"
    )
    assert (unbalanced, short, negative, drifted, stock, totals_drifted) == ([], [], [], [], [], [])


class Run:
    """One random sequence against the API, remembering what each key answered."""

    def __init__(self, world: World, residents: list[Actor], rewards: list[str]) -> None:
        self.world, self.residents, self.rewards = world, residents, rewards
        self.tag = f"run{next(_runs)}"
        self.redemptions: list[tuple[Actor, dict[str, Any]]] = []
        self.transactions: list[str] = []
        self.answers: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.value_moving_successes: set[str] = set()
        self.household = ""

    def remember(self, subject: str, idempotency_key: str | None, response: Any) -> None:
        outcome = response.json().get("code") if response.status_code >= 400 else "moved value"
        event(f"{response.status_code} {outcome}")
        if response.status_code >= 400:
            assert response.status_code in (409, 422), response.text
            return
        body = response.json()
        self.value_moving_successes.add(body["id"])
        if idempotency_key is not None:
            self.answers[(subject, idempotency_key)].add(body["id"])

    async def step(self, operation: tuple[Any, ...]) -> None:
        name = operation[0]
        admin = self.world.district_admin
        if name == "earn":
            _, index, hours, record = operation
            resident = self.residents[index]
            posted = await earn(
                self.world, resident.id, str(hours), source_id=f"{self.tag}-{index}-{record}"
            )
            self.transactions.append(posted.id)
            async with transaction():
                await roll_up()
        elif name == "adjust":
            _, index, value, k = operation
            idempotency_key = None if k is None else f"{self.tag}-adjust-{k}"
            response = await admin.client.post(
                "/api/v1/credits/adjustments",
                json={"resident": self.residents[index].id, "amount": str(value), "reason": "随机"},
                headers={"Idempotency-Key": idempotency_key} if idempotency_key else {},
            )
            self.remember(f"staff:{admin.id}", idempotency_key, response)
            if response.status_code == 201:
                self.transactions.append(response.json()["id"])
        elif name == "redeem":
            _, index, reward, k = operation
            resident = self.residents[index]
            idempotency_key = None if k is None else f"{self.tag}-redeem-{k}"
            response = await resident.client.post(
                f"/api/v1/rewards/{self.rewards[reward]}/redemptions",
                headers={"Idempotency-Key": idempotency_key} if idempotency_key else {},
            )
            self.remember(f"resident:{resident.id}", idempotency_key, response)
            if response.status_code == 201:
                self.redemptions.append((resident, response.json()))
        elif name == "redeem_household":
            _, index, reward, k = operation
            resident = self.residents[index]
            idempotency_key = None if k is None else f"{self.tag}-redeem-household-{k}"
            response = await resident.client.post(
                f"/api/v1/households/{self.household}/redemptions",
                json={"reward": self.rewards[reward]},
                headers={"Idempotency-Key": idempotency_key} if idempotency_key else {},
            )
            event(f"household: {response.status_code}")
            if index != 0:
                assert response.json()["code"] == "not_the_head", response.text
                return
            self.remember(f"resident:{resident.id}", idempotency_key, response)
            if response.status_code == 201:
                self.redemptions.append((resident, response.json()))
        elif name in ("fulfil", "cancel") and self.redemptions:
            resident, held = self.redemptions[operation[1] % len(self.redemptions)]
            if name == "fulfil":
                response = await self.world.worker.client.post(
                    "/api/v1/redemptions/fulfil", json={"code": held["code"]}
                )
            elif held["household"] is not None:
                response = await resident.client.post(
                    f"/api/v1/households/{held['household']}/redemptions/{held['id']}/cancel"
                )
            else:
                response = await resident.client.post(f"/api/v1/redemptions/{held['id']}/cancel")
            assert response.status_code in (200, 409), response.text
        elif name == "reverse" and self.transactions:
            original = self.transactions[operation[1] % len(self.transactions)]
            response = await admin.client.post(
                f"/api/v1/credits/transactions/{original}/reverse", json={"reason": "撤销"}
            )
            assert response.status_code in (201, 409), response.text


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=operations)
async def test_random_sequences_keep_the_ledger_whole(bank: World, sequence: list[Any]) -> None:
    await set_rules_since(
        "d1", datetime(2001, 1, 1, tzinfo=UTC), **RULES, household_share_percent=50
    )
    residents = [await bank.new_resident(f"prop-{new_id()}") for _ in range(RESIDENTS)]
    household = (await form(bank, residents[0]))["id"]
    await join(bank, residents[0], household, residents[1])
    rewards = []
    for stock in (1, 5):
        reward = await Reward.create(
            district_id=bank.district_id, title="奖品", cost=500, stock=stock, created_by="test"
        )
        rewards.append(reward.id)
    run = Run(bank, residents, rewards)
    run.household = household
    try:
        for operation in sequence:
            await run.step(operation)
    finally:
        for resident in residents:
            await resident.client.aclose()

    await assert_ledger_invariants()
    for (_, idempotency_key), ids in run.answers.items():
        assert len(ids) == 1, f"key {idempotency_key} answered with {ids}"
    owners = [*(r.id for r in residents), household]
    adjustments = await LedgerTransaction.filter(
        kind="adjust", entries__owner_id__in=owners
    ).values_list("id", flat=True)
    holds = await LedgerTransaction.filter(
        kind="hold", entries__owner_id__in=owners, entries__account_kind="held"
    ).values_list("ref_id", flat=True)
    assert {str(i) for i in [*adjustments, *holds]} == run.value_moving_successes
    assert len(holds) == len(set(holds))
    held_units = await rows(
        "SELECT COALESCE(SUM(cost), 0) AS total FROM redemption "
        f"WHERE status = 'held' AND reward_id IN ('{rewards[0]}', '{rewards[1]}')"
    )
    held_accounts = await rows(
        "SELECT COALESCE(SUM(balance), 0) AS total FROM ledger_account WHERE kind = 'held' "
        "AND owner_id IN (" + ", ".join(f"'{owner}'" for owner in owners) + ")"
    )
    assert Decimal(held_units[0]["total"]) == Decimal(held_accounts[0]["total"])
