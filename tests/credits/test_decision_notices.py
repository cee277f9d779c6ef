"""What others do to a resident's credits and redemptions waits in the resident's inbox, in
Chinese: a reward handed over, a hold that ran out, credits given or taken, an entry reversed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from credits.models import Redemption
from kernel.scheduler import run_job
from tests.conftest import Actor, World
from tests.credits.conftest import earn


async def _texts(actor: Actor) -> list[str]:
    answer = await actor.client.get("/api/v1/me/notifications")
    assert answer.status_code == 200, answer.text
    return [n["text"] for n in answer.json()["items"]]


async def _held(world: World, title: str) -> dict[str, Any]:
    offered = await world.worker.client.post(
        "/api/v1/rewards", json={"title": title, "cost": 5, "stock": 2}
    )
    assert offered.status_code == 201, offered.text
    held = await world.resident.client.post(f"/api/v1/rewards/{offered.json()['id']}/redemptions")
    assert held.status_code == 201, held.text
    body: dict[str, Any] = held.json()
    return body


async def test_a_reward_handed_over_and_a_hold_that_ran_out_reach_the_inbox(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    collected = await _held(bank, "环保袋")
    lapsed = await _held(bank, "帆布包")
    fulfilled = await bank.worker.client.post(
        "/api/v1/redemptions/fulfil", json={"code": collected["code"]}
    )
    assert fulfilled.status_code == 200, fulfilled.text
    await Redemption.filter(id=lapsed["id"]).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    await run_job("expire-holds")

    assert await _texts(bank.resident) == [
        "您预留的“帆布包”已过期未领取，5 积分已退回您的余额。",
        "您已领取“环保袋”，祝您使用愉快！",
    ]
    assert await _texts(bank.other_resident) == []


async def test_credits_given_taken_or_reversed_by_an_administrator_reach_the_inbox(
    bank: World,
) -> None:
    async def adjust(amount: object, reason: str) -> dict[str, Any]:
        answer = await bank.district_admin.client.post(
            "/api/v1/credits/adjustments",
            json={"resident": bank.resident.id, "amount": amount, "reason": reason},
        )
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    await adjust("12.5", "清扫楼道奖励")
    taken = await adjust(-2, "重复发放")
    reversed_ = await bank.district_admin.client.post(
        f"/api/v1/credits/transactions/{taken['id']}/reverse", json={"reason": "扣错了"}
    )
    assert reversed_.status_code == 201, reversed_.text

    assert await _texts(bank.resident) == [
        "您的一笔积分记录已被冲正：扣错了",
        "您的余额扣减了 2 积分：重复发放",
        "您的余额增加了 12.5 积分：清扫楼道奖励",
    ]
