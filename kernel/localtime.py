"""The city's local time, decided once: its zone (`settings.local_timezone`), a moment's local
day and month, a local day's bounds in UTC, and a stored moment's local day and month in SQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from kernel.db import dialect
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
