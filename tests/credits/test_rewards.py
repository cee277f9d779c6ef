"""Rewards and their two-phase redemption: hold, then fulfil at pickup, cancel or expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from credits.models import Redemption
from kernel.scheduler import run_job
from tests.conftest import Actor, World
from tests.credits.conftest import credits_of, earn


async def reward(world: World, cost: object = 5, stock: int = 3, **extra: Any) -> dict[str, Any]:
    response = await world.worker.client.post(
        "/api/v1/rewards", json={"title": "环保袋", "cost": cost, "stock": stock, **extra}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def redeem(actor: Actor, reward_id: str, key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return await actor.client.post(f"/api/v1/rewards/{reward_id}/redemptions", headers=headers)


async def stock_of(world: World, reward_id: str) -> int:
    stock: int = (await world.worker.client.get(f"/api/v1/rewards/{reward_id}")).json()["stock"]
    return stock


async def test_a_worker_adds_a_reward_for_their_community(bank: World) -> None:
    created = await reward(bank, cost="7.5", stock=10, description="可重复使用")

    assert (created["title"], created["cost"], created["stock"], created["community"]) == (
        "环保袋",
        7.5,
        10,
        "c1",
    )
    not_theirs = await bank.worker.client.post(
        "/api/v1/rewards", json={"title": "x", "cost": 1, "stock": 1, "community": "c2"}
    )
    assert not_theirs.status_code == 422
    assert not_theirs.json()["code"] == "invalid_community"
    by_resident = await bank.resident.client.post(
        "/api/v1/rewards", json={"title": "x", "cost": 1, "stock": 1}
    )
    assert by_resident.status_code == 403
    negative = await bank.worker.client.post(
        "/api/v1/rewards", json={"title": "x", "cost": -1, "stock": -1}
    )
    assert {e["field"] for e in negative.json()["errors"]} == {"cost", "stock"}


async def test_residents_see_their_district_and_community_rewards_only(bank: World) -> None:
    mine = await reward(bank)
    district_wide = (
        await bank.district_admin.client.post(
            "/api/v1/rewards", json={"title": "公园年卡", "cost": 50, "stock": 1}
        )
    ).json()
    other_community = (
        await bank.district_admin.client.post(
            "/api/v1/rewards",
            json={"title": "二社区专享", "cost": 1, "stock": 1, "community": "d1/c2"},
        )
    ).json()

    listed = (await bank.resident.client.get("/api/v1/rewards")).json()["items"]
    elsewhere = (await bank.other_resident.client.get("/api/v1/rewards")).json()["items"]

    assert {r["id"] for r in listed} == {mine["id"], district_wide["id"]}
    assert district_wide["community"] is None
    assert elsewhere == []
    hidden = await bank.resident.client.get(f"/api/v1/rewards/{other_community['id']}")
    assert hidden.status_code == 404


async def test_redeeming_holds_the_credits_and_one_unit_of_stock(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    offered = await reward(bank, cost=4, stock=2)

    response = await redeem(bank.resident, offered["id"])

    assert response.status_code == 201, response.text
    held = response.json()
    assert held["status"] == "held"
    assert held["code"].isdigit()
    assert datetime.fromisoformat(held["expires_at"]) > datetime.now(UTC) + timedelta(hours=71)
    mine = await credits_of(bank.resident)
    assert (mine["balance"], mine["held"]) == (6, 4)
    assert await stock_of(bank, offered["id"]) == 1
    listed = (await bank.resident.client.get("/api/v1/me/redemptions")).json()["items"]
    assert [r["code"] for r in listed] == [held["code"]]


async def test_redeeming_without_enough_credits_takes_nothing(bank: World) -> None:
    await earn(bank, bank.resident.id, "0.3")
    offered = await reward(bank, cost=5)

    response = await redeem(bank.resident, offered["id"])

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_credits"
    assert (await credits_of(bank.resident))["balance"] == 3
    assert await stock_of(bank, offered["id"]) == 3


async def test_redeeming_an_empty_reward_is_out_of_stock_and_costs_nothing(bank: World) -> None:
    await earn(bank, bank.resident.id, "2")
    offered = await reward(bank, cost=5, stock=0)

    response = await redeem(bank.resident, offered["id"])

    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"
    assert (await credits_of(bank.resident))["balance"] == 20


async def test_a_retried_redemption_holds_once(bank: World) -> None:
    await earn(bank, bank.resident.id, "2")
    offered = await reward(bank, cost=5)

    first = await redeem(bank.resident, offered["id"], key="r-1")
    again = await redeem(bank.resident, offered["id"], key="r-1")

    assert first.json() == again.json()
    assert (await credits_of(bank.resident))["held"] == 5
    assert await stock_of(bank, offered["id"]) == 2


async def test_a_worker_fulfils_with_the_pickup_code_once(bank: World) -> None:
    await earn(bank, bank.resident.id, "2")
    offered = await reward(bank, cost=5)
    held = (await redeem(bank.resident, offered["id"])).json()

    fulfilled = await bank.worker.client.post(
        "/api/v1/redemptions/fulfil", json={"code": held["code"]}
    )
    again = await bank.worker.client.post("/api/v1/redemptions/fulfil", json={"code": held["code"]})
    cancel = await bank.resident.client.post(f"/api/v1/redemptions/{held['id']}/cancel")

    assert fulfilled.status_code == 200, fulfilled.text
    assert fulfilled.json()["status"] == "fulfilled"
    assert again.status_code == 409
    assert again.json()["code"] == "redemption_not_held"
    assert cancel.status_code == 409
    mine = await credits_of(bank.resident)
    assert (mine["balance"], mine["held"]) == (15, 0)
    assert await stock_of(bank, offered["id"]) == 2


async def test_only_workers_of_the_rewards_community_fulfil_it(bank: World) -> None:
    await earn(bank, bank.resident.id, "2")
    held = (await redeem(bank.resident, (await reward(bank))["id"])).json()

    elsewhere = await bank.other_worker.client.post(
        "/api/v1/redemptions/fulfil", json={"code": held["code"]}
    )
    unknown = await bank.worker.client.post("/api/v1/redemptions/fulfil", json={"code": "0000000"})

    assert elsewhere.status_code == 404
    assert elsewhere.json()["code"] == "redemption_not_found"
    assert unknown.status_code == 404


async def test_cancelling_gives_back_the_credits_and_the_stock(bank: World) -> None:
    await earn(bank, bank.resident.id, "2")
    offered = await reward(bank, cost=5, stock=1)
    held = (await redeem(bank.resident, offered["id"])).json()

    cancelled = await bank.resident.client.post(f"/api/v1/redemptions/{held['id']}/cancel")
    by_other = await bank.other_resident.client.post(f"/api/v1/redemptions/{held['id']}/cancel")

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "voided"
    assert by_other.status_code == 404
    mine = await credits_of(bank.resident)
    assert (mine["balance"], mine["held"]) == (20, 0)
    assert await stock_of(bank, offered["id"]) == 1
    history = (await bank.resident.client.get("/api/v1/me/credits/transactions")).json()
    assert [(i["kind"], i["amount"]) for i in history["items"][:2]] == [("void", 5), ("hold", -5)]


async def test_lapsed_holds_are_voided_by_the_expire_holds_job(bank: World) -> None:
    await earn(bank, bank.resident.id, "2")
    offered = await reward(bank, cost=5, stock=1)
    lapsed = (await redeem(bank.resident, offered["id"])).json()
    await earn(bank, bank.resident.id, "1")
    current = (await redeem(bank.resident, (await reward(bank, cost=1))["id"])).json()
    await Redemption.filter(id=lapsed["id"]).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )

    too_late = await bank.worker.client.post(
        "/api/v1/redemptions/fulfil", json={"code": lapsed["code"]}
    )
    run = await run_job("expire-holds")
    rerun = await run_job("expire-holds")

    assert too_late.status_code == 409
    assert too_late.json()["code"] == "redemption_expired"
    assert run is not None and run.status == "succeeded"
    assert run.stats == {"expired": 1}
    assert rerun is not None and rerun.stats == {"expired": 0}
    statuses = {
        r["id"]: r["status"]
        for r in (await bank.resident.client.get("/api/v1/me/redemptions")).json()["items"]
    }
    assert statuses == {lapsed["id"]: "expired", current["id"]: "held"}
    mine = await credits_of(bank.resident)
    assert (mine["balance"], mine["held"]) == (29, 1)
    assert await stock_of(bank, offered["id"]) == 1


async def test_a_resident_is_reminded_once_before_a_hold_lapses(bank: World) -> None:
    from kernel.models import Notification

    await earn(bank, bank.resident.id, "3")
    soon = (await redeem(bank.resident, (await reward(bank, cost=1, stock=5))["id"])).json()
    await redeem(bank.resident, (await reward(bank, cost=1, stock=5))["id"])  # lapses in 72 h
    await Redemption.filter(id=soon["id"]).update(expires_at=datetime.now(UTC) + timedelta(hours=2))

    first = await run_job("remind-expiring-holds")
    second = await run_job("remind-expiring-holds")

    assert first is not None and first.stats == {"reminded": 1}
    assert second is not None and second.stats == {"reminded": 0}
    [notice] = await Notification.filter(recipient_id=bank.resident.id, topic="redemption_expiring")
    assert notice.payload["redemption"] == soon["id"]
    assert notice.payload["code"] == soon["code"]
