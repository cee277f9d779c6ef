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

from console.models import DashboardRollup
from kernel import localtime
from kernel.db import dialect
from kernel.sql import db_time, execute, query_rows

CITY = ""  # the district of the whole city's distinct-people rows and rollup state


def set_key(community_ids: tuple[str, ...]) -> str:
    """The `community_id` of the distinct-people rows of several communities together (a
    worker's): not an id (ids have no `+`), the same for the same communities in any order."""
    digest = hashlib.sha256(",".join(sorted(community_ids)).encode()).hexdigest()
    return "+" + digest[:25]


@dataclass(frozen=True)
class Scope:
    """The rows a dashboard or an export covers, as SQL: a district, or some communities."""

    district_id: str | None
    community_ids: tuple[str, ...] | None  # None: the whole district (or city)

    def where(self, table: str = "", *, by_day: bool = False) -> tuple[str, list[Any]]:
        """The scope as SQL. `by_day`: the query reads a few days by their date index, so
        SQLite (which, without statistics, prefers an equality's index) is told not to use
        the district's or the communities' index (`+column`); PostgreSQL plans by its own."""
        prefix = f"{table}." if table else ""
        if by_day and dialect() == "sqlite":
            prefix = "+" + prefix
        clauses, values = [], []
        if self.district_id is not None:
            clauses.append(f"{prefix}district_id = ?")
            values.append(self.district_id)
        if self.community_ids is not None:
            marks = ", ".join("?" for _ in self.community_ids) or "NULL"
            clauses.append(f"{prefix}community_id IN ({marks})")
            values.extend(self.community_ids)
        return (" AND ".join(clauses) or "1 = 1"), values


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
        await _first(district_id, today, kind, group, deeds, Scope(district_id, None))
    for communities in await worker_sets(district_id):
        key = set_key(communities)
        await _first(district_id, today, "participant", f"'{key}'", True,
                     Scope(district_id, communities))  # fmt: skip
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
    await _first(CITY, today, "participant", "''", True, Scope(None, None))
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


async def _first(
    district_id: str, today: date, kind: str, group: str, deeds: bool, scope: Scope
) -> None:
    """Rows of `console_dashboard_first` of one kind, stored under `district_id`: each day a
    resident was active in `scope` (per community, or together: `group` is the column or a
    literal), with the day before it they were."""
    where, scoped = scope.where()
    days = (
        f"SELECT resident_id, {group} AS c, served_on AS day FROM service_record "
        f"WHERE {where} AND served_on < ?"
    )
    values: list[Any] = [*scoped, today]
    if deeds:
        days += (
            f" UNION SELECT resident_id, {group} AS c, occurred_on AS day FROM deed "
            f"WHERE status = 'approved' AND {where} AND occurred_on < ?"
        )
        values += [*scoped, today]
    else:
        days = days.replace("SELECT ", "SELECT DISTINCT ", 1)
    await execute(
        "INSERT INTO console_dashboard_first (district_id, kind, community_id, day, prev, "
        f"residents) SELECT ?, '{kind}', c, day, prev, COUNT(*) FROM (SELECT c, day, "
        "LAG(day) OVER (PARTITION BY resident_id, c ORDER BY day) AS prev "
        f"FROM ({days}) active) chain GROUP BY c, day, prev",
        [district_id, *values],
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


async def _first_key(scope: Scope, through: date | None) -> tuple[str, str] | None:
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


async def participants(scope: Scope, start: date, to: date, through: date | None) -> int | None:
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
        where, values = scope.where(by_day=True)
        records, record_values = scope.where("s", by_day=True)
        deeds, deed_values = scope.where("d", by_day=True)
        rows = await query_rows(
            "SELECT COUNT(*) AS n FROM (SELECT resident_id FROM service_record "
            f"WHERE served_on >= ? AND served_on <= ? AND {where} UNION "
            "SELECT resident_id FROM deed WHERE status = 'approved' AND occurred_on >= ? "
            f"AND occurred_on <= ? AND {where}) p WHERE NOT EXISTS (SELECT 1 FROM "
            "service_record s WHERE s.resident_id = p.resident_id AND s.served_on >= ? "
            f"AND s.served_on < ? AND {records}) AND NOT EXISTS (SELECT 1 FROM deed d "
            "WHERE d.resident_id = p.resident_id AND d.status = 'approved' "
            f"AND d.occurred_on >= ? AND d.occurred_on < ? AND {deeds})",
            [live.start, live.to, *values, live.start, live.to, *values,
             start, through, *record_values, start, through, *deed_values],
        )  # fmt: skip
        count += int(rows[0]["n"]) if rows else 0
    return count


async def served_by_community(
    scope: Scope, start: date, to: date, through: date | None
) -> dict[str, int] | None:
    """Residents with a service record in the period, per community, as `participants` (the
    `served` rows are per community: any scope's are the rows of its communities)."""
    if through is None:
        return None
    rolled, live = split(start, to, through)
    found: dict[str, int] = {}
    if rolled:
        where, values = scope.where()
        for row in await query_rows(
            "SELECT community_id AS k, SUM(residents) AS n FROM console_dashboard_first "
            "WHERE kind = 'served' AND day >= ? AND day <= ? AND (prev IS NULL OR prev < ?) "
            f"AND {where} GROUP BY 1",
            [rolled.start, rolled.to, start, *values],
        ):
            found[row["k"]] = found.get(row["k"], 0) + int(row["n"] or 0)
    if live:
        where, values = scope.where(by_day=True)
        for row in await query_rows(
            "SELECT p.community_id AS k, COUNT(*) AS n FROM (SELECT DISTINCT resident_id, "
            "community_id FROM service_record WHERE served_on >= ? AND served_on <= ? "
            f"AND {where}) p WHERE NOT EXISTS (SELECT 1 FROM service_record s "
            "WHERE s.resident_id = p.resident_id AND s.community_id = p.community_id "
            "AND s.served_on >= ? AND s.served_on < ?) GROUP BY 1",
            [live.start, live.to, *values, start, through],
        ):
            found[row["k"]] = found.get(row["k"], 0) + int(row["n"])
    return found
