"""The daily hours cap: a resident's hours in one local day, and the district's limits on
them — `max_hours_per_day` count at once, up to `review_hours_per_day` only with a district
administrator's review, beyond that never."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from accounts.models import DistrictRulesVersion
from accounts.schemas import DistrictRules
from accounts.service import DISTRICT_RULES, rules_at
from activities.errors import DailyHoursExceeded, DistrictReviewRequired
from activities.models import Attendance
from kernel import localtime
from kernel.auth import Principal
from kernel.db import dialect
from kernel.i18n import N_
from kernel.sql import db_time, query_rows


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
_RULES_AND_HOURS = (
    "SELECT * FROM (SELECT CAST(NULL AS NUMERIC) AS hours, "
    f"({DISTRICT_RULES.in_force_sql(':district', ':at')}) AS rules) AS version "
    f"UNION ALL {_day_hours('hours, NULL', waiting=True)}"
)
_RULES = DistrictRulesVersion._meta.fields_map["rules"]


def _date(day: date) -> Any:
    return day if dialect() == "postgres" else day.isoformat()


def _hours(rows: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(str(row["hours"])) for row in rows if row["hours"] is not None), Decimal(0))


async def hours_on(resident_id: str, day: date) -> Decimal:
    """The resident's recorded hours on the local `day` (`_day_hours`)."""
    return _hours(
        await query_rows(_day_hours(waiting=False), {"resident": resident_id, "day": _date(day)})
    )


async def exceeds_daily_hours(attendance: Attendance) -> bool:
    """Whether the attendance takes its day above the hours counted at once (a flag for the
    worker who verifies it, not a refusal): the day's recorded hours, those of its other
    attendances waiting for verification, and the rules, in one statement (`_day_hours`)."""
    day = localtime.local_date(attendance.checked_in_at)
    start, end = localtime.day_bounds(day)
    rows = await query_rows(
        _RULES_AND_HOURS,
        {
            "district": attendance.district_id,
            "at": db_time(attendance.checked_in_at),
            "resident": attendance.resident_id,
            "day": _date(day),
            "start": db_time(start),
            "end": db_time(end),
            "besides": attendance.id,
        },
    )
    rules = DistrictRules()
    for row in rows:
        if row["rules"] is not None:
            rules = DistrictRules.model_validate(_RULES.to_python_value(row["rules"]))
    hours = _hours([row for row in rows if row["rules"] is None])
    return hours + (attendance.hours or Decimal(0)) > rules.max_hours_per_day


async def ensure_daily_cap(
    *, district_id: str, resident_id: str, served_at: datetime, hours: Decimal, by: Principal
) -> None:
    """Refuses a record that takes its day above the district's limits: above
    `review_hours_per_day` always, above `max_hours_per_day` when a worker verifies it."""
    rules = await rules_at(district_id, served_at)
    day = localtime.local_date(served_at)
    total = await hours_on(resident_id, day) + hours
    if total > rules.review_hours_per_day:
        raise DailyHoursExceeded(
            N_(
                "That makes {total} h on {day}; the district counts at most "
                "{review_hours_per_day} h a day."
            ),
            total=total,
            day=day,
            review_hours_per_day=rules.review_hours_per_day,
        )
    if total > rules.max_hours_per_day and by.role == "worker":
        raise DistrictReviewRequired(
            N_(
                "That makes {total} h on {day}, above {max_hours_per_day} h: "
                "a district administrator must approve it."
            ),
            total=total,
            day=day,
            max_hours_per_day=rules.max_hours_per_day,
        )
