"""A deed may be dated only a few days back, so back-dating cannot get around the daily cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def _deed(occurred_at, action="finish-your-water"):
    return {"action": action, "description": "喝完了一瓶水", "occurred_at": occurred_at}


async def test_back_dated_deeds_cannot_get_around_the_daily_cap(world):
    for day in ("2001-03-01T09:00:00+08:00", "2001-03-02T09:00:00+08:00", "2005-07-07T09:00Z"):
        response = await world.resident.client.post("/api/v1/deeds", json=_deed(day))
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "invalid_times"
        assert response.json()["errors"][0]["field"] == "occurred_at"


async def test_occurred_at_zero_is_not_a_date(world):
    for value in (0, "0", 1700000000):
        response = await world.resident.client.post("/api/v1/deeds", json=_deed(value))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "occurred_at"


async def test_a_deed_of_last_week_is_still_accepted(world):
    six_days_ago = (datetime.now(UTC) - timedelta(days=6)).isoformat()
    response = await world.resident.client.post("/api/v1/deeds", json=_deed(six_days_ago))
    assert response.status_code == 201, response.text


async def test_a_worker_cannot_attest_a_deed_of_years_ago(world):
    response = await world.worker.client.post(
        "/api/v1/deeds/attest",
        json={**_deed("2001-03-01T09:00:00+08:00"), "resident": world.resident.id},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_times"
