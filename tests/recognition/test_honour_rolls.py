"""Honour rolls (红榜): opt-in residents under masked names, communities ranked by hours."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tests.recognition.test_award_badges import participate


def this_month() -> str:
    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")


def last_month() -> str:
    year, month = (int(p) for p in this_month().split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


async def take_rolls(world) -> None:
    response = await world.admin.client.post("/api/v1/jobs/honour-roll/run")
    assert response.status_code == 200
    assert response.json()["status"] == "succeeded", response.json()["error"]


async def test_the_roll_shows_only_residents_who_opted_in_with_masked_names(world):
    await world.district_admin.client.patch(
        "/api/v1/districts/d1/settings", json={"moral_bank_enabled": True}
    )
    opted = await world.resident.client.patch("/api/v1/me", json={"public_profile": True})
    assert opted.status_code == 200, opted.text
    private = await world.new_resident("o-private", community="d1/c2")
    await participate(world.district_id, world.resident.id, hours="12")
    await participate(world.district_id, private.id, hours="30")
    await participate(world.other_district_id, world.other_resident.id, hours="50")
    await take_rolls(world)

    response = await world.resident.client.get("/api/v1/districts/d1/honour-roll")
    assert response.status_code == 200, response.text
    roll = response.json()
    assert roll["period"] == this_month()
    assert roll["hours"] == [{"rank": 1, "name": "居*甲", "value": 12}]
    assert roll["credits"] == [{"rank": 1, "name": "居*甲", "value": 120}]
    assert roll["communities"] == [
        {"rank": 1, "name": "二社区", "value": 30},
        {"rank": 2, "name": "一社区", "value": 12},
    ]
    assert "o-private" not in response.text


async def test_past_rolls_are_listed_and_read_by_period(world):
    await take_rolls(world)
    listed = await world.worker.client.get("/api/v1/districts/d1/honour-rolls")
    assert listed.status_code == 200
    assert [r["period"] for r in listed.json()["items"]] == [this_month(), last_month()]
    past = await world.worker.client.get(
        "/api/v1/districts/d1/honour-roll", params={"period": last_month()}
    )
    assert past.status_code == 200
    assert past.json()["period"] == last_month()
    missing = await world.worker.client.get(
        "/api/v1/districts/d1/honour-roll", params={"period": "2019-01"}
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "honour_roll_not_found"


async def test_a_new_snapshot_replaces_the_month_in_progress(world):
    await world.resident.client.patch("/api/v1/me", json={"public_profile": True})
    await participate(world.district_id, world.resident.id, hours="2")
    await take_rolls(world)
    await participate(world.district_id, world.resident.id, hours="3")
    await take_rolls(world)
    roll = (await world.resident.client.get("/api/v1/districts/d1/honour-roll")).json()
    assert roll["hours"] == [{"rank": 1, "name": "居*甲", "value": 5}]


async def test_another_districts_roll_is_not_found(world):
    await take_rolls(world)
    response = await world.other_resident.client.get("/api/v1/districts/d1/honour-roll")
    assert response.status_code == 404


async def test_a_malformed_period_is_refused(world):
    response = await world.resident.client.get(
        "/api/v1/districts/d1/honour-roll", params={"period": "2026-13"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.period"
