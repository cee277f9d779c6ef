"""The daily hours cap: a resident's hours in one local day, and the district's limits on
them — `max_hours_per_day` count at once, up to `review_hours_per_day` only with a district
administrator's review, beyond that never."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from accounts.models import DistrictRulesVersion
from accounts.schemas import DistrictRules
from accounts.service import rules_at, rules_version_sql
from activities.errors import DailyHoursExceeded, DistrictReviewRequired
from activities.models import Attendance
from activities.service import local_date
from kernel.auth import Principal
from kernel.db import dialect
from kernel.i18n import N_
from kernel.settings import get_settings
from kernel.sql import db_time, query_rows

# The day's hours in one statement: its service records and, when waiting hours count, its
# attendances waiting for verification (the request runs it on every check-out).
_RECORDED_HOURS = (
    "SELECT hours FROM service_record WHERE resident_id = :resident AND served_on = :day"
)
_WAITING_HOURS = (
    " UNION ALL SELECT hours FROM attendance WHERE resident_id = :resident"
    " AND status = 'pending' AND checked_in_at >= :start AND checked_in_at < :end"
)


async def hours_on(
    resident_id: str, day: date, *, waiting: bool = False, besides: str | None = None
) -> Decimal:
    """The resident's hours on the local `day`: those of their service records served that day
    (a reversal takes its record's back) and, when `waiting`, those of their attendances
    checked in that day and still waiting for verification (other than `besides`)."""
    params: dict[str, Any] = {
        "resident": resident_id,
        "day": day if dialect() == "postgres" else day.isoformat(),
    }
    template = _RECORDED_HOURS
    if waiting:
        start = datetime.combine(day, time(), ZoneInfo(get_settings().local_timezone))
        params["start"] = db_time(start.astimezone(UTC))
        params["end"] = db_time((start + timedelta(days=1)).astimezone(UTC))
        template += _WAITING_HOURS
        if besides is not None:
            template += " AND id <> :besides"
            params["besides"] = besides
    rows = await query_rows(template, params)
    return sum((Decimal(str(row["hours"])) for row in rows if row["hours"] is not None), Decimal(0))


# The long-day flag of every check-out in one statement: the district's rules in force when
# the attendance began (`accounts.service.rules_version_sql`) beside the day's hours. The
# rules come first so that PostgreSQL types each column from a real one.
_RULES_AND_HOURS = f"""
SELECT * FROM (
    SELECT CAST(NULL AS NUMERIC) AS hours, ({rules_version_sql(":district", ":at")}) AS rules
) AS version
UNION ALL SELECT hours, NULL FROM service_record WHERE resident_id = :resident AND served_on = :day
UNION ALL SELECT hours, NULL FROM attendance WHERE resident_id = :resident
    AND status = 'pending' AND checked_in_at >= :start AND checked_in_at < :end AND id <> :besides
"""
_RULES = DistrictRulesVersion._meta.fields_map["rules"]


async def exceeds_daily_hours(attendance: Attendance) -> bool:
    """Whether the attendance takes its day above the hours counted at once (a flag for the
    worker who verifies it, not a refusal)."""
    day = local_date(attendance.checked_in_at)
    start = datetime.combine(day, time(), ZoneInfo(get_settings().local_timezone))
    rows = await query_rows(
        _RULES_AND_HOURS,
        {
            "district": attendance.district_id,
            "at": db_time(attendance.checked_in_at),
            "resident": attendance.resident_id,
            "day": day if dialect() == "postgres" else day.isoformat(),
            "start": db_time(start.astimezone(UTC)),
            "end": db_time((start + timedelta(days=1)).astimezone(UTC)),
            "besides": attendance.id,
        },
    )
    rules = DistrictRules()
    total = Decimal(0)
    for row in rows:
        if row["rules"] is not None:
            rules = DistrictRules.model_validate(_RULES.to_python_value(row["rules"]))
        elif row["hours"] is not None:
            total += Decimal(str(row["hours"]))
    return total + (attendance.hours or Decimal(0)) > rules.max_hours_per_day


async def ensure_daily_cap(
    *, district_id: str, resident_id: str, served_at: datetime, hours: Decimal, by: Principal
) -> None:
    """Refuses a record that takes its day above the district's limits: above
    `review_hours_per_day` always, above `max_hours_per_day` when a worker verifies it."""
    rules = await rules_at(district_id, served_at)
    day = local_date(served_at)
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
