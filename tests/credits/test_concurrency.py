"""Races: many spends from one resident at once, many residents after the last unit of a
reward, many first awards to one resident. On PostgreSQL these run truly in parallel."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import asyncpg

from credits.models import Account
from credits.service import record_participation
from kernel.db import dialect, transaction
from kernel.ids import new_id
from kernel.settings import Settings
from tests.conftest import World
from tests.credits.conftest import credits_of, earn


async def test_simultaneous_spends_never_take_a_resident_below_zero(bank: World) -> None:
    await earn(bank, bank.resident.id, "10")  # 100 credits
    offered = await bank.worker.client.post(
        "/api/v1/rewards", json={"title": "抽纸", "cost": 5, "stock": 1000}
    )
    path = f"/api/v1/rewards/{offered.json()['id']}/redemptions"

    responses = await asyncio.gather(*(bank.resident.client.post(path) for _ in range(50)))

    outcomes = Counter(
        r.json()["code"] if r.status_code >= 400 else r.status_code for r in responses
    )
    assert outcomes == {201: 20, "insufficient_credits": 30}
    mine = await credits_of(bank.resident)
    assert (mine["balance"], mine["held"]) == (0, 100)
    reward = await bank.worker.client.get(f"/api/v1/rewards/{offered.json()['id']}")
    assert reward.json()["stock"] == 980


async def test_hundreds_racing_for_the_last_unit_get_one(bank: World) -> None:
    residents = [await bank.new_resident(f"racer-{i}") for i in range(100)]
    for resident in residents:
        await earn(bank, resident.id, "1")
    offered = await bank.worker.client.post(
        "/api/v1/rewards", json={"title": "最后一张电影票", "cost": 10, "stock": 1}
    )
    path = f"/api/v1/rewards/{offered.json()['id']}/redemptions"

    responses = await asyncio.gather(*(r.client.post(path) for r in residents))

    outcomes = Counter(
        r.json()["code"] if r.status_code >= 400 else r.status_code for r in responses
    )
    assert outcomes == {201: 1, "out_of_stock": 99}
    reward = await bank.worker.client.get(f"/api/v1/rewards/{offered.json()['id']}")
    assert reward.json()["stock"] == 0
    balances = Counter([(await credits_of(r))["balance"] for r in residents])
    assert balances == {10: 99, 0: 1}
    for resident in residents:
        await resident.client.aclose()


async def test_simultaneous_first_awards_to_one_resident_all_count(bank: World) -> None:
    newcomer = await bank.new_resident(f"newcomer-{new_id()}")

    await asyncio.gather(*(earn(bank, newcomer.id, "1") for _ in range(40)))

    mine = await credits_of(newcomer)
    assert (mine["balance"], mine["hours_total"]) == (400, 40)
    await newcomer.client.aclose()


async def test_simultaneous_fulfil_and_cancel_settle_a_redemption_once(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    offered = await bank.worker.client.post(
        "/api/v1/rewards", json={"title": "手套", "cost": 10, "stock": 1}
    )
    held = (
        await bank.resident.client.post(f"/api/v1/rewards/{offered.json()['id']}/redemptions")
    ).json()

    fulfil, cancel = await asyncio.gather(
        bank.worker.client.post("/api/v1/redemptions/fulfil", json={"code": held["code"]}),
        bank.resident.client.post(f"/api/v1/redemptions/{held['id']}/cancel"),
    )

    assert sorted([fulfil.status_code, cancel.status_code]) == [200, 409]
    mine = await credits_of(bank.resident)
    assert mine["held"] == 0
    assert mine["balance"] == (10 if cancel.status_code == 200 else 0)


async def test_an_award_being_posted_leaves_the_district_treasury_unlocked(
    bank: World, settings: Settings
) -> None:
    await earn(bank, bank.resident.id, "1")  # the district's accounts are open
    async with transaction():
        await record_participation(
            district_id=bank.district_id,
            resident_id=bank.resident.id,
            action="volunteering",
            hours=Decimal(2),
            source="service_record",
            source_id=new_id(),
            occurred_at=datetime.now(UTC),
            actor="staff:w",
        )
        if dialect() == "postgres":
            # While the award is uncommitted another session can take the strongest row lock
            # on the treasury: the award holds none (not even a foreign key's KEY SHARE).
            other = await asyncpg.connect(settings.database_url)
            try:
                async with other.transaction():
                    locked = await other.fetch(
                        "SELECT id FROM ledger_account WHERE owner_kind = 'district' "
                        "AND owner_id = $1 FOR UPDATE NOWAIT",
                        bank.district_id,
                    )
            finally:
                await other.close()
            assert len(locked) == 3  # issuance of credits, hours and participations

    treasury = await Account.filter(owner_kind="district", owner_id=bank.district_id)
    assert sorted((a.asset, a.balance) for a in treasury) == [
        ("credits", 0),
        ("hours", 0),
        ("participations", 0),
    ]
