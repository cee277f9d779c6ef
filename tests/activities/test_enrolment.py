"""Enrolment with a waitlist: capacity is never exceeded, cancelling promotes the first."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from accounts.models import Resident
from kernel.models import Notification
from tests.activities.conftest import enrol, iso, publish
from tests.conftest import make_actor


async def _upcoming(world, capacity):
    now = datetime.now(UTC)
    return await publish(
        world,
        capacity=capacity,
        starts_at=iso(now + timedelta(days=1)),
        ends_at=iso(now + timedelta(days=1, hours=2)),
    )


async def test_enrolment_beyond_capacity_goes_to_the_waitlist(world):
    activity = await _upcoming(world, capacity=1)
    assert (await enrol(world.resident, activity["id"]))["status"] == "enrolled"
    late = await world.new_resident("o-late")
    assert (await enrol(late, activity["id"]))["status"] == "waitlisted"
    detail = (await world.worker.client.get(f"/api/v1/activities/{activity['id']}")).json()
    assert (detail["enrolled"], detail["waitlisted"]) == (1, 1)


async def test_enrolling_twice_is_refused(world):
    activity = await _upcoming(world, capacity=5)
    await enrol(world.resident, activity["id"])
    again = await world.resident.client.post(f"/api/v1/activities/{activity['id']}/enrollments")
    assert again.status_code == 409
    assert again.json()["code"] == "already_enrolled"


async def test_cancelling_promotes_the_first_waitlisted_resident(world):
    activity = await _upcoming(world, capacity=1)
    await enrol(world.resident, activity["id"])
    first = await world.new_resident("o-first")
    second = await world.new_resident("o-second")
    await enrol(first, activity["id"])
    await enrol(second, activity["id"])
    gone = await world.resident.client.delete(f"/api/v1/activities/{activity['id']}/enrollments/me")
    assert gone.status_code == 204
    detail = (await world.worker.client.get(f"/api/v1/activities/{activity['id']}")).json()
    assert (detail["enrolled"], detail["waitlisted"]) == (1, 1)
    notice = await Notification.get(topic="enrolment_promoted")
    assert notice.recipient_id == first.id


async def test_a_cancelled_resident_can_enrol_again_at_the_end_of_the_queue(world):
    activity = await _upcoming(world, capacity=1)
    await enrol(world.resident, activity["id"])
    other = await world.new_resident("o-other-1")
    await enrol(other, activity["id"])
    await world.resident.client.delete(f"/api/v1/activities/{activity['id']}/enrollments/me")
    assert (await enrol(world.resident, activity["id"]))["status"] == "waitlisted"


async def test_cancelling_without_enrolment_is_refused(world):
    activity = await _upcoming(world, capacity=1)
    response = await world.resident.client.delete(
        f"/api/v1/activities/{activity['id']}/enrollments/me"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_enrolled"


async def test_capacity_holds_when_hundreds_enrol_at_once(world):
    activity = await _upcoming(world, capacity=25)
    residents = [
        await Resident.create(
            openid=f"o-crowd-{n}",
            district_id=world.district_id,
            community_id=world.community_id,
        )
        for n in range(200)
    ]
    actors = [await make_actor(world.app, "resident", r.id, "resident") for r in residents]
    url = f"/api/v1/activities/{activity['id']}/enrollments"
    responses = await asyncio.gather(*(actor.client.post(url) for actor in actors))
    for actor in actors:
        await actor.client.aclose()
    assert {r.status_code for r in responses} == {201}
    statuses = [r.json()["status"] for r in responses]
    assert statuses.count("enrolled") == 25
    assert statuses.count("waitlisted") == 175
    detail = (await world.worker.client.get(f"/api/v1/activities/{activity['id']}")).json()
    assert (detail["enrolled"], detail["waitlisted"]) == (25, 175)


async def test_a_resident_of_another_district_cannot_enrol(world):
    activity = await _upcoming(world, capacity=5)
    response = await world.other_resident.client.post(
        f"/api/v1/activities/{activity['id']}/enrollments"
    )
    assert response.status_code == 404


async def test_the_worker_sees_who_is_enrolled_and_who_waits(world):
    activity = await _upcoming(world, capacity=1)
    await enrol(world.resident, activity["id"])
    late = await world.new_resident("o-late")
    await enrol(late, activity["id"])
    roster = await world.worker.client.get(f"/api/v1/activities/{activity['id']}/enrollments")
    assert roster.status_code == 200
    assert [(e["nickname"], e["status"]) for e in roster.json()["items"]] == [
        ("居民甲", "enrolled"),
        ("o-late", "waitlisted"),
    ]
    hidden = await world.other_worker.client.get(f"/api/v1/activities/{activity['id']}/enrollments")
    assert hidden.status_code == 404
