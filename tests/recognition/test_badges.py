from __future__ import annotations

from typing import Any

from activities.service import TEN_ACTIONS

STAR_HOURS = {1: 100, 2: 300, 3: 600, 4: 1000, 5: 1500}


async def all_badges(client) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        response = await client.get(
            "/api/v1/badges", params={"limit": 100, **({"cursor": cursor} if cursor else {})}
        )
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


async def test_every_district_starts_with_the_platform_badges(world):
    badges = {b["code"]: b for b in await all_badges(world.resident.client)}
    stars = {b["star"]: b["criterion"] for b in badges.values() if b["star"]}
    assert stars == {
        level: {"kind": "hours_total", "action": None, "threshold": hours}
        for level, hours in STAR_HOURS.items()
    }
    action_badges = {
        b["criterion"]["action"]: b["criterion"]["threshold"]
        for b in badges.values()
        if b["criterion"]["kind"] == "action_count"
    }
    assert action_badges == dict.fromkeys(TEN_ACTIONS, 10)
    assert badges["all-ten-actions"]["criterion"] == {
        "kind": "distinct_actions",
        "action": None,
        "threshold": 10,
    }
    assert all(b["district"] is None for b in badges.values())
    assert {b["code"] for b in await all_badges(world.other_resident.client)} == set(badges)


async def test_district_admin_defines_a_badge_that_only_their_district_sees(world):
    response = await world.district_admin.client.post(
        "/api/v1/badges",
        json={
            "code": "credit-saver",
            "name": "积分达人",
            "description": "累计获得 500 积分",
            "criterion": {"kind": "credits_earned", "threshold": 500},
        },
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["district"] == "d1"
    assert created["criterion"] == {"kind": "credits_earned", "action": None, "threshold": 500}

    assert "credit-saver" in {b["code"] for b in await all_badges(world.resident.client)}
    assert "credit-saver" in {b["code"] for b in await all_badges(world.worker.client)}
    assert "credit-saver" not in {b["code"] for b in await all_badges(world.other_resident.client)}


async def test_an_action_count_badge_names_its_action(world):
    response = await world.district_admin.client.post(
        "/api/v1/badges",
        json={
            "code": "sorter",
            "name": "分类能手",
            "criterion": {"kind": "action_count", "threshold": 30},
        },
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "validation_failed"
    assert response.json()["errors"][0]["field"] == "criterion"


async def test_a_count_threshold_is_a_whole_number(world):
    response = await world.district_admin.client.post(
        "/api/v1/badges",
        json={
            "code": "sorter",
            "name": "分类能手",
            "criterion": {"kind": "action_count", "action": "waste-sorting", "threshold": 2.5},
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert (
        response.json()["errors"][0]["message"]
        == "`action_count` 或 `distinct_actions` 类型的门槛须为整数"
    )


async def test_a_platform_badge_code_cannot_be_taken_by_a_district(world):
    response = await world.district_admin.client.post(
        "/api/v1/badges",
        json={
            "code": "star-1",
            "name": "一星",
            "criterion": {"kind": "hours_total", "threshold": 50},
        },
    )
    assert response.status_code == 409
    assert response.json()["code"] == "badge_code_taken"


async def test_only_district_admins_define_badges(world):
    response = await world.worker.client.post(
        "/api/v1/badges",
        json={"code": "mine", "name": "我的", "criterion": {"kind": "hours_total", "threshold": 5}},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_platform_admin_lists_the_badges_of_a_district_they_name(world):
    await world.district_admin.client.post(
        "/api/v1/badges",
        json={
            "code": "d1-only",
            "name": "一区",
            "criterion": {"kind": "hours_total", "threshold": 5},
        },
    )
    codes = {
        b["code"]
        for b in (
            await world.admin.client.get("/api/v1/badges", params={"district": "d1", "limit": 100})
        ).json()["items"]
    }
    assert "d1-only" in codes
    missing = await world.resident.client.get("/api/v1/badges", params={"district": "d2"})
    assert missing.status_code == 404
