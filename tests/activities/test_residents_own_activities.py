"""A resident sees where they stand: their activities, their place on a waitlist, walk-ins
at street activities, and check-in from raw GPS as well as from WeChat's coordinates."""

from __future__ import annotations

from kernel.geo import gcj02_to_wgs84, wgs84_to_gcj02
from tests.activities.conftest import SITE, check_in, checkin_token, enrol, publish


async def test_an_activity_tells_the_resident_their_status_and_waitlist_place(world):
    activity = await publish(world, capacity=1)
    second = await world.new_resident("o-second")
    third = await world.new_resident("o-third")
    await enrol(world.resident, activity["id"])
    await enrol(second, activity["id"])
    await enrol(third, activity["id"])
    mine = (await world.resident.client.get(f"/api/v1/activities/{activity['id']}")).json()
    theirs = (await third.client.get(f"/api/v1/activities/{activity['id']}")).json()
    stranger = await world.new_resident("o-stranger")
    none = (await stranger.client.get(f"/api/v1/activities/{activity['id']}")).json()
    assert (mine["my_status"], mine["waitlist_position"]) == ("enrolled", None)
    assert (theirs["my_status"], theirs["waitlist_position"]) == ("waitlisted", 2)
    assert none["my_status"] is None


async def test_my_activities_lists_enrolments_with_status_and_the_activity(world):
    first = await publish(world, title="河道清洁")
    full = await publish(world, title="敬老助餐", capacity=1)
    other = await world.new_resident("o-other-seat")
    await enrol(other, full["id"])
    await enrol(world.resident, first["id"])
    await enrol(world.resident, full["id"])
    response = await world.resident.client.get("/api/v1/me/enrollments")
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [
        (i["status"], i["activity"]["title"], i["activity"]["waitlist_position"]) for i in items
    ] == [
        ("waitlisted", "敬老助餐", 1),
        ("enrolled", "河道清洁", None),
    ]
    waitlisted = await world.resident.client.get("/api/v1/me/enrollments?status=waitlisted")
    assert [i["activity"]["title"] for i in waitlisted.json()["items"]] == ["敬老助餐"]


async def test_a_checked_in_resident_sees_checked_in(world):
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    assert (await check_in(world, world.resident, activity["id"])).status_code == 201
    shown = (await world.resident.client.get(f"/api/v1/activities/{activity['id']}")).json()
    assert shown["my_status"] == "checked_in"


async def test_a_walk_in_with_a_free_seat_is_enrolled_and_checked_in_at_once(world):
    activity = await publish(world, walk_ins=True, capacity=2)
    assert activity["walk_ins"] is True
    response = await check_in(world, world.resident, activity["id"])
    assert response.status_code == 201, response.text
    shown = (await world.resident.client.get(f"/api/v1/activities/{activity['id']}")).json()
    assert (shown["my_status"], shown["enrolled"]) == ("checked_in", 1)


async def test_a_walk_in_at_a_full_activity_is_refused(world):
    activity = await publish(world, walk_ins=True, capacity=1)
    seated = await world.new_resident("o-seated")
    await enrol(seated, activity["id"])
    response = await check_in(world, world.resident, activity["id"])
    assert (response.status_code, response.json()["code"]) == (409, "no_free_seat")


async def test_an_activity_without_walk_ins_still_refuses_the_unenrolled(world):
    activity = await publish(world)
    response = await check_in(world, world.resident, activity["id"])
    assert response.json()["code"] == "not_enrolled"


def test_wgs84_converts_to_gcj02_as_published_for_a_known_point():
    # Beijing, WGS-84 (39.915, 116.404): the widely published GCJ-02 counterpart.
    lat, lng = wgs84_to_gcj02(39.915, 116.404)
    assert (round(lat, 8), round(lng, 8)) == (39.91640428, 116.4102445)
    back = gcj02_to_wgs84(lat, lng)
    assert (round(back[0], 7), round(back[1], 7)) == (39.915, 116.404)


async def test_checkin_with_raw_gps_is_compared_in_the_same_system_as_the_activity(world):
    activity = await publish(world, walk_ins=True)  # placed at SITE, in GCJ-02
    gps = gcj02_to_wgs84(SITE["lat"], SITE["lng"])  # the same spot as raw GPS reads it
    token = await checkin_token(world, activity["id"])
    as_if_gcj02 = await world.resident.client.post(
        f"/api/v1/activities/{activity['id']}/check-in",
        json={"token": token, "lat": gps[0], "lng": gps[1]},
    )
    assert as_if_gcj02.json()["code"] == "outside_geofence"  # ~500 m off when mislabelled
    declared = await world.resident.client.post(
        f"/api/v1/activities/{activity['id']}/check-in",
        json={"token": token, "lat": gps[0], "lng": gps[1], "coord": "wgs84"},
    )
    assert declared.status_code == 201, declared.text
