"""The daily hours cap: a resident's hours in one local day, and the district's limits on
them — `max_hours_per_day` count at once, up to `review_hours_per_day` only with a district
administrator's review, beyond that never."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from activities.errors import DailyHoursExceeded, DistrictReviewRequired
from activities.models import Attendance, ServiceRecord
from activities.service import local_date
from app.accounts.service import rules_at
from app.core.auth import Principal
from app.core.i18n import N_
from app.core.settings import get_settings


async def hours_on(
    resident_id: str, day: date, *, waiting: bool = False, besides: str | None = None
) -> Decimal:
    """The resident's hours on the local `day`: those of their service records served that day
    (a reversal takes its record's back) and, when `waiting`, those of their attendances
    checked in that day and still waiting for verification (other than `besides`)."""
    recorded = await ServiceRecord.filter(resident_id=resident_id, served_on=day).values_list(
        "hours", flat=True
    )
    total = sum((Decimal(str(hours)) for hours in recorded), Decimal(0))
    if waiting:
        start = datetime.combine(day, time(), ZoneInfo(get_settings().local_timezone))
        pending = Attendance.filter(
            resident_id=resident_id,
            status="pending",
            checked_in_at__gte=start.astimezone(UTC),
            checked_in_at__lt=(start + timedelta(days=1)).astimezone(UTC),
        )
        if besides is not None:
            pending = pending.exclude(id=besides)
        total += sum((a.hours or Decimal(0) for a in await pending), Decimal(0))
    return total


async def exceeds_daily_hours(attendance: Attendance) -> bool:
    """Whether the attendance takes its day above the hours counted at once (a flag for the
    worker who verifies it, not a refusal)."""
    rules = await rules_at(attendance.district_id, attendance.checked_in_at)
    day = local_date(attendance.checked_in_at)
    total = await hours_on(attendance.resident_id, day, waiting=True, besides=attendance.id)
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
