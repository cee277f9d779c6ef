"""Helpers for campaigns tests: a campaign running around today, the rollup run now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kernel import localtime
from tests.activities.conftest import long_activity  # noqa: F401  (a fixture)


def campaign_body(**overrides: Any) -> dict[str, Any]:
    today = localtime.today()
    body: dict[str, Any] = {
        "title": "文明城市我参与",
        "description": "志愿服务和文明行动",
        "starts_on": (today - timedelta(days=3)).isoformat(),
        "ends_on": (today + timedelta(days=27)).isoformat(),
        "actions": ["neighbourly-harmony"],
        "activity_kinds": [],
        "targets": {"participants": 10, "hours": 100, "deeds": 20, "quiz_completions": 5},
        "community_targets": {"participants": 5, "hours": 50, "deeds": 10},
        "bonus": True,
    }
    body.update(overrides)
    return body


async def create_campaign(actor: Any, **overrides: Any) -> dict[str, Any]:
    response = await actor.client.post("/api/v1/campaigns", json=campaign_body(**overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def run(world: Any, job: str) -> dict[str, Any]:
    response = await world.admin.client.post(f"/api/v1/jobs/{job}/run")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "succeeded", response.json()["error"]
    return dict(response.json()["stats"])


async def scope_objects(world: Any, activity_id: str) -> tuple[dict[str, str], dict[str, Any]]:
    """What the scope matrix and walker need of campaigns: a campaign of d1 (its ids by path
    parameter name) and the bodies that name real ids."""
    campaign = await create_campaign(world.district_admin, activity_kinds=["volunteering"])
    body = event_body()
    event = await world.district_admin.client.post(
        f"/api/v1/campaigns/{campaign['id']}/events", json=body
    )
    assert event.status_code == 201, event.text
    return (
        {
            "campaign_id": campaign["id"],
            "event_id": event.json()["id"],
            "zone_id": event.json()["zones"][0]["id"],
        },
        {"campaign_tag": {"activity": activity_id}, "campaign_event": body},
    )


def event_body(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "title": "亚运会足球比赛",
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
        "zones": [
            {"venue": "奥体中心体育场", "name": "东门A区"},
            {"venue": "奥体中心体育场", "name": "西门B区"},
        ],
        **overrides,
    }
