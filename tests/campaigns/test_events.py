"""Event campaigns (文明观赛): zones with rotating gate codes, a check-in per resident and event
(no seat list), and the event's civility tasks reported as deeds counted toward the campaign."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from campaigns.gate import issue_gate_code
from campaigns.models import EventCheckin
from tests.campaigns.conftest import create_campaign, event_body, run


async def _event(world: Any, **overrides: Any) -> dict[str, Any]:
    campaign = await create_campaign(world.district_admin, title="文明观赛", actions=[])
    body = event_body(**overrides)
    response = await world.district_admin.client.post(
        f"/api/v1/campaigns/{campaign['id']}/events", json=body
    )
    assert response.status_code == 201, response.text
    return {**response.json(), "campaign_id": campaign["id"]}


async def _code(world: Any, zone_id: str) -> str:
    response = await world.worker.client.get(f"/api/v1/event-zones/{zone_id}/gate-code")
    assert response.status_code == 200, response.text
    return str(response.json()["code"])


async def test_a_resident_checks_in_by_the_zone_gate_code_once(world):
    event = await _event(world)
    zone = event["zones"][0]
    code = await _code(world, zone["id"])
    url = f"/api/v1/events/{event['id']}/check-in"
    first = await world.resident.client.post(url, json={"code": code})
    assert first.status_code == 201, first.text
    assert (first.json()["venue"], first.json()["zone_name"]) == ("奥体中心体育场", zone["name"])
    second = await world.resident.client.post(
        url, json={"code": await _code(world, event["zones"][1]["id"])}
    )
    assert second.status_code == 409
    assert second.json()["code"] == "already_checked_in"
    assert "已" in second.json()["detail"]


async def test_a_forged_old_or_foreign_code_is_refused(world):
    event = await _event(world)
    zone_id = event["zones"][0]["id"]
    url = f"/api/v1/events/{event['id']}/check-in"
    forged = await world.resident.client.post(url, json={"code": f"{zone_id}.1.AAAAAAAAAA"})
    assert forged.json()["code"] == "zone_code_invalid"
    old, _, _ = issue_gate_code(zone_id, datetime.now(UTC) - timedelta(minutes=5))
    expired = await world.resident.client.post(url, json={"code": old})
    assert expired.json()["code"] == "zone_code_expired"
    other = await world.other_resident.client.post(url, json={"code": await _code(world, zone_id)})
    assert other.status_code == 404
    foreign = await world.other_worker.client.get(f"/api/v1/event-zones/{zone_id}/gate-code")
    assert foreign.status_code == 404


async def test_check_in_is_refused_long_after_the_event(world):
    now = datetime.now(UTC)
    event = await _event(
        world,
        starts_at=(now - timedelta(hours=9)).isoformat(),
        ends_at=(now - timedelta(hours=6)).isoformat(),
    )
    code = await _code(world, event["zones"][0]["id"])
    late = await world.resident.client.post(
        f"/api/v1/events/{event['id']}/check-in", json={"code": code}
    )
    assert late.status_code == 409
    assert late.json()["code"] == "event_not_open"


async def test_a_crowd_checks_in_at_once_each_resident_once(world):
    event = await _event(world)
    code = await _code(world, event["zones"][0]["id"])
    crowd = [await world.new_resident(f"o-fan-{n}") for n in range(12)]
    url = f"/api/v1/events/{event['id']}/check-in"
    answers = await asyncio.gather(
        *(fan.client.post(url, json={"code": code}) for fan in crowd),
        crowd[0].client.post(url, json={"code": code}),
    )
    assert sorted(a.status_code for a in answers) == [201] * 12 + [409]
    assert await EventCheckin.filter(event_id=event["id"]).count() == 12
    for fan in crowd:
        await fan.client.aclose()


async def test_the_events_tasks_are_deeds_counted_toward_the_campaign_once_approved(world):
    event = await _event(world)
    tasks = f"/api/v1/events/{event['id']}/tasks"
    early = await world.resident.client.post(tasks, json={"task": "take-litter-away"})
    assert early.status_code == 409
    assert early.json()["code"] == "not_checked_in"
    code = await _code(world, event["zones"][0]["id"])
    await world.resident.client.post(f"/api/v1/events/{event['id']}/check-in", json={"code": code})
    reported = await world.resident.client.post(tasks, json={"task": "take-litter-away"})
    assert reported.status_code == 201, reported.text
    deed = reported.json()
    assert deed["status"] == "pending"
    assert "带走垃圾" in deed["description"]
    again = await world.resident.client.post(tasks, json={"task": "take-litter-away"})
    assert again.json()["code"] == "task_reported"
    approved = await world.worker.client.post(
        f"/api/v1/deeds/{deed['id']}/review", json={"decision": "approve"}
    )
    assert approved.status_code == 200, approved.text
    await run(world, "campaigns-rollup")
    progress = (
        await world.district_admin.client.get(f"/api/v1/campaigns/{event['campaign_id']}/progress")
    ).json()
    assert progress["total"]["period"]["deeds"] == 1
    assert progress["total"]["period"]["participants"] == 1
