"""The close-activities job: finishes what is over, sends open attendances to review, marks
no-shows."""

from __future__ import annotations

from datetime import timedelta

from activities.models import Activity, Enrollment
from kernel.scheduler import run_job
from tests.activities.conftest import check_in, enrol, publish


async def _end_activity(activity_id: str, *, ago: timedelta) -> None:
    """The activity's time passes: it started and ended `ago` earlier than planned."""
    activity = await Activity.get(id=activity_id)
    length = activity.ends_at - activity.starts_at
    await Activity.filter(id=activity_id).update(
        ends_at=activity.ends_at - length - ago, starts_at=activity.starts_at - length - ago
    )


async def test_close_activities_finishes_past_activities_and_flags_open_attendances(world):
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    no_show = await world.new_resident("o-no-show")
    await enrol(no_show, activity["id"])
    attendance = (await check_in(world, world.resident, activity["id"])).json()
    await _end_activity(activity["id"], ago=timedelta(hours=1))

    run = await run_job("close-activities")
    assert run is not None
    assert run.status == "succeeded", run.error
    assert run.stats == {"activities": 1, "attendances_left_open": 1, "no_shows": 1}

    detail = (await world.worker.client.get(f"/api/v1/activities/{activity['id']}")).json()
    assert detail["status"] == "finished"
    listed = await world.worker.client.get(f"/api/v1/activities/{activity['id']}/attendances")
    closed = listed.json()["items"][0]
    assert closed["id"] == attendance["id"]
    assert (closed["status"], closed["hours"]) == ("pending", None)
    assert "not_checked_out" in closed["flags"]
    assert (await Enrollment.get(resident_id=no_show.id)).status == "no_show"


async def test_an_attendance_left_open_is_verified_only_with_hours_and_a_reason(world):
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    attendance = (await check_in(world, world.resident, activity["id"])).json()
    await _end_activity(activity["id"], ago=timedelta(hours=1))
    await run_job("close-activities")
    url = f"/api/v1/attendances/{attendance['id']}/verify"
    guessed = await world.worker.client.post(url, json={"decision": "approve"})
    assert guessed.status_code == 422
    assert guessed.json()["code"] == "hours_required"
    given = await world.worker.client.post(
        url, json={"decision": "approve", "hours": 1.5, "reason": "现场负责人确认"}
    )
    assert given.status_code == 200, given.text
    assert given.json()["hours"] == 1.5


async def test_close_activities_leaves_running_activities_alone(world):
    activity = await publish(world)
    run = await run_job("close-activities")
    assert run is not None
    assert run.stats["activities"] == 0
    detail = (await world.worker.client.get(f"/api/v1/activities/{activity['id']}")).json()
    assert detail["status"] == "published"


async def test_an_attendance_closed_by_the_job_does_not_block_later_check_ins(world):
    earlier = await publish(world)
    await enrol(world.resident, earlier["id"])
    await check_in(world, world.resident, earlier["id"])
    await _end_activity(earlier["id"], ago=timedelta(hours=1))
    await run_job("close-activities")
    later = await publish(world, title="下一场")
    await enrol(world.resident, later["id"])
    response = await check_in(world, world.resident, later["id"])
    assert response.status_code == 201, response.text
