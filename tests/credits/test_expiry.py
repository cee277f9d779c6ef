"""Earned credits expire by the district's policy, the oldest spent first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from credits.expiry import expire_credits
from kernel.db import transaction
from kernel.scheduler import run_job
from tests.conftest import World, set_rules_since
from tests.credits.conftest import credits_of, earn


async def set_expiry(world: World, months: int, effective_from: datetime) -> None:
    await set_rules_since(
        "d1", effective_from, credit_expiry={"policy": "months", "months": months}
    )


async def expire_at(when: datetime) -> dict[str, object]:
    async with transaction():
        return await expire_credits(when)


async def test_oldest_credits_are_spent_first_and_expire_when_due(bank: World) -> None:
    now = datetime.now(UTC)
    await set_expiry(bank, 1, now - timedelta(days=30))
    await set_expiry(bank, 12, now - timedelta(days=1))
    await earn(bank, bank.resident.id, "1", occurred_at=now - timedelta(days=3))  # 10, 1 month
    await earn(bank, bank.resident.id, "2")  # 20, 12 months
    spend = await bank.district_admin.client.post(
        "/api/v1/credits/adjustments",
        json={"resident": bank.resident.id, "amount": -4, "reason": "兑换线下礼品"},
    )
    assert spend.status_code == 201

    expiring = (await credits_of(bank.resident))["expiring"]
    assert [lot["amount"] for lot in expiring] == [6, 20]

    assert await expire_at(now + timedelta(days=20)) == {"accounts": 0, "credits_expired": 0.0}
    assert await expire_at(now + timedelta(days=62)) == {"accounts": 1, "credits_expired": 6.0}
    assert await expire_at(now + timedelta(days=63)) == {"accounts": 0, "credits_expired": 0.0}
    mine = await credits_of(bank.resident)
    assert (mine["balance"], [lot["amount"] for lot in mine["expiring"]]) == (20, [20])

    assert await expire_at(now + timedelta(days=400)) == {"accounts": 1, "credits_expired": 20.0}
    assert (await credits_of(bank.resident))["balance"] == 0
    history = (await bank.resident.client.get("/api/v1/me/credits/transactions")).json()
    assert [(i["kind"], i["amount"], i["balance_after"]) for i in history["items"][:2]] == [
        ("expire", -20, 0),
        ("expire", -6, 20),
    ]


async def test_credits_on_hold_do_not_expire(bank: World) -> None:
    now = datetime.now(UTC)
    await set_expiry(bank, 1, now - timedelta(days=30))
    await earn(bank, bank.resident.id, "1")
    offered = await bank.worker.client.post(
        "/api/v1/rewards", json={"title": "雨伞", "cost": 7, "stock": 1}
    )
    held = await bank.resident.client.post(f"/api/v1/rewards/{offered.json()['id']}/redemptions")
    assert held.status_code == 201

    assert await expire_at(now + timedelta(days=62)) == {"accounts": 1, "credits_expired": 3.0}
    mine = await credits_of(bank.resident)
    assert (mine["balance"], mine["held"]) == (0, 7)


async def test_the_expire_credits_job_runs_and_is_safe_to_rerun(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")

    first = await run_job("expire-credits")
    second = await run_job("expire-credits")

    assert first is not None and first.status == "succeeded"
    assert first.stats == {"accounts": 0, "credits_expired": 0.0}
    assert second is not None and second.stats == first.stats
    assert (await credits_of(bank.resident))["balance"] == 10
