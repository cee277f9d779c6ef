"""The activities' raw statements, written once for both databases (`kernel.sql`): check-in and
check-out, enrolment, the hours in a day. A scope's condition fills the `{readable}` slot
(`activities.scope`); the activities' listing is `activities/listing.py`."""

from __future__ import annotations

from typing import Any

from accounts.service import DISTRICT_RULES
from kernel.db import dialect
from kernel.sql import execute, query_rows

# Check-in and check-out are the busiest writes of a city-wide event: each reads what it
# needs in as few statements as it can (the round trips to the database cost more than the
# Python around them) and answers from what it wrote. See docs/activities.md.

# The activity as the resident may read it (`{readable}`: `scope.readable_activities`),
# whether they hold a seat and the resident's participation lock (`:lock`, taken before any
# later statement reads; SQLite serialises writing transactions already).
ACTIVITY_FOR_CHECK_IN = """
SELECT a.*, EXISTS (
    SELECT 1 FROM enrollment e
    WHERE e.activity_id = a.id AND e.resident_id = :resident AND e.status = 'enrolled'
) AS is_enrolled, {advisory_lock} AS locked
FROM activity a WHERE a.id = :activity AND {readable}
"""
# After the lock: the resident's attendance at this activity or those that may overlap it
# (`mine`), and the live check-ins at this activity near the spot or from the device
# (`spot`: a box on indexed columns; the exact test is `attendance._shares_spot`).
ATTENDANCES_FOR_CHECK_IN = """
SELECT 'mine' AS kind, t.id, t.activity_id, t.status, t.checked_in_at, t.checked_out_at,
    a.ends_at, t.check_in_lat, t.check_in_lng, t.device, t.flags
FROM attendance t JOIN activity a ON a.id = t.activity_id
WHERE t.resident_id = :resident AND (
    t.activity_id = :activity
    OR (t.status IN ('open', 'pending', 'verified') AND t.checked_in_at < :end)
)
UNION ALL
SELECT 'spot' AS kind, t.id, t.activity_id, t.status, t.checked_in_at, t.checked_out_at,
    NULL, t.check_in_lat, t.check_in_lng, t.device, t.flags
FROM attendance t
WHERE t.activity_id = :activity AND t.source = 'live' AND (
    (t.check_in_lat BETWEEN :lat_low AND :lat_high
        AND t.check_in_lng BETWEEN :lng_low AND :lng_high)
    OR t.device = :device
)
"""
INSERT_ATTENDANCE = """
INSERT INTO attendance (id, district_id, community_id, activity_id, resident_id, source, status,
    checked_in_at, check_in_lat, check_in_lng, device, note, flags, recorded_by, created_at)
VALUES (:id, :district, :community, :activity, :resident, 'live', 'open', :now, :lat, :lng,
    :device, '', :flags{json_cast}, :recorded_by, :now)
"""
# The activity (as the resident may read it) and the resident's open attendance at it.
ACTIVITY_FOR_CHECK_OUT = """
SELECT a.*, t.id AS attendance_id, t.checked_in_at AS attendance_checked_in_at,
    t.flags AS attendance_flags
FROM activity a LEFT JOIN attendance t
    ON t.activity_id = a.id AND t.resident_id = :resident AND t.status = 'open'
WHERE a.id = :activity AND {readable}
"""
CHECK_OUT = """
UPDATE attendance SET checked_out_at = :now, check_out_lat = :lat, check_out_lng = :lng,
    hours = :hours, status = 'pending', flags = :flags{json_cast}
WHERE id = :id AND status = 'open'
RETURNING *
"""

# The activity as the resident may read it (`{readable}`: `scope.readable_activities`) and
# their enrolment at it.
ACTIVITY_FOR_ENROLMENT = """
SELECT a.id, a.district_id, a.status, a.ends_at, e.id AS enrollment_id,
    e.status AS enrollment_status, e.created_at AS enrollment_created_at
FROM activity a LEFT JOIN enrollment e ON e.activity_id = a.id AND e.resident_id = :resident
WHERE a.id = :activity AND {readable}
"""
# The seat is taken by a conditional update of the counter: capacity holds however many
# enrol at once.
TAKE_SEAT = """
UPDATE activity SET enrolled_count = enrolled_count + 1, enrolled_now = enrolled_now + 1
WHERE id = :activity AND status = 'published' AND enrolled_count < capacity
"""
# No seat: the enrolment joins the waitlist, and the activity counts it.
JOIN_WAITLIST = "UPDATE activity SET waitlisted_now = waitlisted_now + 1 WHERE id = :activity"
_INSERT_ENROLLMENT = """
INSERT INTO enrollment (id, district_id, activity_id, resident_id, status, queued_at, created_at,
    updated_at)
VALUES (:id, :district, :activity, :resident, :status, :now, :now, :now)
"""
# PostgreSQL: the seat (or the waitlist's count) and the enrolment in one statement (a
# data-modifying WITH runs whether or not a seat is free; a unique violation undoes all).
_SEAT_AND_ENROL = """
WITH seat AS (
    UPDATE activity SET enrolled_count = enrolled_count + 1, enrolled_now = enrolled_now + 1
    WHERE id = :activity AND status = 'published' AND enrolled_count < capacity
    RETURNING id
), queued AS (
    UPDATE activity SET waitlisted_now = waitlisted_now + 1
    WHERE id = :activity AND NOT EXISTS (SELECT 1 FROM seat)
), enrolment AS (
    INSERT INTO enrollment (id, district_id, activity_id, resident_id, status, queued_at,
        created_at, updated_at)
    SELECT :id, :district, :activity, :resident,
        CASE WHEN EXISTS (SELECT 1 FROM seat) THEN 'enrolled' ELSE 'waitlisted' END,
        :now, :now, :now
    RETURNING status
)
SELECT status FROM enrolment
"""


async def seat_and_enrol(values: dict[str, Any]) -> str:
    """A seat when one is free and the enrolment (`:id`, `:district`, `:activity`, `:resident`,
    `:now`); the status it was given. Two forms of one statement, side by side: SQLite has no
    data-modifying WITH, so it takes the seat, then inserts (one round trip more)."""
    if dialect() == "postgres":
        return str((await query_rows(_SEAT_AND_ENROL, values))[0]["status"])
    status = await take_seat_or_queue(values["activity"])
    await execute(_INSERT_ENROLLMENT, {**values, "status": status})
    return status


async def take_seat_or_queue(activity_id: str) -> str:
    """A seat when one is free (`enrolled`), else the waitlist's count (`waitlisted`)."""
    if await execute(TAKE_SEAT, {"activity": activity_id}):
        return "enrolled"
    await execute(JOIN_WAITLIST, {"activity": activity_id})
    return "waitlisted"


def _day_hours(columns: str = "hours", *, waiting: bool) -> str:
    """Hours in a day, written once: a resident's service records served on the local `:day`
    (a reversal takes its record's back) and, when `waiting`, their attendances checked in
    that day (from `:start` to `:end`) still waiting for verification, other than `:besides`;
    one row each. The cap on records counts what is recorded, the long-day flag both."""
    recorded = (
        f"SELECT {columns} FROM service_record WHERE resident_id = :resident AND served_on = :day"
    )
    if not waiting:
        return recorded
    return (
        f"{recorded} UNION ALL SELECT {columns} FROM attendance WHERE resident_id = :resident"
        " AND status = 'pending' AND checked_in_at >= :start AND checked_in_at < :end"
        " AND id <> :besides"
    )


# The long-day flag of every check-out in one statement: the district's rules in force when
# the attendance began beside the day's hours. The rules come first so that PostgreSQL types
# each column from a real one.
RULES_AND_DAY_HOURS = (
    "SELECT * FROM (SELECT CAST(NULL AS NUMERIC) AS hours, "
    f"({DISTRICT_RULES.in_force_sql(':district', ':at')}) AS rules) AS version "
    f"UNION ALL {_day_hours('hours, NULL', waiting=True)}"
)
RECORDED_DAY_HOURS = _day_hours(waiting=False)
