"""The console's cache of the dashboards: per past day, community and civility action the
domains' figures (`activities.figures`, `credits.figures`), and the days each resident was
active (distinct people), rebuilt by `console-dashboards`; a dashboard sums its period's rows
and adds the days after them (today) from the domains' live reads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from accounts.scope import Places
from accounts.staff import community_sets
from activities import figures as activities
from activities.figures import Work
from console.models import DashboardRollup
from credits import figures as credits
from kernel import localtime
from kernel.sql import execute, query_rows

CITY = ""  # the district of the whole city's distinct-people rows and rollup state


def set_key(community_ids: tuple[str, ...]) -> str:
    """The `community_id` of the distinct-people rows of several communities together (a
    worker's): not an id (ids have no `+`), the same for the same communities in any order."""
    digest = hashlib.sha256(",".join(sorted(community_ids)).encode()).hexdigest()
    return "+" + digest[:25]


@dataclass(frozen=True)
class Days:
    """Part of a period: the local days `start`..`to`, inclusive."""

    start: date
    to: date


def split(start: date, to: date, through: date | None) -> tuple[Days | None, Days | None]:
    """The days of a period the rollup covers (before `through`) and those added up live."""
    if through is None:
        return None, Days(start, to)
    rolled = Days(start, min(to, through - timedelta(days=1))) if start < through else None
    live = Days(max(start, through), to) if to >= through else None
    return rolled, live


# (kind, per community, with deeds) of the distinct-people rows.
FIRST_KINDS = (
    ("participant", False, True),
    ("participant", True, True),
    ("served", True, False),
)


_DAY = (
    "INSERT INTO console_dashboard_day (district_id, community_id, day, action, records, "
    "hours_tenths, deeds, issued, redeemed, expired) "
)


async def rebuild(district_id: str, today: date) -> int:
    """Replaces the district's rollup with every day before `today`; returns the rows kept.
    The rows are the domains' figures (`activities.figures`, `credits.figures`) by day."""
    district = Places(district_id, None)
    yesterday = today - timedelta(days=1)
    await execute("DELETE FROM console_dashboard_day WHERE district_id = ?", [district_id])
    keys = ("district_id", "community_id", "day", "action")
    await execute(
        _DAY + "SELECT district_id, community_id, day, action, records, tenths, 0, 0, 0, 0 "
        "FROM ({rows}) w",
        {},
        rows=activities.records_by(keys, district, None, yesterday),
    )
    await execute(
        _DAY + "SELECT district_id, community_id, day, action, 0, 0, deeds, 0, 0, 0 "
        "FROM ({rows}) w",
        {},
        rows=activities.deeds_by(keys, district, None, yesterday),
    )
    await execute(
        _DAY + "SELECT district_id, community_id, day, '', 0, 0, 0, issued, redeemed, expired "
        "FROM ({rows}) w",
        {},
        rows=credits.by_day(district, localtime.start_of(today)),
    )
    await execute("DELETE FROM console_dashboard_first WHERE district_id = ?", [district_id])
    for kind, community, deeds in FIRST_KINDS:
        await _first(district_id, today, kind, None, district, per_community=community, deeds=deeds)
    for communities in await community_sets(district_id):
        key = set_key(communities)
        places = Places(district_id, communities)
        await _first(district_id, today, "participant", key, places)
        # Built (even with nobody active): the marker `participants` looks for.
        await execute(
            "INSERT INTO console_dashboard_first (district_id, kind, community_id, day, prev, "
            "residents) VALUES (?, 'participant', ?, ?, NULL, 0)",
            [district_id, key, today],
        )
    await _keep_state(district_id, today)
    found = await query_rows(
        "SELECT COUNT(*) AS n FROM console_dashboard_day WHERE district_id = ?", [district_id]
    )
    return int(found[0]["n"])


async def _keep_state(district_id: str, today: date) -> None:
    """Records that the rollup of `district_id` (or `CITY`) covers every day before `today`,
    with the ledger-entry id watermark of the days after it."""
    values: dict[str, Any] = {
        "through": today,
        "entry_watermark": await credits.entries_from(localtime.start_of(today)),
        "built_at": datetime.now(UTC),
    }
    if not await DashboardRollup.filter(district_id=district_id).update(**values):
        await DashboardRollup.create(district_id=district_id, **values)


async def rebuild_city(today: date) -> None:
    """The whole city's participants (every district's rollup is the rest of the city's
    dashboard): run after every district's `rebuild`."""
    await execute("DELETE FROM console_dashboard_first WHERE district_id = ?", [CITY])
    await _first(CITY, today, "participant", None, Places(None, None))
    await _keep_state(CITY, today)


# Each day a resident was active (`activities.figures.active_days`), grouped by `{key}` (their
# community, or one literal for places counted together), with the day before it they were.
_FIRST_DAYS = (
    "INSERT INTO console_dashboard_first (district_id, kind, community_id, day, prev, "
    "residents) SELECT :district, :kind, {key}, day, prev, COUNT(*) FROM (SELECT c, day, "
    "LAG(day) OVER (PARTITION BY resident_id, c ORDER BY day) AS prev FROM ({active}) active"
    ") chain GROUP BY c, day, prev"
)


async def _first(
    district_id: str,
    today: date,
    kind: str,
    key: str | None,
    places: Places,
    *,
    per_community: bool = False,
    deeds: bool = True,
) -> None:
    """Rows of `console_dashboard_first` of one kind, stored under `district_id`: each day a
    resident was active in `places` before `today` (per community, or together under `key`),
    with the day before it they were."""
    await execute(
        _FIRST_DAYS,
        {"district": district_id, "kind": kind},
        key="c" if key is None else f"'{key}'",
        active=activities.active_days(places, today, per_community=per_community, deeds=deeds),
    )


async def through(district_id: str | None) -> date | None:
    """The first day the rollup does not cover for the district (for the whole city: the
    earliest of every district's and the city's own), or None when there is no rollup to use."""
    if district_id is not None:
        state = await DashboardRollup.get_or_none(district_id=district_id)
        return state.through if state else None
    from accounts.models import District

    states = await DashboardRollup.all()
    districts = [state for state in states if state.district_id != CITY]
    if not districts or len(districts) < await District.all().count():
        return None
    return min(state.through for state in states)


async def entry_watermark(district_id: str | None) -> int:
    """Ledger entries of the days after the rollup all have ids above this (0: no rollup)."""
    if district_id is not None:
        state = await DashboardRollup.get_or_none(district_id=district_id)
        return state.entry_watermark if state else 0
    states = await DashboardRollup.all()
    return min((state.entry_watermark for state in states), default=0)


async def work_by(scope: Places, days: Days, by: str) -> dict[str, Work]:
    """The rolled-up days' service records, hours and approved deeds by `by` (a column of
    the rollup: `action` or `community_id`)."""
    found: dict[str, Work] = {}
    for row in await query_rows(
        "SELECT {by} AS k, SUM(records) AS records, SUM(hours_tenths) AS tenths, "
        "SUM(deeds) AS deeds FROM console_dashboard_day "
        "WHERE day >= :from AND day <= :to AND action <> '' AND {places} GROUP BY 1",
        {"from": days.start, "to": days.to},
        by=by,
        places=scope.where().sql("console_dashboard_day"),
    ):
        found[row["k"]] = Work(
            int(row["records"] or 0), int(row["tenths"] or 0), int(row["deeds"] or 0)
        )
    return found


async def credits_by_month(scope: Places, days: Days) -> dict[str, credits.Credits]:
    """The rolled-up days' credits issued, redeemed and expired by month (`YYYY-MM`)."""
    months: dict[str, credits.Credits] = {}
    for row in await query_rows(
        "SELECT day, SUM(issued) AS issued, SUM(redeemed) AS redeemed, SUM(expired) AS expired "
        "FROM console_dashboard_day WHERE day >= :from AND day <= :to AND action = '' "
        "AND {places} GROUP BY day",
        {"from": days.start, "to": days.to},
        places=scope.where().sql("console_dashboard_day"),
    ):
        month = str(row["day"])[:7]  # a date (PostgreSQL) or its ISO text (SQLite)
        was = months.get(month, (0, 0, 0))
        months[month] = (
            was[0] + int(row["issued"] or 0),
            was[1] + int(row["redeemed"] or 0),
            was[2] + int(row["expired"] or 0),
        )
    return months


async def _first_key(scope: Places, through: date | None) -> tuple[str, str] | None:
    """The district and community (empty: all of it) of the participants' rows that answer
    for `scope` up to `through`; None when none do (no rollup; a set of communities or the
    city whose rows the job has not built up to `through`)."""
    if through is None:
        return None
    if scope.district_id is None:
        city = await DashboardRollup.get_or_none(district_id=CITY)
        return (CITY, "") if city and city.through >= through else None
    if scope.community_ids is None:
        return scope.district_id, ""
    if len(scope.community_ids) == 1:
        return scope.district_id, scope.community_ids[0]
    key = set_key(scope.community_ids)
    built = await query_rows(
        "SELECT COUNT(*) AS n FROM console_dashboard_first WHERE district_id = ? "
        "AND kind = 'participant' AND day = ? AND community_id = ? AND prev IS NULL "
        "AND residents = 0",
        [scope.district_id, through, key],
    )
    return (scope.district_id, key) if built and int(built[0]["n"]) else None


async def participants(scope: Places, start: date, to: date, through: date | None) -> int | None:
    """Residents with a service record or an approved deed in the period, from the rollup
    (the days it covers) and live (residents active since, unless active earlier in the
    period); None when the rollup cannot answer for the scope."""
    key = await _first_key(scope, through)
    if key is None or through is None:
        return None
    rolled, live = split(start, to, through)
    count = 0
    if rolled:
        rows = await query_rows(
            "SELECT SUM(residents) AS n FROM console_dashboard_first WHERE district_id = ? "
            "AND kind = 'participant' AND community_id = ? AND day >= ? AND day <= ? "
            "AND (prev IS NULL OR prev < ?)",
            [*key, rolled.start, rolled.to, start],
        )
        count += int(rows[0]["n"] or 0) if rows else 0
    if live:
        count += await activities.new_participants(scope, (live.start, live.to), start)
    return count


async def served_by_community(
    scope: Places, start: date, to: date, through: date | None
) -> dict[str, int] | None:
    """Residents with a service record in the period, per community, as `participants` (the
    `served` rows are per community: any scope's are the rows of its communities)."""
    if through is None:
        return None
    rolled, live = split(start, to, through)
    found: dict[str, int] = {}
    if rolled:
        for row in await query_rows(
            "SELECT community_id AS k, SUM(residents) AS n FROM console_dashboard_first "
            "WHERE kind = 'served' AND day >= :from AND day <= :to "
            "AND (prev IS NULL OR prev < :start) AND {places} GROUP BY 1",
            {"from": rolled.start, "to": rolled.to, "start": start},
            places=scope.where().sql("console_dashboard_first"),
        ):
            found[row["k"]] = found.get(row["k"], 0) + int(row["n"] or 0)
    if live:
        for community, n in (
            await activities.new_served_by_community(scope, (live.start, live.to), start)
        ).items():
            found[community] = found.get(community, 0) + n
    return found
