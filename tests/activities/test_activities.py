"""Civility actions and activities: publish, change before start, cancel, list, scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kernel.models import Notification
from tests.activities.conftest import activity_body, enrol, iso, publish

TEN = [
    "family-tradition",
    "zebra-crossing",
    "serving-chopsticks",
    "volunteering",
    "keep-promises",
    "waste-sorting",
    "neighbourly-harmony",
    "caring-kitchen",
    "frugal-banquets",
    "finish-your-water",
]


async def test_every_database_has_the_ten_civility_actions(world):
    response = await world.resident.client.get("/api/v1/actions")
    assert response.status_code == 200
    actions = response.json()
    assert [a["code"] for a in actions] == TEN
    assert actions[1]["name"] == "礼让斑马线"
    assert all(a["builtin"] for a in actions)


async def test_a_district_adds_its_own_action_seen_only_in_the_district(world):
    response = await world.district_admin.client.post(
        "/api/v1/actions", json={"code": "lantern-patrol", "name": "灯笼巡逻"}
    )
    assert response.status_code == 201, response.text
    mine = await world.resident.client.get("/api/v1/actions")
    assert mine.json()[-1]["code"] == "lantern-patrol"
    assert not mine.json()[-1]["builtin"]
    theirs = await world.other_resident.client.get("/api/v1/actions")
    assert "lantern-patrol" not in [a["code"] for a in theirs.json()]


async def test_the_ten_actions_cannot_be_redefined(world):
    response = await world.district_admin.client.post(
        "/api/v1/actions", json={"code": "zebra-crossing", "name": "别的"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "action_exists"


async def test_a_worker_publishes_an_activity_in_their_community(world):
    activity = await publish(world)
    assert activity["status"] == "published"
    assert activity["community"] == "c1"
    assert activity["district"] == "d1"
    assert activity["location"]["radius_m"] == 200
    assert (activity["enrolled"], activity["waitlisted"]) == (0, 0)


async def test_an_activity_outside_the_workers_communities_is_refused(world):
    response = await world.worker.client.post(
        "/api/v1/activities", json=activity_body(community="c2")
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_community"


async def test_an_activity_for_an_unknown_action_is_refused(world):
    response = await world.worker.client.post(
        "/api/v1/activities", json=activity_body(action="juggling")
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_action"


async def test_an_activity_ending_before_it_starts_is_refused(world):
    now = datetime.now(UTC)
    response = await world.worker.client.post(
        "/api/v1/activities",
        json=activity_body(starts_at=iso(now + timedelta(hours=2)), ends_at=iso(now)),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


async def test_a_past_activity_is_finished_at_once_and_takes_no_enrolments(world):
    now = datetime.now(UTC)
    activity = await publish(
        world,
        starts_at=iso(now - timedelta(days=2)),
        ends_at=iso(now - timedelta(days=2, hours=-3)),
    )
    assert activity["status"] == "finished"
    response = await world.resident.client.post(f"/api/v1/activities/{activity['id']}/enrollments")
    assert response.status_code == 409
    assert response.json()["code"] == "activity_not_open"


async def test_residents_of_another_district_and_their_workers_do_not_see_it(world):
    activity = await publish(world)
    for actor in (world.other_resident, world.other_worker):
        response = await actor.client.get(f"/api/v1/activities/{activity['id']}")
        assert response.status_code == 404
    listed = await world.other_resident.client.get("/api/v1/activities")
    assert listed.json()["items"] == []


async def test_activities_are_listed_with_filters(world):
    now = datetime.now(UTC)
    tomorrow = await publish(
        world,
        starts_at=iso(now + timedelta(days=1)),
        ends_at=iso(now + timedelta(days=1, hours=2)),
    )
    kitchen = await publish(world, action="caring-kitchen")
    listed = await world.resident.client.get(
        "/api/v1/activities", params={"action": "caring-kitchen"}
    )
    assert [a["id"] for a in listed.json()["items"]] == [kitchen["id"]]
    later = await world.worker.client.get(
        "/api/v1/activities", params={"from": iso(now + timedelta(hours=12))}
    )
    assert [a["id"] for a in later.json()["items"]] == [tomorrow["id"]]
    by_community = await world.resident.client.get("/api/v1/activities", params={"community": "c2"})
    assert by_community.json()["items"] == []


async def test_an_activity_is_changed_before_it_starts_and_more_seats_seat_the_waitlist(world):
    now = datetime.now(UTC)
    activity = await publish(
        world,
        capacity=1,
        starts_at=iso(now + timedelta(days=1)),
        ends_at=iso(now + timedelta(days=1, hours=2)),
    )
    await enrol(world.resident, activity["id"])
    second = await world.new_resident("o-second")
    assert (await enrol(second, activity["id"]))["status"] == "waitlisted"
    response = await world.worker.client.patch(
        f"/api/v1/activities/{activity['id']}", json={"capacity": 2, "title": "河道清洁（扩招）"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "河道清洁（扩招）"
    assert (response.json()["enrolled"], response.json()["waitlisted"]) == (2, 0)


async def test_a_started_activity_cannot_be_changed(world):
    activity = await publish(world)
    response = await world.worker.client.patch(
        f"/api/v1/activities/{activity['id']}", json={"capacity": 50}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "activity_started"


async def test_capacity_cannot_go_below_the_enrolled(world):
    now = datetime.now(UTC)
    activity = await publish(
        world, starts_at=iso(now + timedelta(days=1)), ends_at=iso(now + timedelta(days=1, hours=1))
    )
    await enrol(world.resident, activity["id"])
    await enrol(await world.new_resident("o-two"), activity["id"])
    response = await world.worker.client.patch(
        f"/api/v1/activities/{activity['id']}", json={"capacity": 1}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "capacity_below_enrolled"


async def test_cancelling_notifies_everyone_enrolled_through_the_outbox(world):
    now = datetime.now(UTC)
    activity = await publish(
        world,
        capacity=1,
        starts_at=iso(now + timedelta(days=1)),
        ends_at=iso(now + timedelta(days=1, hours=1)),
    )
    await enrol(world.resident, activity["id"])
    waiting = await world.new_resident("o-waiting")
    await enrol(waiting, activity["id"])
    response = await world.worker.client.post(
        f"/api/v1/activities/{activity['id']}/cancel", json={"reason": "台风预警"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    notices = await Notification.filter(topic="activity_cancelled").order_by("id")
    assert {n.recipient_id for n in notices} == {world.resident.id, waiting.id}
    assert notices[0].payload["reason"] == "台风预警"


async def test_a_resident_cannot_publish_activities(world):
    response = await world.resident.client.post("/api/v1/activities", json=activity_body())
    assert response.status_code == 403


async def test_moving_an_activity_into_the_past_is_refused(world):
    now = datetime.now(UTC)
    activity = await publish(
        world, starts_at=iso(now + timedelta(days=1)), ends_at=iso(now + timedelta(days=1, hours=1))
    )
    response = await world.worker.client.patch(
        f"/api/v1/activities/{activity['id']}", json={"starts_at": iso(now - timedelta(hours=1))}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_times"
