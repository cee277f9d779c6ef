"""A partner bank of district d1 in one line, and its client calling the partner API."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from kernel.ratelimit import minute_window
from tests.conftest import World

CONTACT = "0574-12345678 宁波市海曙区中山西路 1 号"
TERMS = [
    {
        "band": "AAA",
        "min_score": 90,
        "max_score": 100,
        "loan_limit": 300000,
        "rate": "年利率 3.85% 起",
    },
    {
        "band": "AA",
        "min_score": 80,
        "max_score": 89.99,
        "loan_limit": 200000,
        "rate": "年利率 4.35% 起",
    },
    {
        "band": "A",
        "min_score": 60,
        "max_score": 79.99,
        "loan_limit": 100000,
        "rate": "年利率 4.9% 起",
    },
]


async def register_partner(world: World, name: str = "海曙农商银行") -> dict[str, Any]:
    response = await world.district_admin.client.post(
        "/api/v1/partners", json={"name": name, "contact": CONTACT, "terms": TERMS}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def bank(world: World, address: str = "192.0.2.50") -> httpx.AsyncClient:
    """The bank's own system: no login of ours, its own address."""
    transport = httpx.ASGITransport(app=world.app, client=(address, 45000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def partner_token(world: World, credentials: dict[str, str]) -> str:
    async with bank(world) as client:
        answer = await client.post(
            "/api/v1/partner/token",
            data={"grant_type": "client_credentials"},
            auth=(credentials["client_id"], credentials["client_secret"]),
        )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


async def resident_household(world: World) -> str:
    """甲家, headed by the world's resident 甲 (no assessment: a bank asking about it is
    refused or told there is no standing, but asks all the same)."""
    from accounts.models import Household, Resident

    home = await Household.create(
        name="甲家",
        district_id=world.district_id,
        community_id=world.community_id,
        head_id=world.resident.id,
    )
    await Resident.filter(id=world.resident.id).update(household_id=home.id)
    return str(home.id)


async def early_in_a_minute() -> None:
    """Waits out the end of a minute about to roll, so a test's requests share one minute."""
    now = datetime.now(UTC)
    if now.second >= 45:
        await asyncio.sleep(61 - now.second - now.microsecond / 1e6)


async def refused_for_the_minute(
    ask: Callable[[], Awaitable[httpx.Response]],
) -> httpx.Response:
    """Asks once past a minute's budget: a 429 problem whose Retry-After is the seconds left in
    the minute the refusal fell in, rounded up."""
    before = datetime.now(UTC)
    refused = await ask()
    after = datetime.now(UTC)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    minute_end = minute_window(before).ends_at
    assert minute_window(after).ends_at == minute_end  # `early_in_a_minute` saw to it
    left = sorted(math.ceil((minute_end - moment).total_seconds()) for moment in (after, before))
    assert left[0] <= int(refused.headers["retry-after"]) <= left[1]
    return refused
