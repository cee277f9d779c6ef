"""Fields a caller may not set are refused, never quietly applied: role, hours, balance,
status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


@pytest.mark.parametrize(
    "field, value",
    [("role", "platform_admin"), ("balance", 100000), ("status", "approved"), ("hours", 99)],
)
async def test_a_resident_cannot_set_privileged_fields_on_themself(world, field, value):
    response = await world.resident.client.patch("/api/v1/me", json={field: value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    me = await world.resident.client.get("/api/v1/me")
    assert me.json()["role"] == "resident"


@pytest.mark.parametrize("field, value", [("status", "approved"), ("hours", 99)])
async def test_a_reported_deed_cannot_arrive_approved_or_with_hours(world, field, value):
    body = {
        "action": "serving-chopsticks",
        "description": "公筷",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        field: value,
    }
    response = await world.resident.client.post("/api/v1/deeds", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


async def test_a_redemption_cannot_name_its_own_cost_or_status(world):
    response = await world.worker.client.post(
        "/api/v1/rewards",
        json={"title": "环保袋", "cost": 5, "stock": 3, "status": "fulfilled", "balance": 9},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"status", "balance"}


async def test_a_district_admin_cannot_create_a_platform_admin(world):
    response = await world.district_admin.client.post(
        "/api/v1/staff",
        json={
            "username": "sneaky",
            "password": "long-enough-pw",
            "role": "platform_admin",
        },
    )
    assert response.status_code == 403
