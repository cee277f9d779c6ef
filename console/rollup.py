"""The daily rollup behind the dashboards: for every past day, per district, community and
civility action, the service records and their verified hours, the approved deeds, and the
credits issued, redeemed and expired. The `console-dashboards` job rebuilds a district's rows
(all days before today, local time) in one transaction; a dashboard sums the rows of its
period and adds the days after the rollup (today) live from the records and the ledger.

Distinct people (participants, residents who served) are kept as `console_dashboard_first`
rows: per community, per district, per set of communities a worker serves, and for the whole
city (district `CITY`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from accounts.scope import Places
from console.models import DashboardRollup
from kernel import localtime
from kernel.db import dialect
from kernel.scope import NEVER
from kernel.sql import db_time, execute, query_rows

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


def day_month(column: str) -> str:
    """A date column's month (`YYYY-MM`), as SQL."""
    if dialect() == "postgres":
        return f"to_char({column}, 'YYYY-MM')"
    return f"strftime('%Y-%m', {column})"


def tenths(expression: str) -> str:
    """Hours (one decimal) as a whole number of tenths, the same on both databases."""
    return f"CAST(ROUND(SUM({expression}) * 10) AS BIGINT)"


# Credits earned (net of reversed earnings), handed over in rewards (out of `held`) and
# expired (out of `available`), from the residents' side of the ledger (entries `e`).
CREDIT_SUMS = (
    "SUM(CASE WHEN e.account_kind = 'available' AND e.earning THEN e.amount ELSE 0 END)",
    "SUM(CASE WHEN e.account_kind = 'held' AND e.kind = 'fulfil' THEN -e.amount ELSE 0 END)",
    "SUM(CASE WHEN e.account_kind = 'available' AND e.kind = 'expire' THEN -e.amount ELSE 0 END)",
)


# (kind, per community, with deeds) of the distinct-people rows.
FIRST_KINDS = (
    ("participant", False, True),
    ("participant", True, True),
    ("served", True, False),
)


async def rebuild(district_id: str, today: date) -> int:
    """Replaces the district's rollup with every day before `today`; returns the rows kept."""
    start_of_today = localtime.start_of(today)
    await execute("DELETE FROM console_dashboard_day WHERE district_id = ?", [district_id])
    columns = (
        "INSERT INTO console_dashboard_day (district_id, community_id, day, action, records, "
        "hours_tenths, deeds, issued, redeemed, expired) "
    )
    await execute(
        columns + "SELECT district_id, community_id, served_on, action, "
        "SUM(CASE WHEN kind = 'record' THEN 1 ELSE 0 END), "
        f"{tenths('hours')}, 0, 0, 0, 0 FROM service_record "
        "WHERE district_id = ? AND served_on < ? GROUP BY district_id, community_id, served_on, "
        "action",
        [district_id, today],
    )
    await execute(
        columns + "SELECT district_id, community_id, occurred_on, action, 0, 0, COUNT(*), 0, 0, 0 "
        "FROM deed WHERE status = 'approved' AND district_id = ? AND occurred_on < ? "
        "GROUP BY district_id, community_id, occurred_on, action",
        [district_id, today],
    )
    day = localtime.date_sql("e.created_at")
    await execute(
        columns + f"SELECT r.district_id, r.community_id, {day}, '', "
        f"0, 0, 0, {', '.join(CREDIT_SUMS)} "
        "FROM ledger_entry e JOIN resident r ON r.id = e.owner_id "
        "WHERE e.owner_kind = 'resident' AND e.asset = 'credits' AND r.district_id = ? "
        f"AND e.created_at < ? GROUP BY r.district_id, r.community_id, {day}",
        [district_id, db_time(start_of_today)],
    )
    await execute("DELETE FROM console_dashboard_first WHERE district_id = ?", [district_id])
    for kind, community, deeds in FIRST_KINDS:
        group = "community_id" if community else "''"
        await _first(district_id, today, kind, group, deeds, Places(district_id, None))
    for communities in await worker_sets(district_id):
        key = set_key(communities)
        await _first(district_id, today, "participant", f"'{key}'", True,
                     Places(district_id, communities))  # fmt: skip
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
    # Entries of the days after the rollup have ids above this: ids are taken in time order
    # (an hour's margin for a transaction that committed late; an entry written back-dated
    # only makes the live part scan a little more).
    start_of_today = localtime.start_of(today)
    margin = db_time(start_of_today - timedelta(hours=1))
    first = await query_rows(
        "SELECT MIN(id) AS m FROM ledger_entry WHERE created_at >= ?", [margin]
    )
    last = await query_rows("SELECT MAX(id) AS m FROM ledger_entry", [])
    watermark = int(first[0]["m"]) - 1 if first[0]["m"] is not None else int(last[0]["m"] or 0)
    values: dict[str, Any] = {
        "through": today,
        "entry_watermark": watermark,
        "built_at": datetime.now(UTC),
    }
    if not await DashboardRollup.filter(district_id=district_id).update(**values):
        await DashboardRollup.create(district_id=district_id, **values)


async def rebuild_city(today: date) -> None:
    """The whole city's participants (every district's rollup is the rest of the city's
    dashboard): run after every district's `rebuild`."""
    await execute("DELETE FROM console_dashboard_first WHERE district_id = ?", [CITY])
    await _first(CITY, today, "participant", "''", True, Places(None, None))
    await _keep_state(CITY, today)


async def worker_sets(district_id: str) -> list[tuple[str, ...]]:
    """The sets of several communities of the district that a worker serves."""
    served: dict[str, set[str]] = {}
    for row in await query_rows(
        "SELECT sc.staff_id AS s, sc.community_id AS c FROM staff_community sc "
        "JOIN community c ON c.id = sc.community_id WHERE c.district_id = ?",
        [district_id],
    ):
        served.setdefault(row["s"], set()).add(row["c"])
    return sorted({tuple(sorted(ids)) for ids in served.values() if len(ids) > 1})


# The days each resident was active in some places (service records `{records}`, approved
# deeds `{deeds}`), by `{group}` (a column, or one literal for places counted together), with
# the day before it they were.
_FIRST_DAYS = (
    "INSERT INTO console_dashboard_first (district_id, kind, community_id, day, prev, "
    "residents) SELECT :district, :kind, c, day, prev, COUNT(*) FROM (SELECT c, day, "
    "LAG(day) OVER (PARTITION BY resident_id, c ORDER BY day) AS prev FROM ("
    "SELECT resident_id, {group} AS c, served_on AS day FROM service_record "
    "WHERE {records} AND served_on < :today "
    "UNION SELECT resident_id, {group} AS c, occurred_on AS day FROM deed "
    "WHERE status = 'approved' AND {deeds} AND occurred_on < :today"
    ") active) chain GROUP BY c, day, prev"
)


async def _first(
    district_id: str, today: date, kind: str, group: str, deeds: bool, places: Places
) -> None:
    """Rows of `console_dashboard_first` of one kind, stored under `district_id`: each day a
    resident was active in `places` (per community, or together: `group` is the column or a
    literal), with the day before it they were."""
    await execute(
        _FIRST_DAYS,
        {"district": district_id, "kind": kind, "today": today},
        group=group,
        records=places.where().sql("service_record"),
        deeds=(places.where() if deeds else NEVER).sql("deed"),
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
        where = scope.where()
        rows = await query_rows(
            _ACTIVE_SINCE,
            {"live_start": live.start, "live_to": live.to, "start": start, "through": through},
            records=where.sql("service_record", unindexed=True),
            deeds=where.sql("deed", unindexed=True),
            earlier_records=where.sql("s", unindexed=True),
            earlier_deeds=where.sql("d", unindexed=True),
        )
        count += int(rows[0]["n"]) if rows else 0
    return count


# Residents active in the live days (`:live_start`..`:live_to`) and not earlier in the period
# (`:start`..`:through`), in some places.
_ACTIVE_SINCE = (
    "SELECT COUNT(*) AS n FROM (SELECT resident_id FROM service_record "
    "WHERE served_on >= :live_start AND served_on <= :live_to AND {records} UNION "
    "SELECT resident_id FROM deed WHERE status = 'approved' AND occurred_on >= :live_start "
    "AND occurred_on <= :live_to AND {deeds}) p WHERE NOT EXISTS (SELECT 1 FROM "
    "service_record s WHERE s.resident_id = p.resident_id AND s.served_on >= :start "
    "AND s.served_on < :through AND {earlier_records}) AND NOT EXISTS (SELECT 1 FROM deed d "
    "WHERE d.resident_id = p.resident_id AND d.status = 'approved' "
    "AND d.occurred_on >= :start AND d.occurred_on < :through AND {earlier_deeds})"
)


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
        for row in await query_rows(
            "SELECT p.community_id AS k, COUNT(*) AS n FROM (SELECT DISTINCT resident_id, "
            "community_id FROM service_record WHERE served_on >= :from AND served_on <= :to "
            "AND {places}) p WHERE NOT EXISTS (SELECT 1 FROM service_record s "
            "WHERE s.resident_id = p.resident_id AND s.community_id = p.community_id "
            "AND s.served_on >= :start AND s.served_on < :through) GROUP BY 1",
            {"from": live.start, "to": live.to, "start": start, "through": through},
            places=scope.where().sql("service_record", unindexed=True),
        ):
            found[row["k"]] = found.get(row["k"], 0) + int(row["n"])
    return found
