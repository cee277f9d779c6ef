"""The daily hours cap: a resident's hours in one local day, and the district's limits on
them — `max_hours_per_day` count at once, up to `review_hours_per_day` only with a district
administrator's review, beyond that never."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from accounts.models import DistrictRulesVersion
from accounts.schemas import DistrictRules
from accounts.service import rules_at
from activities.errors import DailyHoursExceeded, DistrictReviewRequired
from activities.models import Attendance
from activities.queries import RECORDED_DAY_HOURS, RULES_AND_DAY_HOURS
from kernel import localtime
from kernel.auth import Principal
from kernel.i18n import N_
from kernel.sql import db_date, db_time, query_rows

_RULES = DistrictRulesVersion._meta.fields_map["rules"]


def _hours(rows: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(str(row["hours"])) for row in rows if row["hours"] is not None), Decimal(0))


async def hours_on(resident_id: str, day: date) -> Decimal:
    """The resident's recorded hours on the local `day` (`activities.queries`)."""
    return _hours(
        await query_rows(RECORDED_DAY_HOURS, {"resident": resident_id, "day": db_date(day)})
    )


async def exceeds_daily_hours(attendance: Attendance) -> bool:
    """Whether the attendance takes its day above the hours counted at once (a flag for the
    worker who verifies it, not a refusal): the day's recorded hours, those of its other
    attendances waiting for verification, and the rules, in one statement (`activities.queries`)."""
    day = localtime.local_date(attendance.checked_in_at)
    start, end = localtime.day_bounds(day)
    rows = await query_rows(
        RULES_AND_DAY_HOURS,
        {
            "district": attendance.district_id,
            "at": db_time(attendance.checked_in_at),
            "resident": attendance.resident_id,
            "day": db_date(day),
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
