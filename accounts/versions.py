"""Versioned rules, decided once for every table of them (a district's earning rules, its
oversight rules, any later standard): which version is in force at a moment, and when a change
may take effect."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Generic, Protocol, TypeVar

from tortoise.models import Model

from accounts.errors import RetroactiveRulesChange
from kernel.i18n import N_
from kernel.sql import db_time, query_rows

# The version in force at a moment is the one with the latest `effective_from` not after it;
# of those, the latest created, then the highest id. Each form below is built from these.
EFFECTIVE = "effective_from"
NEWEST_FIRST = (EFFECTIVE, "created_at", "id")

# A change dated this little before now counts as now (clocks of clients differ).
CLOCK_SLACK = timedelta(minutes=5)


class Version(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def effective_from(self) -> datetime: ...
    @property
    def created_at(self) -> datetime: ...


V = TypeVar("V", bound=Version)
M = TypeVar("M", bound=Model)


def in_force(versions: Iterable[V], at: datetime) -> V | None:
    """The version in force at `at` among `versions` (all of a district's, read once)."""
    started = [v for v in versions if getattr(v, EFFECTIVE) <= at]
    return max(started, key=lambda v: tuple(getattr(v, key) for key in NEWEST_FIRST), default=None)


class Versions(Generic[M]):
    """A table of versions (`district_id`, `effective_from`, `created_at`, `id`, …)."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.table = model._meta.db_table

    def in_force_sql(self, district: str, at: str, column: str = "rules") -> str:
        """SQL of the `column` of the district's version in force at `at` (both SQL
        expressions), for statements that embed it as a subquery."""
        order = ", ".join(f"v.{key} DESC" for key in NEWEST_FIRST)
        return (
            f"SELECT v.{column} FROM {self.table} v WHERE v.district_id = {district} "
            f"AND v.{EFFECTIVE} <= {at} ORDER BY {order} LIMIT 1"
        )

    async def version_at(self, district_id: str, at: datetime) -> M | None:
        """The district's version in force at `at` (None: none yet, the defaults apply)."""
        rows = await query_rows(
            self.in_force_sql(":district", ":at", "*"), {"district": district_id, "at": db_time(at)}
        )
        return self.model._init_from_db(**rows[0]) if rows else None


def effective_from(
    requested: datetime | None, *, now: datetime, detail: str, history: bool = False
) -> datetime:
    """When a change dated `requested` (None: now; a time without a zone is UTC) takes effect,
    in UTC. A date in the past is refused with `detail` (what it would alter): the versions
    in force then have judged what happened since. `history` (never from HTTP) lets the tools
    that build a district's history from scratch date it in the past."""
    moment = requested or now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if history:
        return moment
    if moment < now - CLOCK_SLACK:
        raise RetroactiveRulesChange(
            detail,
            errors=[{"field": "effective_from", "message": N_("must not be in the past")}],
        )
    return max(moment, now)
