"""On-site check-in and out with the rotating code, inside the geofence and the time window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from activities.checkin import issue_checkin_token, served_hours
from tests.activities.conftest import (
    FAR,
    SITE,
    arrived_earlier,
    check_in,
    check_out,
    checkin_token,
    enrol,
    iso,
    publish,
)


async def test_the_checkin_code_rotates_and_expires_within_about_a_minute(world):
    activity = await publish(world)
    response = await world.worker.client.get(f"/api/v1/activities/{activity['id']}/checkin-code")
    assert response.status_code == 200
    expires_at = datetime.fromisoformat(response.json()["expires_at"])
    assert timedelta(seconds=30) < expires_at - datetime.now(UTC) <= timedelta(seconds=61)


async def test_the_worker_screen_shows_the_code_as_a_qr_png(world):
    activity = await publish(world)
    response = await world.worker.client.get(
        f"/api/v1/activities/{activity['id']}/checkin-code.png"
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


async def test_residents_cannot_get_the_checkin_code(world):
    activity = await publish(world)
    response = await world.resident.client.get(f"/api/v1/activities/{activity['id']}/checkin-code")
    assert response.status_code == 403


async def test_an_enrolled_resident_checks_in_on_site(world):
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    response = await check_in(world, world.resident, activity["id"])
    assert response.status_code == 201, response.text
    attendance = response.json()
    assert (attendance["status"], attendance["source"], attendance["hours"]) == (
        "open",
        "live",
        None,
    )


async def test_checkin_outside_geofence_is_refused(world):
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    response = await check_in(world, world.resident, activity["id"], **FAR)
    assert response.status_code == 422
    assert response.json()["code"] == "outside_geofence"


async def test_checkin_without_enrolment_is_refused(world):
    activity = await publish(world)
    response = await check_in(world, world.resident, activity["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "not_enrolled"


async def test_checkin_from_the_waitlist_is_refused(world):
    activity = await publish(world, capacity=1)
    await enrol(await world.new_resident("o-first"), activity["id"])
    await enrol(world.resident, activity["id"])
    response = await check_in(world, world.resident, activity["id"])
    assert response.json()["code"] == "not_enrolled"


async def test_checkin_long_before_the_activity_starts_is_refused(world):
    now = datetime.now(UTC)
    activity = await publish(
        world, starts_at=iso(now + timedelta(hours=3)), ends_at=iso(now + timedelta(hours=5))
    )
    await enrol(world.resident, activity["id"])
    response = await check_in(world, world.resident, activity["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "outside_time_window"


async def test_checkin_shortly_before_the_start_is_allowed(world):
    now = datetime.now(UTC)
    activity = await publish(
        world, starts_at=iso(now + timedelta(minutes=20)), ends_at=iso(now + timedelta(hours=2))
    )
    await enrol(world.resident, activity["id"])
    assert (await check_in(world, world.resident, activity["id"])).status_code == 201


async def test_an_expired_code_is_refused(world):
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    stale, _ = issue_checkin_token(activity["id"], now=datetime.now(UTC) - timedelta(minutes=2))
    response = await world.resident.client.post(
        f"/api/v1/activities/{activity['id']}/check-in", json={"token": stale, **SITE}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "checkin_token_expired"


async def test_the_qr_holds_a_short_link_that_checks_in_as_a_whole(world, settings):
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    shown = (
        await world.worker.client.get(f"/api/v1/activities/{activity['id']}/checkin-code")
    ).json()
    assert len(shown["token"]) <= 50
    assert shown["link"] == f"{settings.public_base_url}/c/{shown['token']}"
    response = await world.resident.client.post(
        f"/api/v1/activities/{activity['id']}/check-in", json={"token": shown["link"], **SITE}
    )
    assert response.status_code == 201, response.text


async def test_a_code_with_a_forged_signature_is_refused(world):
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    token, _ = issue_checkin_token(activity["id"])
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = await world.resident.client.post(
        f"/api/v1/activities/{activity['id']}/check-in", json={"token": forged, **SITE}
    )
    assert response.json()["code"] == "checkin_token_invalid"


async def test_a_code_of_another_activity_is_refused(world):
    activity = await publish(world)
    other = await publish(world, title="另一场")
    await enrol(world.resident, activity["id"])
    token = await checkin_token(world, other["id"])
    response = await world.resident.client.post(
        f"/api/v1/activities/{activity['id']}/check-in", json={"token": token, **SITE}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "checkin_token_invalid"


async def test_a_forged_code_is_refused(world):
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    response = await world.resident.client.post(
        f"/api/v1/activities/{activity['id']}/check-in", json={"token": "not-a-code", **SITE}
    )
    assert response.json()["code"] == "checkin_token_invalid"


async def test_checking_in_twice_is_refused(world):
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    await check_in(world, world.resident, activity["id"])
    again = await check_in(world, world.resident, activity["id"])
    assert again.status_code == 409
    assert again.json()["code"] == "already_checked_in"


async def test_checkin_overlapping_another_attendance_is_refused(world):
    first = await publish(world)
    second = await publish(world, title="同时段另一场")
    await enrol(world.resident, first["id"])
    await enrol(world.resident, second["id"])
    assert (await check_in(world, world.resident, first["id"])).status_code == 201
    response = await check_in(world, world.resident, second["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "overlapping_attendance"


async def test_check_out_without_check_in_is_refused(world):
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    response = await check_out(world, world.resident, activity["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "not_checked_in"


async def test_check_out_outside_the_geofence_is_refused(world):
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    await check_in(world, world.resident, activity["id"])
    response = await check_out(world, world.resident, activity["id"], **FAR)
    assert response.json()["code"] == "outside_geofence"


async def test_hours_before_the_activity_started_do_not_count(world):
    activity = await publish(world)  # started ten minutes ago
    await enrol(world.resident, activity["id"])
    checked_in = await check_in(world, world.resident, activity["id"])
    await arrived_earlier(checked_in.json()["id"], by=timedelta(hours=3))
    response = await check_out(world, world.resident, activity["id"])
    assert response.status_code == 200
    assert response.json()["hours"] == 0.2  # ten minutes of the activity, not three hours


def test_hours_are_clipped_to_the_activity_and_rounded_to_a_tenth():
    start = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    end = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    travel_before = start - timedelta(minutes=40)
    assert served_hours(travel_before, end + timedelta(hours=1), start, end) == 3
    assert served_hours(start, start + timedelta(minutes=32), start, end) == 0.5
    assert str(served_hours(start, start + timedelta(minutes=27), start, end)) == "0.5"
    assert served_hours(end + timedelta(minutes=5), end + timedelta(hours=1), start, end) == 0


async def test_many_residents_on_one_device_are_flagged_for_review(world):
    activity = await publish(world)
    ids = []
    for n in range(3):
        resident = await world.new_resident(f"o-group-{n}")
        await enrol(resident, activity["id"])
        token = await checkin_token(world, activity["id"])
        response = await resident.client.post(
            f"/api/v1/activities/{activity['id']}/check-in",
            json={"token": token, "lat": 29.87531 + n * 0.0001, "lng": 121.5440, "device": "d-1"},
        )
        ids.append(response.json()["id"])
    listed = await world.worker.client.get(f"/api/v1/activities/{activity['id']}/attendances")
    flags = {a["id"]: a["flags"] for a in listed.json()["items"]}
    assert all("shared_device_or_position" in flags[i] for i in ids)


async def test_residents_on_one_spot_with_their_own_phones_are_flagged_for_review(world):
    activity = await publish(world)
    ids = []
    for n in range(3):
        resident = await world.new_resident(f"o-spot-{n}")
        await enrol(resident, activity["id"])
        token = await checkin_token(world, activity["id"])
        response = await resident.client.post(
            f"/api/v1/activities/{activity['id']}/check-in",
            # The same spot to five decimals (about a metre), each on their own phone.
            json={
                "token": token,
                "lat": 29.875311 + n * 0.000001,
                "lng": 121.544,
                "device": f"p{n}",
            },
        )
        ids.append(response.json()["id"])
    listed = await world.worker.client.get(f"/api/v1/activities/{activity['id']}/attendances")
    flags = {a["id"]: a["flags"] for a in listed.json()["items"]}
    assert all("shared_device_or_position" in flags[i] for i in ids)


async def test_residents_at_distinct_spots_are_not_flagged(world):
    activity = await publish(world)
    for n in range(3):
        resident = await world.new_resident(f"o-apart-{n}")
        await enrol(resident, activity["id"])
        token = await checkin_token(world, activity["id"])
        await resident.client.post(
            f"/api/v1/activities/{activity['id']}/check-in",
            json={"token": token, "lat": 29.8753 + n * 0.0002, "lng": 121.5440},
        )
    listed = await world.worker.client.get(f"/api/v1/activities/{activity['id']}/attendances")
    assert all(a["flags"] == [] for a in listed.json()["items"])


async def test_check_out_long_after_the_activity_ended_is_refused(world):
    from activities.models import Activity

    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    await check_in(world, world.resident, activity["id"])
    ended = datetime.now(UTC) - timedelta(hours=1)
    await Activity.filter(id=activity["id"]).update(
        starts_at=ended - timedelta(hours=2), ends_at=ended
    )
    response = await check_out(world, world.resident, activity["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "outside_time_window"


async def test_checkin_to_a_cancelled_activity_is_refused(world):
    now = datetime.now(UTC)
    activity = await publish(
        world, starts_at=iso(now + timedelta(minutes=20)), ends_at=iso(now + timedelta(hours=2))
    )
    await enrol(world.resident, activity["id"])
    await world.worker.client.post(
        f"/api/v1/activities/{activity['id']}/cancel", json={"reason": "暴雨"}
    )
    response = await check_in(world, world.resident, activity["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "activity_not_open"


async def test_a_resident_without_a_community_is_told_to_choose_one_first(world):
    from accounts.models import Resident
    from tests.activities.conftest import NEARBY, checkin_token, publish

    activity = await publish(world)
    newcomer = await Resident.create(openid="o-newcomer", nickname="新居民")
    actor = await world.actor("resident", newcomer.id, "resident")
    response = await actor.client.post(
        f"/api/v1/activities/{activity['id']}/check-in",
        json={"token": await checkin_token(world, activity["id"]), **NEARBY},
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == "签到前请先选择您所在的社区。"
    await actor.client.aclose()
