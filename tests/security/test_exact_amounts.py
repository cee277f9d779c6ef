"""Amounts are parsed exactly: a JSON number with more digits than the ledger keeps is a 422,
never rounded through a binary float or to the column's scale."""

from __future__ import annotations

import pytest

TOO_PRECISE = "10.000000000000000000001"


def _raw(body: str) -> dict[str, object]:
    return {"content": body.encode(), "headers": {"Content-Type": "application/json"}}


@pytest.mark.parametrize(
    "body",
    [
        f'{{"credits_per_hour": {{"volunteering": {TOO_PRECISE}}}}}',
        f'{{"credits_per_report": {{"default": {TOO_PRECISE}}}}}',
        '{"max_hours_per_day": 8.00000000000000000001}',
    ],
)
async def test_a_rule_more_precise_than_the_ledger_is_refused_not_rounded(world, body):
    before = (await world.admin.client.get("/api/v1/districts/d1")).json()
    answer = await world.admin.client.patch("/api/v1/districts/d1/settings", **_raw(body))
    after = (await world.admin.client.get("/api/v1/districts/d1")).json()
    assert answer.status_code == 422, answer.text
    assert after == before


async def test_a_reward_cost_more_precise_than_a_hundredth_is_refused(world):
    answer = await world.worker.client.post(
        "/api/v1/rewards", **_raw(f'{{"title": "环保袋", "cost": {TOO_PRECISE}, "stock": 5}}')
    )
    assert answer.status_code == 422, answer.text


async def test_an_amount_at_the_ledger_scale_is_kept_exactly(world):
    answer = await world.admin.client.patch(
        "/api/v1/districts/d1/settings",
        **_raw('{"credits_per_hour": {"volunteering": 12.34}, "max_hours_per_day": 7.5}'),
    )
    assert answer.status_code == 200, answer.text
    rules = (await world.admin.client.get("/api/v1/districts/d1")).json()["settings"]
    assert rules["credits_per_hour"]["volunteering"] == 12.34
    assert rules["max_hours_per_day"] == 7.5
