"""The assessment's world in one line: district d1 with Yuyao's standard, three households of
community c1 (王家 with the world's resident, 李家 and 张家 with real-name verified members)
and 赵家 of c2."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kernel import localtime
from moralbank.assessment_demo import YUYAO_STANDARD, full_marks
from tests.conftest import Actor, World


@dataclass
class Households:
    wang: str
    li: str
    zhang: str
    zhao: str
    li_member: Actor
    zhang_member: Actor
    zhao_member: Actor
    unverified: Actor
    period: str


async def household(name: str, community_id: str, district_id: str, *members: str) -> str:
    from accounts.models import Household, Resident

    found = await Household.create(
        name=name, district_id=district_id, community_id=community_id, head_id=members[0]
    )
    await Resident.filter(id__in=members).update(household_id=found.id)
    return found.id


async def verified(world: World, openid: str, community: str = "d1/c1") -> Actor:
    from accounts.models import Resident

    actor = await world.new_resident(openid, community)
    await Resident.filter(id=actor.id).update(
        real_name_verified_at=datetime.now(UTC), real_name_verified_by="staff:test"
    )
    return actor


async def define(world: World, **overrides: Any) -> dict[str, Any]:
    response = await world.district_admin.client.post(
        "/api/v1/districts/d1/assessment-standards", json={**YUYAO_STANDARD, **overrides}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def assessment_world(world: World, **standard: Any) -> Households:
    await define(world, **standard)
    li, zhang = await verified(world, "o-li"), await verified(world, "o-zhang")
    zhao = await verified(world, "o-zhao", "d1/c2")
    unverified = await world.new_resident("o-unverified")
    d1, c1, c2 = world.district_id, world.community_id, world.community2_id
    homes = Households(
        wang=await household("王家", c1, d1, world.resident.id),
        li=await household("李家", c1, d1, li.id),
        zhang=await household("张家", c1, d1, zhang.id, unverified.id),
        zhao=await household("赵家", c2, d1, zhao.id),
        li_member=li,
        zhang_member=zhang,
        zhao_member=zhao,
        unverified=unverified,
        period=localtime.quarter_of(localtime.now()),
    )
    opened = await world.worker.client.post(
        "/api/v1/assessment-periods", json={"community": "c1", "period": homes.period}
    )
    assert opened.status_code == 200, opened.text
    return homes


async def assessment_of(actor: Actor, household_id: str, period: str) -> dict[str, Any]:
    found = await actor.client.get("/api/v1/assessments", params={"period": period})
    assert found.status_code == 200, found.text
    (item,) = [i for i in found.json()["items"] if i["household_id"] == household_id]
    return dict(item)


def review_body(**deductions: tuple[int, str]) -> dict[str, Any]:
    """Full marks but for `deductions` (code → (points, reason))."""
    items = [
        {"code": code, "points": deductions[code][0], "reason": deductions[code][1]}
        if code in deductions
        else {"code": code, "points": points}
        for code, points in full_marks().items()
    ]
    return {"items": items}


def past_deadline() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)
