"""The dashboard of a district (administrators) or of a worker's communities: participants,
verified hours, credits issued / redeemed / expired by month, by civility action and by
community, star levels, and the work waiting. Each chart has its numbers as a table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from activities.models import Attendance, Correction, Deed
from app.accounts.models import Community, District
from app.console import lookups
from app.console.models import DashboardSnapshot
from app.console.scope import communities_of, staff_scoped
from app.console.web import LOCAL, Ctx, parse_date
from app.core.auth import Principal
from app.core.db import dialect
from app.core.i18n import translate
from app.core.sql import db_time, query_rows
from credits.models import from_units
from credits.recognition.stars import star_for, star_thresholds


@dataclass(frozen=True)
class Scope:
    """The rows a dashboard or an export covers, as SQL: a district, or some communities."""

    district_id: str | None
    community_ids: tuple[str, ...] | None  # None: the whole district (or city)

    def where(self, table: str = "") -> tuple[str, list[Any]]:
        prefix = f"{table}." if table else ""
        clauses, values = [], []
        if self.district_id is not None:
            clauses.append(f"{prefix}district_id = ?")
            values.append(self.district_id)
        if self.community_ids is not None:
            marks = ", ".join("?" for _ in self.community_ids) or "NULL"
            clauses.append(f"{prefix}community_id IN ({marks})")
            values.extend(self.community_ids)
        return (" AND ".join(clauses) or "1 = 1"), values


async def scope_of(who: Principal, community_id: str | None = None) -> Scope:
    """What the caller sees (the same rule as the lists: staff_scoped), optionally narrowed
    to one community of theirs."""
    if community_id:
        community = await communities_of(who).filter(id=community_id).first()
        if community is not None:
            return Scope(community.district_id, (community.id,))
    if who.role == "platform_admin":
        return Scope(None, None)
    if who.role == "district_admin":
        return Scope(who.district_id or "", None)
    return Scope(who.district_id or "", tuple(sorted(who.community_ids)))


SNAPSHOT_FRESH = timedelta(minutes=30)


def period(ctx: Ctx) -> tuple[date, date]:
    """`?from=&to=` (local dates, inclusive); the last twelve months by default."""
    to = parse_date(ctx.request.query_params.get("to")) or datetime.now(LOCAL).date()
    start = parse_date(ctx.request.query_params.get("from")) or (
        to.replace(day=1) - timedelta(days=335)
    ).replace(day=1)
    if start > to:
        start, to = to, start
    return start, min(to, start + timedelta(days=3 * 366))


def bounds(start: date, to: date) -> tuple[datetime, datetime]:
    """The local days `start`..`to` as UTC moments (SQLite compares stored UTC text)."""
    return (
        datetime.combine(start, time(0), LOCAL).astimezone(UTC),
        datetime.combine(to + timedelta(days=1), time(0), LOCAL).astimezone(UTC),
    )


def _month(column: str) -> str:
    if dialect() == "postgres":
        return f"to_char({column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
    return f"strftime('%Y-%m', {column}, '+8 hours')"


def _months(start: date, to: date) -> list[str]:
    months, current = [], start.replace(day=1)
    while current <= to:
        months.append(current.strftime("%Y-%m"))
        current = (current + timedelta(days=32)).replace(day=1)
    return months


async def _credits_by_month(scope: Scope, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Credits earned (net of reversed earnings), handed over in rewards, and expired, from
    the residents' side of the ledger, so a community's share is counted too."""
    where, values = scope.where("r")
    rows = await query_rows(
        f"SELECT {_month('e.created_at')} AS month, "
        "SUM(CASE WHEN e.account_kind = 'available' AND e.earning THEN e.amount ELSE 0 END) "
        "AS issued, "
        "SUM(CASE WHEN e.account_kind = 'held' AND e.kind = 'fulfil' THEN -e.amount ELSE 0 END)"
        " AS redeemed, "
        "SUM(CASE WHEN e.account_kind = 'available' AND e.kind = 'expire' THEN -e.amount "
        "ELSE 0 END) AS expired "
        "FROM ledger_entry e JOIN resident r ON r.id = e.owner_id "
        "WHERE e.owner_kind = 'resident' AND e.asset = 'credits' "
        f"AND e.created_at >= ? AND e.created_at < ? AND {where} "
        "GROUP BY 1 ORDER BY 1",
        [db_time(start.astimezone(UTC)), db_time(end.astimezone(UTC)), *values],
    )
    return rows


async def _records(scope: Scope, start: date, to: date, group: str) -> list[dict[str, Any]]:
    where, values = scope.where()
    return await query_rows(
        f"SELECT {group} AS k, COUNT(DISTINCT resident_id) AS people, SUM(hours) AS hours, "
        "SUM(CASE WHEN kind = 'record' THEN 1 ELSE 0 END) AS records "
        f"FROM service_record WHERE served_on >= ? AND served_on <= ? AND {where} "
        "GROUP BY 1 ORDER BY 1",
        [start, to, *values],
    )


async def _deeds(scope: Scope, start: date, to: date, group: str) -> list[dict[str, Any]]:
    where, values = scope.where()
    return await query_rows(
        f"SELECT {group} AS k, COUNT(*) AS deeds, COUNT(DISTINCT resident_id) AS people "
        "FROM deed WHERE status = 'approved' AND occurred_on >= ? AND occurred_on <= ? "
        f"AND {where} GROUP BY 1 ORDER BY 1",
        [start, to, *values],
    )


async def _participants(scope: Scope, start: date, to: date) -> int:
    where, values = scope.where()
    rows = await query_rows(
        "SELECT COUNT(*) AS n FROM (SELECT resident_id FROM service_record "
        f"WHERE served_on >= ? AND served_on <= ? AND {where} UNION "
        "SELECT resident_id FROM deed WHERE status = 'approved' "
        f"AND occurred_on >= ? AND occurred_on <= ? AND {where}) people",
        [start, to, *values, start, to, *values],
    )
    return int(rows[0]["n"]) if rows else 0


async def _stars(scope: Scope) -> list[dict[str, Any]]:
    """Residents by star level, from their cumulative verified hours (the domain's rule)."""
    where, values = scope.where()
    rows = await query_rows(
        f"SELECT SUM(hours) AS hours FROM service_record WHERE {where} GROUP BY resident_id",
        values,
    )
    thresholds = await star_thresholds()
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        counts[star_for(Decimal(str(row["hours"] or 0)), thresholds)] += 1
    return [
        {
            "star": level,
            "label": translate("No star yet")
            if level == 0
            else "★" * level + translate(" ({hours} h and more)", hours=thresholds[level - 1]),
            "residents": counts.get(level, 0),
        }
        for level in range(len(thresholds) + 1)
    ]


def _dec(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _f(value: Decimal) -> float:
    return float(value)


async def compute(
    scope: Scope, start: date, to: date, community_names: dict[str, str]
) -> dict[str, Any]:
    """Every figure of the dashboard for `scope` and the period, JSON-ready (what a snapshot
    keeps). Names are in the language of the moment (Chinese for the job)."""
    begin, end = bounds(start, to)
    credits = {row["month"]: row for row in await _credits_by_month(scope, begin, end)}
    months = _months(start, to)

    def units(month: str, name: str) -> float:
        return _f(from_units(int(credits[month][name] or 0))) if month in credits else 0.0

    credit_rows: list[dict[str, Any]] = [
        {
            "month": m,
            "issued": units(m, "issued"),
            "redeemed": units(m, "redeemed"),
            "expired": units(m, "expired"),
        }
        for m in months
    ]
    names: dict[str, str] = {}
    if scope.district_id:
        names.update(await lookups.action_names(scope.district_id))
    else:
        names.update(await lookups.action_names(None))

    by_action: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"hours": 0.0, "records": 0, "deeds": 0}
    )
    for row in await _records(scope, start, to, "action"):
        by_action[row["k"]].update(hours=_f(_dec(row["hours"])), records=int(row["records"] or 0))
    for row in await _deeds(scope, start, to, "action"):
        by_action[row["k"]]["deeds"] = int(row["deeds"])
    action_rows = sorted(
        (
            {"name": names.get(code, translate("Unknown")), **values}
            for code, values in by_action.items()
        ),
        key=lambda r: (-r["records"] - r["deeds"], r["name"]),
    )
    by_community: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"people": 0, "hours": 0.0, "deeds": 0}
    )
    for row in await _records(scope, start, to, "community_id"):
        by_community[row["k"]].update(people=int(row["people"]), hours=_f(_dec(row["hours"])))
    for row in await _deeds(scope, start, to, "community_id"):
        by_community[row["k"]]["deeds"] = int(row["deeds"])
    community_rows = sorted(
        ({"name": community_names.get(cid, "—"), **values} for cid, values in by_community.items()),
        key=lambda r: r["name"],
    )
    stars = await _stars(scope)
    totals = {
        "participants": await _participants(scope, start, to),
        "hours": sum(r["hours"] for r in action_rows),
        "issued": sum(r["issued"] for r in credit_rows),
        "redeemed": sum(r["redeemed"] for r in credit_rows),
        "expired": sum(r["expired"] for r in credit_rows),
    }
    charts = {
        "credits": {
            "kind": "line",
            "categories": months,
            "series": [
                {"name": translate("Issued"), "data": [r["issued"] for r in credit_rows]},
                {"name": translate("Redeemed"), "data": [r["redeemed"] for r in credit_rows]},
                {"name": translate("Expired"), "data": [r["expired"] for r in credit_rows]},
            ],
        },
        "actions": {
            "kind": "bar",
            "categories": [r["name"] for r in action_rows],
            "series": [
                {"name": translate("Service records"), "data": [r["records"] for r in action_rows]},
                {"name": translate("Good deeds"), "data": [r["deeds"] for r in action_rows]},
            ],
        },
        "communities": {
            "kind": "bar",
            "categories": [r["name"] for r in community_rows],
            "series": [
                {
                    "name": translate("Verified hours"),
                    "data": [r["hours"] for r in community_rows],
                },
                {"name": translate("Participants"), "data": [r["people"] for r in community_rows]},
            ],
        },
        "stars": {
            "kind": "bar",
            "categories": [r["label"] for r in stars],
            "series": [{"name": translate("Residents"), "data": [r["residents"] for r in stars]}],
        },
    }
    return {
        "totals": totals,
        "credit_rows": credit_rows,
        "action_rows": action_rows,
        "community_rows": community_rows,
        "stars": stars,
        "charts": charts,
    }


def snapshot_key(scope: Scope) -> str | None:
    """Snapshots are kept per district and per community."""
    if scope.community_ids is None and scope.district_id:
        return f"district:{scope.district_id}"
    if scope.community_ids is not None and len(scope.community_ids) == 1:
        return f"community:{scope.community_ids[0]}"
    return None


def default_period() -> tuple[date, date]:
    today = datetime.now(LOCAL).date()
    return (today.replace(day=1) - timedelta(days=335)).replace(day=1), today


async def store_snapshot(key: str, start: date, to: date, data: dict[str, Any]) -> None:
    values: dict[str, Any] = {
        "period_from": start,
        "period_to": to,
        "data": data,
        "computed_at": datetime.now(UTC),
    }
    if not await DashboardSnapshot.filter(scope=key).update(**values):
        await DashboardSnapshot.create(scope=key, **values)


async def refresh_snapshots() -> int:
    """The `console-dashboards` job: every district's and every community's dashboard over
    the last twelve months."""
    start, to = default_period()
    stored = 0
    for district in await District.all():
        communities = {c.id: c.name for c in await Community.filter(district_id=district.id)}
        scopes = [Scope(district.id, None)] + [Scope(district.id, (c,)) for c in communities]
        for scope in scopes:
            key = snapshot_key(scope)
            assert key is not None
            await store_snapshot(key, start, to, await compute(scope, start, to, communities))
            stored += 1
    return stored


async def dashboard(ctx: Ctx) -> Response:
    community_id = ctx.request.query_params.get("community") or None
    scope = await scope_of(ctx.who, community_id)
    start, to = period(ctx)
    communities = {c.id: c for c in await communities_of(ctx.who)}
    key = snapshot_key(scope)
    data = None
    as_of = None
    if key and (start, to) == default_period():
        snapshot = await DashboardSnapshot.get_or_none(scope=key)
        fresh = datetime.now(UTC) - SNAPSHOT_FRESH
        if snapshot and snapshot.period_to == to and snapshot.computed_at >= fresh:
            data, as_of = snapshot.data, snapshot.computed_at
    if data is None:
        names = {c.id: c.name for c in communities.values()}
        if scope.district_id:
            names.update(
                {c.id: c.name for c in await Community.filter(district_id=scope.district_id)}
            )
        data = await compute(scope, start, to, names)
        if key and (start, to) == default_period():
            await store_snapshot(key, start, to, data)
    pending = {
        "attendances": await staff_scoped(Attendance.filter(status="pending"), ctx.who).count(),
        "deeds": await staff_scoped(Deed.filter(status="pending"), ctx.who).count(),
        "corrections": await staff_scoped(Correction.filter(status="pending"), ctx.who).count(),
    }
    return ctx.render(
        "dashboard.html",
        start=start,
        to=to,
        community_id=community_id,
        communities=sorted(communities.values(), key=lambda c: c.name),
        pending=pending,
        as_of=as_of,
        **data,
    )
