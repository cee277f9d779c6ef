"""The enrolled and waitlisted counts kept on the activity row (`enrolled_now`,
`waitlisted_now`, which the activity list reads) equal the enrolments themselves after any
sequence of enrolments, cancellations, promotions from the waitlist (a cancelled seat, more
seats), concurrent enrolments, walk-ins and the no-shows marked when an activity ends — as the
ledger's running totals equal its entries."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from activities.models import Activity, Enrollment
from tests.activities.conftest import check_in, iso, publish


async def _assert_counts_match_the_enrolments(world, ids: list[str]) -> None:
    listed = {}
    page = await world.worker.client.get("/api/v1/activities", params={"limit": 100})
    assert page.status_code == 200, page.text
    for item in page.json()["items"]:
        listed[item["id"]] = (item["enrolled"], item["waitlisted"])
    for activity_id in ids:
        activity = await Activity.get(id=activity_id)
        enrolled = await Enrollment.filter(activity_id=activity_id, status="enrolled").count()
        waiting = await Enrollment.filter(activity_id=activity_id, status="waitlisted").count()
        assert (activity.enrolled_now, activity.waitlisted_now) == (enrolled, waiting)
        assert listed[activity_id] == (enrolled, waiting)
        assert enrolled <= activity.capacity


async def test_the_kept_counts_equal_the_enrolments_after_a_random_sequence(world):
    now = datetime.now(UTC)
    upcoming = [
        await publish(
            world,
            capacity=capacity,
            starts_at=iso(now + timedelta(days=1)),
            ends_at=iso(now + timedelta(days=1, hours=2)),
        )
        for capacity in (1, 2, 3)
    ]
    ids = [a["id"] for a in upcoming]
    residents = [await world.new_resident(f"o-count-{n}") for n in range(7)]
    chance = random.Random(20261206)
    capacities = {a["id"]: a["capacity"] for a in upcoming}
    for step in range(60):
        who = chance.choice(residents)
        activity_id = chance.choice(ids)
        action = chance.random()
        if action < 0.5:
            answer = await who.client.post(f"/api/v1/activities/{activity_id}/enrollments")
            assert answer.status_code in (201, 409), answer.text
        elif action < 0.85:
            answer = await who.client.delete(f"/api/v1/activities/{activity_id}/enrollments/me")
            assert answer.status_code in (204, 404, 409), answer.text
        else:  # more seats (a waitlist is promoted) or fewer (down to those enrolled)
            wanted = max(1, capacities[activity_id] + chance.choice((-1, 1, 2)))
            answer = await world.worker.client.patch(
                f"/api/v1/activities/{activity_id}", json={"capacity": wanted}
            )
            assert answer.status_code in (200, 409, 422), answer.text
            if answer.status_code == 200:
                capacities[activity_id] = wanted
        if step % 10 == 9:
            await _assert_counts_match_the_enrolments(world, ids)
    await _assert_counts_match_the_enrolments(world, ids)
    # Concurrent sign-ups for the last seats and the waitlist.
    late = [await world.new_resident(f"o-count-late-{n}") for n in range(6)]
    answers = await asyncio.gather(
        *(r.client.post(f"/api/v1/activities/{ids[0]}/enrollments") for r in late)
    )
    assert all(a.status_code == 201 for a in answers), [a.text for a in answers]
    await _assert_counts_match_the_enrolments(world, ids)


async def test_walk_ins_and_no_shows_keep_the_counts(world):
    from kernel.scheduler import run_job

    started = await publish(world, capacity=2, walk_ins=True)
    enrolled, waiting, walk_in = [await world.new_resident(f"o-walk-{n}") for n in range(3)]
    assert (await enrolled.client.post(f"/api/v1/activities/{started['id']}/enrollments")).json()[
        "status"
    ] == "enrolled"
    await _assert_counts_match_the_enrolments(world, [started["id"]])
    answer = await check_in(world, walk_in, started["id"])  # the last seat, on the spot
    assert answer.status_code == 201, answer.text
    assert (await waiting.client.post(f"/api/v1/activities/{started['id']}/enrollments")).json()[
        "status"
    ] == "waitlisted"
    await _assert_counts_match_the_enrolments(world, [started["id"]])
    # The activity ends: the enrolled resident who never came is a no-show.
    await Activity.filter(id=started["id"]).update(
        starts_at=datetime.now(UTC) - timedelta(hours=5),
        ends_at=datetime.now(UTC) - timedelta(hours=4),
    )
    await run_job("close-activities")
    no_show = await Enrollment.get(activity_id=started["id"], resident_id=enrolled.id)
    assert no_show.status == "no_show"
    activity = await Activity.get(id=started["id"])
    assert (
        activity.enrolled_now
        == await Enrollment.filter(activity_id=started["id"], status="enrolled").count()
    )
    assert activity.waitlisted_now == 1


async def test_the_migration_fills_the_counts_of_activities_that_have_enrolments(
    database_url, var_dir
):
    """Migration 0031 on a database whose activities already have enrolments: the columns are
    added to rows that exist, and filled from the enrolments."""
    import os
    import sys

    from tests.live_service import ROOT

    statements = [
        "ALTER TABLE activity DROP COLUMN enrolled_now",
        "ALTER TABLE activity DROP COLUMN waitlisted_now",
        "DELETE FROM tortoise_migrations WHERE name LIKE '0031%'",
        "INSERT INTO activity (id, district_id, community_id, action, title, description, "
        "starts_at, ends_at, capacity, enrolled_count, lat, lng, radius_m, address, status, "
        "created_by, created_at, updated_at, walk_ins) VALUES ('a-before', 'd', 'c', "
        "'volunteering', '旧活动', '', '2026-01-01 01:00:00+00', '2026-01-01 02:00:00+00', 2, 2, "
        "1, 1, 10, '', 'published', 'x', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00', "
        "false)",
    ]
    for n, status in enumerate(("enrolled", "enrolled", "waitlisted", "cancelled")):
        statements.append(
            "INSERT INTO enrollment (id, district_id, activity_id, resident_id, status, "
            f"queued_at, created_at, updated_at) VALUES ('e-before-{n}', 'd', 'a-before', "
            f"'r-{n}', '{status}', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00', "
            "'2026-01-01 00:00:00+00')"
        )
    await _run_sql(database_url, statements)
    env = {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": str(var_dir), "APP_ENV": "test"}
    migrate = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "migrate", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, err = await migrate.communicate()
    assert migrate.returncode == 0, err.decode()[-2000:]
    rows = await _run_sql(
        database_url, ["SELECT enrolled_now, waitlisted_now FROM activity WHERE id = 'a-before'"]
    )
    assert rows == [(2, 1)]


async def _run_sql(url: str, statements: list[str]) -> list[tuple[int, ...]]:
    """The statements on the database itself (no app), the last one's rows."""
    if url.startswith("sqlite://"):
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite://"))
        try:
            found: list[tuple[int, ...]] = []
            for sql in statements:
                found = [tuple(r) for r in connection.execute(sql.replace("false)", "0)"))]
            connection.commit()
            return found
        finally:
            connection.close()
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        records = []
        for sql in statements:
            records = await connection.fetch(sql)
        return [tuple(r) for r in records]
    finally:
        await connection.close()
