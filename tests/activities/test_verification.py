"""Back-filled attendance and verification into immutable service records, with daily caps."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from activities.models import ServiceRecord
from tests.activities.conftest import iso, publish, served

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def _past_activity(world, *, at=8, length=4, days_ago=2):
    """An activity some days ago, from `at` o'clock local time."""
    day = datetime.now(SHANGHAI).date() - timedelta(days=days_ago)
    start = datetime.combine(day, time(at), SHANGHAI)
    return await publish(world, starts_at=iso(start), ends_at=iso(start + timedelta(hours=length)))


async def _backfill(world, activity, *, start_offset=0.0, hours=2.0, resident=None):
    start = datetime.fromisoformat(activity["starts_at"]) + timedelta(hours=start_offset)
    return await world.worker.client.post(
        f"/api/v1/activities/{activity['id']}/attendances",
        json={
            "resident": resident or world.resident.id,
            "checked_in_at": iso(start),
            "checked_out_at": iso(start + timedelta(hours=hours)),
            "note": "纸质签到表补录",
        },
    )


async def test_a_worker_backfills_an_attendance_marked_backfill(world):
    activity = await _past_activity(world)
    response = await _backfill(world, activity, start_offset=-0.25, hours=2.25)
    assert response.status_code == 201, response.text
    attendance = response.json()
    assert (attendance["source"], attendance["status"], attendance["hours"]) == (
        "backfill",
        "pending",
        2.0,
    )
    assert "backfill" in attendance["flags"]
    assert attendance["note"] == "纸质签到表补录"


async def test_backfill_from_a_sheet_starting_before_the_activity_is_clipped_and_flagged(world):
    activity = await _past_activity(world)
    response = await _backfill(world, activity, start_offset=-1 / 6, hours=1 + 1 / 6)
    assert response.status_code == 201, response.text
    attendance = response.json()
    assert attendance["hours"] == 1.0
    assert datetime.fromisoformat(attendance["checked_in_at"]) == datetime.fromisoformat(
        activity["starts_at"]
    )
    assert "clipped" in attendance["flags"]


async def test_backfill_wholly_outside_the_activity_time_is_refused(world):
    activity = await _past_activity(world)
    response = await _backfill(world, activity, start_offset=-3)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_times"


async def test_backfill_overlapping_another_attendance_is_refused(world):
    first = await _past_activity(world)
    second = await _past_activity(world, at=9)
    assert (await _backfill(world, first)).status_code == 201
    response = await _backfill(world, second)
    assert response.status_code == 409
    assert response.json()["code"] == "overlapping_attendance"


async def test_backfill_for_a_resident_of_another_district_is_refused(world):
    activity = await _past_activity(world)
    response = await _backfill(world, activity, resident=world.other_resident.id)
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_resident"


async def test_approval_writes_the_service_record_once(world):
    activity = await _past_activity(world)
    attendance = (await _backfill(world, activity)).json()
    url = f"/api/v1/attendances/{attendance['id']}/verify"
    approved = await world.worker.client.post(url, json={"decision": "approve"})
    assert approved.status_code == 200, approved.text
    again = await world.worker.client.post(url, json={"decision": "approve"})
    assert again.status_code == 409
    assert again.json()["code"] == "attendance_not_pending"
    records = await ServiceRecord.filter(resident_id=world.resident.id)
    assert [(str(r.hours), r.backfill, r.content) for r in records] == [("2.0", True, "河道清洁")]


async def test_a_retried_approval_with_the_same_key_replays_the_first_answer(world):
    activity = await _past_activity(world)
    attendance = (await _backfill(world, activity)).json()
    url = f"/api/v1/attendances/{attendance['id']}/verify"
    headers = {"Idempotency-Key": "verify-1"}
    first = await world.worker.client.post(url, json={"decision": "approve"}, headers=headers)
    retry = await world.worker.client.post(url, json={"decision": "approve"}, headers=headers)
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert await ServiceRecord.filter(resident_id=world.resident.id).count() == 1


async def test_rejection_needs_a_reason_and_writes_no_record(world):
    activity = await _past_activity(world)
    attendance = (await _backfill(world, activity)).json()
    url = f"/api/v1/attendances/{attendance['id']}/verify"
    bare = await world.worker.client.post(url, json={"decision": "reject"})
    assert bare.status_code == 422
    assert bare.json()["code"] == "reason_required"
    rejected = await world.worker.client.post(url, json={"decision": "reject", "reason": "未到场"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_reason"] == "未到场"
    assert not await ServiceRecord.exists(resident_id=world.resident.id)


async def test_adjusted_hours_need_a_reason(world):
    activity = await _past_activity(world)
    attendance = (await _backfill(world, activity)).json()
    url = f"/api/v1/attendances/{attendance['id']}/verify"
    bare = await world.worker.client.post(url, json={"decision": "approve", "hours": 1.5})
    assert bare.json()["code"] == "reason_required"
    adjusted = await world.worker.client.post(
        url, json={"decision": "approve", "hours": 1.5, "reason": "中途离开半小时"}
    )
    assert adjusted.status_code == 200
    assert adjusted.json()["hours"] == 1.5


async def test_more_hours_than_the_activity_lasts_are_refused(world):
    activity = await _past_activity(world, length=2)
    attendance = (await _backfill(world, activity, hours=1)).json()
    response = await world.worker.client.post(
        f"/api/v1/attendances/{attendance['id']}/verify",
        json={"decision": "approve", "hours": 5, "reason": "多算"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_hours"
    assert response.json()["errors"] == [{"field": "hours", "message": "最多 2.0 小时"}]


async def test_a_worker_of_another_district_cannot_verify(world):
    activity = await _past_activity(world)
    attendance = (await _backfill(world, activity)).json()
    response = await world.other_worker.client.post(
        f"/api/v1/attendances/{attendance['id']}/verify", json={"decision": "approve"}
    )
    assert response.status_code == 404


async def test_hours_above_the_daily_cap_need_district_review(world, long_activity):
    """Default rules: 8 h a day count at once, up to 12 h with the district's review."""
    morning = await _past_activity(world, at=8, length=6)
    first = (await _backfill(world, morning, hours=6)).json()
    ok = await world.worker.client.post(
        f"/api/v1/attendances/{first['id']}/verify", json={"decision": "approve"}
    )
    assert ok.status_code == 200, ok.text
    evening = await _past_activity(world, at=15, length=4)
    second = (await _backfill(world, evening, hours=4)).json()
    assert "too_many_hours_in_a_day" in second["flags"]
    url = f"/api/v1/attendances/{second['id']}/verify"
    by_worker = await world.worker.client.post(url, json={"decision": "approve"})
    assert by_worker.status_code == 409
    assert by_worker.json()["code"] == "district_review_required"
    by_district = await world.district_admin.client.post(url, json={"decision": "approve"})
    assert by_district.status_code == 200, by_district.text


async def test_hours_beyond_the_review_cap_are_refused(world):
    first_day = await _past_activity(world, at=7, length=8)
    a = (await _backfill(world, first_day, hours=8)).json()
    await world.worker.client.post(
        f"/api/v1/attendances/{a['id']}/verify", json={"decision": "approve"}
    )
    later = await _past_activity(world, at=16, length=6)
    b = (await _backfill(world, later, hours=5)).json()
    response = await world.district_admin.client.post(
        f"/api/v1/attendances/{b['id']}/verify", json={"decision": "approve"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "daily_hours_exceeded"


async def test_a_live_attendance_becomes_a_record_the_resident_sees(world, long_activity):
    activity = await publish(world, **long_activity)
    attendance = await served(world, world.resident, activity["id"], hours=1.5)
    await world.worker.client.post(
        f"/api/v1/attendances/{attendance['id']}/verify", json={"decision": "approve"}
    )
    mine = await world.resident.client.get("/api/v1/me/attendances")
    assert mine.json()["items"][0]["status"] == "verified"
    records = (await world.resident.client.get("/api/v1/me/service-records")).json()["items"]
    assert records[0]["hours"] == 1.5
    assert records[0]["kind"] == "record"


async def test_an_attendance_with_no_time_served_cannot_be_approved(world):
    activity = await publish(world)
    attendance = await served(world, world.resident, activity["id"], hours=0)
    assert attendance["hours"] == 0
    response = await world.worker.client.post(
        f"/api/v1/attendances/{attendance['id']}/verify", json={"decision": "approve"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_hours"


async def test_racing_approvals_write_one_record(world):
    import asyncio

    activity = await _past_activity(world)
    attendance = (await _backfill(world, activity)).json()
    url = f"/api/v1/attendances/{attendance['id']}/verify"
    responses = await asyncio.gather(
        *(world.worker.client.post(url, json={"decision": "approve"}) for _ in range(4))
    )
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    assert await ServiceRecord.filter(resident_id=world.resident.id).count() == 1


async def test_a_record_reversed_by_a_correction_frees_its_hours_for_the_long_day_flag(world):
    """The flag counts the day's hours as the cap does: records (a reversal takes its
    record's back) and attendances still waiting, not attendances once verified."""
    morning = await _past_activity(world, at=8, length=6)
    first = (await _backfill(world, morning, hours=6)).json()
    verified = await world.worker.client.post(
        f"/api/v1/attendances/{first['id']}/verify", json={"decision": "approve"}
    )
    asked = await world.resident.client.post(
        "/api/v1/me/corrections", json={"record": verified.json()["record"], "reason": "不是我"}
    )
    decided = await world.worker.client.post(
        f"/api/v1/corrections/{asked.json()['id']}/decide",
        json={"decision": "accept", "reason": "确认不是本人"},
    )
    assert decided.status_code == 200, decided.text
    evening = await _past_activity(world, at=15, length=4)
    second = (await _backfill(world, evening, hours=4)).json()
    assert "too_many_hours_in_a_day" not in second["flags"]


async def test_the_long_day_flag_and_the_cap_count_the_same_local_day(world):
    """Hours in a day are written once (`activities/daily_hours.py`): the flag and the cap
    count the hours of the resident's local day, though it began on the previous UTC date."""
    after_midnight = await _past_activity(world, at=0, length=6)  # 16:00 UTC the day before
    night_before = await _past_activity(world, at=19, length=4, days_ago=3)  # 11:00 UTC
    for activity, hours in ((after_midnight, 6), (night_before, 4)):
        attendance = (await _backfill(world, activity, hours=hours)).json()
        assert "too_many_hours_in_a_day" not in attendance["flags"]
        verified = await world.worker.client.post(
            f"/api/v1/attendances/{attendance['id']}/verify", json={"decision": "approve"}
        )
        assert verified.status_code == 200, verified.text
    evening = await _past_activity(world, at=19, length=4)
    third = (await _backfill(world, evening, hours=3)).json()
    assert "too_many_hours_in_a_day" in third["flags"]  # 6 + 3 h on that local day
    url = f"/api/v1/attendances/{third['id']}/verify"
    by_worker = await world.worker.client.post(url, json={"decision": "approve"})
    assert by_worker.json()["code"] == "district_review_required"
    by_district = await world.district_admin.client.post(url, json={"decision": "approve"})
    assert by_district.status_code == 200, (
        by_district.text
    )  # 9 h, not 13: the night before is not that day
