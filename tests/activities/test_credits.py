"""What verified participation posts to the ledger: hours always, credits when the district's
moral bank is on, by its rules; reversals take them back."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.activities.conftest import iso, publish, served
from tests.conftest import set_rules_since

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def _moral_bank_on(world, **rules):
    await set_rules_since("d1", datetime(2000, 1, 1, tzinfo=UTC), moral_bank_enabled=True, **rules)


async def _approve(world, attendance_id):
    response = await world.worker.client.post(
        f"/api/v1/attendances/{attendance_id}/verify", json={"decision": "approve"}
    )
    assert response.status_code == 200, response.text


async def test_verified_hours_earn_credits_when_the_moral_bank_is_on(world, long_activity):
    await _moral_bank_on(world, credits_per_hour={"default": 10})
    activity = await publish(world, **long_activity)
    attendance = await served(world, world.resident, activity["id"], hours=2)
    await _approve(world, attendance["id"])
    summary = (await world.resident.client.get("/api/v1/me/summary")).json()
    assert (summary["hours_total"], summary["credits_balance"]) == (2.0, 20.0)
    history = (await world.resident.client.get("/api/v1/me/credits/transactions")).json()
    assert [item["amount"] for item in history["items"]] == [20.0]


async def test_verified_hours_count_without_credits_when_the_moral_bank_is_off(
    world, long_activity
):
    activity = await publish(world, **long_activity)
    attendance = await served(world, world.resident, activity["id"], hours=2)
    await _approve(world, attendance["id"])
    summary = (await world.resident.client.get("/api/v1/me/summary")).json()
    assert (summary["hours_total"], summary["credits_balance"]) == (2.0, 0.0)


async def test_backfilled_hours_earn_no_credits_unless_the_district_allows_it(world):
    await _moral_bank_on(world)
    day = datetime.now(SHANGHAI).date() - timedelta(days=2)
    start = datetime.combine(day, time(9), SHANGHAI)
    activity = await publish(world, starts_at=iso(start), ends_at=iso(start + timedelta(hours=3)))
    attendance = await world.worker.client.post(
        f"/api/v1/activities/{activity['id']}/attendances",
        json={
            "resident": world.resident.id,
            "checked_in_at": iso(start),
            "checked_out_at": iso(start + timedelta(hours=3)),
            "note": "补录",
        },
    )
    await _approve(world, attendance.json()["id"])
    summary = (await world.resident.client.get("/api/v1/me/summary")).json()
    assert (summary["hours_total"], summary["credits_balance"]) == (3.0, 0.0)


async def test_an_approved_deed_earns_the_districts_credits_per_report(world):
    await _moral_bank_on(world, credits_per_report={"default": 2, "zebra-crossing": 5})
    attested = await world.worker.client.post(
        "/api/v1/deeds/attest",
        json={
            "resident": world.resident.id,
            "action": "zebra-crossing",
            "description": "路口礼让行人",
            "occurred_at": iso(datetime.now(UTC) - timedelta(minutes=5)),
        },
    )
    assert attested.status_code == 201
    summary = (await world.resident.client.get("/api/v1/me/summary")).json()
    assert summary["credits_balance"] == 5.0
    assert summary["actions"] == {"zebra-crossing": 1}


async def test_a_reversed_record_takes_its_hours_and_credits_back(world, long_activity):
    await _moral_bank_on(world)
    activity = await publish(world, **long_activity)
    attendance = await served(world, world.resident, activity["id"], hours=1)
    await _approve(world, attendance["id"])
    record = (await world.resident.client.get("/api/v1/me/service-records")).json()["items"][0]
    asked = await world.resident.client.post(
        "/api/v1/me/corrections", json={"record": record["id"], "reason": "不是我本人"}
    )
    decided = await world.worker.client.post(
        f"/api/v1/corrections/{asked.json()['id']}/decide",
        json={"decision": "accept", "reason": "核实为代签"},
    )
    assert decided.status_code == 200, decided.text
    summary = (await world.resident.client.get("/api/v1/me/summary")).json()
    assert (summary["hours_total"], summary["credits_balance"]) == (0.0, 0.0)
    assert summary["actions"] == {}
