"""The whole loop through the API: publish, enrol, check in with the rotating code, check
out, verify; then the resident sees the record, the hours and the summary."""

from __future__ import annotations

from tests.activities.conftest import check_in, check_out, enrol, publish


async def test_worker_and_resident_go_through_the_whole_loop(world, long_activity):
    activity = await publish(world, **long_activity)
    assert activity["status"] == "published"

    assert (await enrol(world.resident, activity["id"]))["status"] == "enrolled"
    detail = await world.resident.client.get(f"/api/v1/activities/{activity['id']}")
    assert detail.json()["enrolled"] == 1

    checked_in = await check_in(world, world.resident, activity["id"])
    assert checked_in.status_code == 201, checked_in.text
    assert checked_in.json()["status"] == "open"
    from datetime import timedelta

    from tests.activities.conftest import arrived_earlier

    await arrived_earlier(checked_in.json()["id"], by=timedelta(hours=2, minutes=3))
    checked_out = await check_out(world, world.resident, activity["id"])
    assert checked_out.status_code == 200, checked_out.text
    attendance = checked_out.json()
    assert attendance["status"] == "pending"
    assert attendance["hours"] == 2.1

    verified = await world.worker.client.post(
        f"/api/v1/attendances/{attendance['id']}/verify", json={"decision": "approve"}
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "verified"
    assert verified.json()["record"] is not None

    records = (await world.resident.client.get("/api/v1/me/service-records")).json()["items"]
    assert [(r["activity"], r["hours"], r["organiser"]) for r in records] == [
        (activity["id"], 2.1, "一区一社区")
    ]
    summary = (await world.resident.client.get("/api/v1/me/summary")).json()
    assert summary["hours_total"] == 2.1
    assert summary["actions"] == {"volunteering": 1}
    assert summary["star"] == 0
