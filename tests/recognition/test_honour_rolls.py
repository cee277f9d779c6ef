"""Honour rolls (红榜): opt-in residents under masked names, communities ranked by hours."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.recognition.test_award_badges import participate


def shown(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines as a resident reads them: rank, name, value."""
    return [{k: line[k] for k in ("rank", "name", "value")} for line in lines]


def this_month() -> str:
    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")


def last_month() -> str:
    year, month = (int(p) for p in this_month().split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


async def take_rolls(world) -> None:
    response = await world.admin.client.post("/api/v1/jobs/honour-roll/run")
    assert response.status_code == 200
    assert response.json()["status"] == "succeeded", response.json()["error"]


async def publish_this_month(world) -> None:
    roll = (await world.district_admin.client.get("/api/v1/districts/d1/honour-roll")).json()
    published = await world.district_admin.client.post(f"/api/v1/honour-rolls/{roll['id']}/publish")
    assert published.status_code == 200, published.text


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
    await publish_this_month(world)

    response = await world.resident.client.get("/api/v1/districts/d1/honour-roll")
    assert response.status_code == 200, response.text
    roll = response.json()
    assert roll["period"] == this_month()
    assert shown(roll["hours"]) == [{"rank": 1, "name": "居*甲", "value": 12}]
    assert shown(roll["credits"]) == [{"rank": 1, "name": "居*甲", "value": 120}]
    assert shown(roll["communities"]) == [
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
    assert missing.json()["detail"] == "2019年1月 还没有红榜。"


async def test_a_district_without_any_roll_says_so_in_one_sentence(world):
    missing = await world.worker.client.get("/api/v1/districts/d1/honour-roll")
    assert missing.status_code == 404
    assert missing.json()["code"] == "honour_roll_not_found"
    assert missing.json()["detail"] == "还没有红榜。"


async def test_a_new_snapshot_replaces_the_month_in_progress(world):
    await world.resident.client.patch("/api/v1/me", json={"public_profile": True})
    await participate(world.district_id, world.resident.id, hours="2")
    await take_rolls(world)
    await participate(world.district_id, world.resident.id, hours="3")
    await take_rolls(world)
    await publish_this_month(world)
    roll = (await world.resident.client.get("/api/v1/districts/d1/honour-roll")).json()
    assert shown(roll["hours"]) == [{"rank": 1, "name": "居*甲", "value": 5}]


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


async def test_residents_see_no_roll_until_it_is_published(world):
    await world.resident.client.patch("/api/v1/me", json={"public_profile": True})
    await participate(world.district_id, world.resident.id, hours="2")
    await take_rolls(world)
    hidden = await world.resident.client.get("/api/v1/districts/d1/honour-roll")
    assert hidden.status_code == 404
    assert (await world.resident.client.get("/api/v1/districts/d1/honour-rolls")).json()[
        "items"
    ] == []
    draft = (await world.district_admin.client.get("/api/v1/districts/d1/honour-roll")).json()
    assert draft["status"] == "draft"
    await publish_this_month(world)
    shown = await world.resident.client.get("/api/v1/districts/d1/honour-roll")
    assert shown.json()["status"] == "published"


async def test_a_district_admin_drafts_a_month_removes_a_line_with_a_reason_and_publishes(world):
    admin = world.district_admin.client
    await world.resident.client.patch("/api/v1/me", json={"public_profile": True})
    neighbour = await world.new_resident("o-neighbour")
    await neighbour.client.patch("/api/v1/me", json={"public_profile": True})
    await participate(world.district_id, world.resident.id, hours="5")
    await participate(world.district_id, neighbour.id, hours="3")
    drafted = await admin.post("/api/v1/districts/d1/honour-rolls", json={"period": this_month()})
    assert drafted.status_code == 201, drafted.text
    roll = drafted.json()
    assert [line["value"] for line in roll["hours"]] == [5, 3]
    first = roll["hours"][0]["line"]
    removed = await admin.post(
        f"/api/v1/honour-rolls/{roll['id']}/lines/{first}/remove", json={"reason": "时长待核实"}
    )
    assert removed.status_code == 200, removed.text
    assert removed.json()["hours"][0] == {
        "rank": None,
        "name": "居*甲",
        "value": 5,
        "line": first,
        "removed_reason": "时长待核实",
    }
    retaken = await admin.post("/api/v1/districts/d1/honour-rolls", json={"period": this_month()})
    assert retaken.json()["hours"][0]["removed_reason"] == "时长待核实"
    await admin.post(f"/api/v1/honour-rolls/{roll['id']}/publish")
    seen = (await world.resident.client.get("/api/v1/districts/d1/honour-roll")).json()
    assert [(line["rank"], line["value"]) for line in seen["hours"]] == [(1, 3)]
    assert seen["hours"][0]["removed_reason"] is None
    again = await admin.post("/api/v1/districts/d1/honour-rolls", json={"period": this_month()})
    assert (again.status_code, again.json()["code"]) == (409, "honour_roll_published")


async def test_the_nightly_job_leaves_a_published_roll_as_published(world):
    await world.resident.client.patch("/api/v1/me", json={"public_profile": True})
    await participate(world.district_id, world.resident.id, hours="2")
    await take_rolls(world)
    await publish_this_month(world)
    await participate(world.district_id, world.resident.id, hours="4")
    await take_rolls(world)
    roll = (await world.resident.client.get("/api/v1/districts/d1/honour-roll")).json()
    assert [line["value"] for line in roll["hours"]] == [2]


async def test_another_district_s_roll_cannot_be_reviewed(world):
    await take_rolls(world)
    roll = (await world.district_admin.client.get("/api/v1/districts/d1/honour-roll")).json()
    response = await world.other_worker.client.get(f"/api/v1/honour-rolls/{roll['id']}")
    assert response.status_code == 404


async def test_a_draft_for_an_impossible_month_is_refused_not_a_server_error(world):
    for period in ("0000-01", "9999-12", "2026-13"):
        answer = await world.district_admin.client.post(
            "/api/v1/districts/d1/honour-rolls", json={"period": period}
        )
        assert answer.status_code == 422, (period, answer.text)
        assert answer.json()["errors"][0]["field"] == "period"
