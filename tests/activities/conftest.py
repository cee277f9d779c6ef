"""Helpers for activities tests: an activity at a place, and moving a stay back in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

# 鼓楼, Ningbo: where the test activities happen.
SITE = {"lat": 29.8753, "lng": 121.5440}
NEARBY = {"lat": 29.8755, "lng": 121.5442}  # about 30 m away
FAR = {"lat": 29.8853, "lng": 121.5440}  # about 1.1 km away


def iso(moment: datetime) -> str:
    return moment.isoformat()


def activity_body(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "title": "河道清洁",
        "description": "清理月湖沿岸垃圾",
        "action": "volunteering",
        "community": "c1",
        "starts_at": iso(now - timedelta(minutes=10)),
        "ends_at": iso(now + timedelta(hours=2)),
        "capacity": 10,
        "location": {**SITE, "radius_m": 200, "address": "鼓楼步行街"},
    }
    body.update(overrides)
    return body


async def publish(world: Any, **overrides: Any) -> dict[str, Any]:
    response = await world.worker.client.post("/api/v1/activities", json=activity_body(**overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def enrol(actor: Any, activity_id: str) -> dict[str, Any]:
    response = await actor.client.post(f"/api/v1/activities/{activity_id}/enrollments")
    assert response.status_code == 201, response.text
    return dict(response.json())


async def checkin_token(world: Any, activity_id: str) -> str:
    response = await world.worker.client.get(f"/api/v1/activities/{activity_id}/checkin-code")
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


async def check_in(world: Any, actor: Any, activity_id: str, **position: Any) -> Any:
    token = await checkin_token(world, activity_id)
    return await actor.client.post(
        f"/api/v1/activities/{activity_id}/check-in",
        json={"token": token, **(position or NEARBY)},
    )


async def check_out(world: Any, actor: Any, activity_id: str, **position: Any) -> Any:
    token = await checkin_token(world, activity_id)
    return await actor.client.post(
        f"/api/v1/activities/{activity_id}/check-out",
        json={"token": token, **(position or NEARBY)},
    )


async def arrived_earlier(attendance_id: str, *, by: timedelta) -> None:
    """The resident checked in `by` earlier than they did: time passes without waiting."""
    from activities.models import Attendance

    attendance = await Attendance.get(id=attendance_id)
    await Attendance.filter(id=attendance_id).update(checked_in_at=attendance.checked_in_at - by)


async def served(world: Any, actor: Any, activity_id: str, *, hours: float) -> dict[str, Any]:
    """Enrolled, checked in `hours` ago and checked out now: a pending attendance."""
    await enrol(actor, activity_id)
    checked_in = await check_in(world, actor, activity_id)
    assert checked_in.status_code == 201, checked_in.text
    await arrived_earlier(checked_in.json()["id"], by=timedelta(hours=hours))
    checked_out = await check_out(world, actor, activity_id)
    assert checked_out.status_code == 200, checked_out.text
    return dict(checked_out.json())


@pytest.fixture
def long_activity() -> dict[str, Any]:
    """An activity that started three hours ago and ends in an hour."""
    now = datetime.now(UTC)
    return activity_body(
        starts_at=iso(now - timedelta(hours=3)), ends_at=iso(now + timedelta(hours=1))
    )
