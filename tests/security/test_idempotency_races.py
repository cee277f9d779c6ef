"""Parallel retries of one Idempotency-Key all get the first answer: the mini-program
retrying after a timeout never tells a resident their redemption failed when it succeeded."""

from __future__ import annotations

import asyncio

from tests.credits.conftest import credits_of, earn
from tests.security.conftest import on_postgres


@on_postgres
async def test_twenty_parallel_retries_of_one_redemption_replay_the_first_answer(bank):
    await earn(bank, bank.resident.id, "1")  # 10 credits: one redemption of 6, not two
    offered = await bank.worker.client.post(
        "/api/v1/rewards", json={"title": "环保袋", "cost": 6, "stock": 100}
    )
    path = f"/api/v1/rewards/{offered.json()['id']}/redemptions"

    answers = await asyncio.gather(
        *(
            bank.resident.client.post(path, headers={"Idempotency-Key": "tap-once"})
            for _ in range(20)
        )
    )

    assert [a.status_code for a in answers] == [201] * 20, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 19
    mine = await credits_of(bank.resident)
    assert (mine["balance"], mine["held"]) == (4, 6)


async def test_sequential_retries_of_one_key_replay_the_first_answer(bank):
    await earn(bank, bank.resident.id, "1")
    offered = await bank.worker.client.post(
        "/api/v1/rewards", json={"title": "环保袋", "cost": 6, "stock": 100}
    )
    path = f"/api/v1/rewards/{offered.json()['id']}/redemptions"
    answers = [
        await bank.resident.client.post(path, headers={"Idempotency-Key": "tap-once"})
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201] * 3
    assert len({a.json()["id"] for a in answers}) == 1
