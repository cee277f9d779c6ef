"""The city's local time, decided once: its zone (`settings.local_timezone`), a moment's local
day and month, a local day's bounds in UTC, and a stored moment's local day and month in SQL."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from kernel.db import dialect
from kernel.i18n import N_, translate
from kernel.settings import get_settings


def zone() -> ZoneInfo:
    return _zone(get_settings().local_timezone)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def now() -> datetime:
    return datetime.now(zone())


def today() -> date:
    return now().date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def local_month(moment: datetime) -> str:
    """`YYYY-MM`."""
    return moment.astimezone(zone()).strftime("%Y-%m")


def at(day: date, clock: time = time()) -> datetime:
    """The moment a local day shows `clock` (aware, in the local zone)."""
    return datetime.combine(day, clock, zone())


def start_of(day: date) -> datetime:
    """The UTC moment a local day begins."""
    return at(day).astimezone(UTC)


def day_bounds(start: date, to: date | None = None) -> tuple[datetime, datetime]:
    """The local days `start`..`to` (inclusive; `start` alone by default) as UTC moments: the
    first's beginning and the end (exclusive) of the last."""
    return start_of(start), start_of((to or start) + timedelta(days=1))


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The UTC beginning and end (exclusive) of a local month `YYYY-MM`."""
    year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return start_of(first), start_of(following)


def quarter_of(moment: datetime) -> str:
    """The local quarter a moment falls in, `YYYYQn`."""
    local = moment.astimezone(zone())
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[datetime, datetime]:
    """The UTC beginning and end (exclusive) of a local quarter `YYYYQn`."""
    year, number = int(quarter[:4]), int(quarter[5])
    first = date(year, 3 * number - 2, 1)
    following = date(year + number // 4, 3 * number % 12 + 1, 1)
    return start_of(first), start_of(following)


def previous_quarter(quarter: str) -> str:
    year, number = int(quarter[:4]), int(quarter[5])
    return f"{year - 1}Q4" if number == 1 else f"{year}Q{number - 1}"


def date_sql(column: str) -> str:
    """A stored UTC moment's local day (a date), as SQL."""
    if dialect() == "postgres":
        return f"CAST({column} AT TIME ZONE '{zone().key}' AS DATE)"
    return f"date({column}, '{_sqlite_offset()}')"


def month_sql(column: str) -> str:
    """A stored UTC moment's local month (`YYYY-MM` text), as SQL."""
    if dialect() == "postgres":
        return f"to_char({column} AT TIME ZONE '{zone().key}', 'YYYY-MM')"
    return f"strftime('%Y-%m', {column}, '{_sqlite_offset()}')"


def _sqlite_offset() -> str:
    """SQLite knows no zones: the zone's offset from UTC now, as a modifier. That is the
    offset of every moment only for a zone without daylight saving time, as the city's
    (Asia/Shanghai) is; a zone with it would need its rules in the statement."""
    offset = now().utcoffset() or timedelta(0)
    return f"{int(offset.total_seconds()) // 60:+d} minutes"


# --- periods, as people read them -----------------------------------------------------------
# A month `2026-07` (honour rolls) or `2026M07`, a quarter `2026Q3`, a half-year `2026H2`, a
# year `2026Y` (red and black lists): codes for machines, names for people.
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|M(\d{2})|Q([1-4])|H([12])|Y)$")
_MONTH = N_("{month}/{year}")
_QUARTERS = (N_("Q1 {year}"), N_("Q2 {year}"), N_("Q3 {year}"), N_("Q4 {year}"))
_HALVES = (N_("first half of {year}"), N_("second half of {year}"))
_YEAR = N_("year {year}")


def period_name(code: str) -> str:
    """A period by its name in the reader's language (`2026Q3` → 2026年第三季度, `2026-07` →
    2026年7月); anything else as it is."""
    found = _PERIOD.match(code)
    if found is None:
        return code
    year, month, month_code, quarter, half = found.groups()
    if month or month_code:
        return translate(_MONTH, year=year, month=int(month or month_code))
    if quarter:
        return translate(_QUARTERS[int(quarter) - 1], year=year)
    if half:
        return translate(_HALVES[int(half) - 1], year=year)
    return translate(_YEAR, year=year)


class PeriodName:
    """A period as a message's field: named when the message is written, in its language."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __format__(self, spec: str) -> str:
        return period_name(self.code)

    def __str__(self) -> str:
        return period_name(self.code)
