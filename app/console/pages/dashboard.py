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
from activities.service import STAR_HOURS, star_for
from app.console import lookups
from app.console.scope import communities_of, staff_scoped
from app.console.web import LOCAL, Ctx, parse_date
from app.core.auth import Principal
from app.core.db import dialect
from app.core.i18n import translate
from credits.ledger import query_rows
from credits.models import from_units
from credits.recognition.sql import db_time


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


def period(ctx: Ctx) -> tuple[date, date]:
    """`?from=&to=` (local dates, inclusive); the last twelve months by default."""
    today = datetime.now(LOCAL).date()
    to = parse_date(ctx.request.query_params.get("to")) or today
    start = parse_date(ctx.request.query_params.get("from")) or (
        to.replace(day=1) - timedelta(days=335)
    ).replace(day=1)
    if start > to:
        start, to = to, start
    return start, min(to, start + timedelta(days=3 * 366))


def bounds(start: date, to: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time(0), LOCAL),
        datetime.combine(to + timedelta(days=1), time(0), LOCAL),
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
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        counts[star_for(Decimal(str(row["hours"] or 0)))] += 1
    return [
        {
            "star": level,
            "label": translate("No star yet")
            if level == 0
            else "★" * level + translate(" ({hours} h and more)", hours=STAR_HOURS[level - 1]),
            "residents": counts.get(level, 0),
        }
        for level in range(len(STAR_HOURS) + 1)
    ]


def _dec(value: Any) -> Decimal:
    return Decimal(str(value or 0))


async def dashboard(ctx: Ctx) -> Response:
    community_id = ctx.request.query_params.get("community") or None
    scope = await scope_of(ctx.who, community_id)
    start, to = period(ctx)
    begin, end = bounds(start, to)

    credits = {row["month"]: row for row in await _credits_by_month(scope, begin, end)}
    months = _months(start, to)
    credit_rows: list[dict[str, Any]] = [
        {
            "month": m,
            "issued": from_units(int(credits[m]["issued"] or 0)) if m in credits else Decimal(0),
            "redeemed": from_units(int(credits[m]["redeemed"] or 0))
            if m in credits
            else Decimal(0),
            "expired": from_units(int(credits[m]["expired"] or 0)) if m in credits else Decimal(0),
        }
        for m in months
    ]
    district_ids = {scope.district_id} if scope.district_id else {ctx.who.district_id}
    names: dict[str, str] = {}
    for district_id in district_ids:
        names.update(await lookups.action_names(district_id))

    by_action: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"hours": Decimal(0), "records": 0, "deeds": 0}
    )
    for row in await _records(scope, start, to, "action"):
        by_action[row["k"]].update(hours=_dec(row["hours"]), records=int(row["records"] or 0))
    for row in await _deeds(scope, start, to, "action"):
        by_action[row["k"]]["deeds"] = int(row["deeds"])
    action_rows = sorted(
        (
            {"name": names.get(code, translate("Unknown")), **values}
            for code, values in by_action.items()
        ),
        key=lambda r: (-r["records"] - r["deeds"], r["name"]),
    )

    communities = {c.id: c for c in await communities_of(ctx.who)}
    by_community: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"people": 0, "hours": Decimal(0), "deeds": 0}
    )
    for row in await _records(scope, start, to, "community_id"):
        by_community[row["k"]].update(people=int(row["people"]), hours=_dec(row["hours"]))
    for row in await _deeds(scope, start, to, "community_id"):
        by_community[row["k"]]["deeds"] = int(row["deeds"])
    community_rows = sorted(
        (
            {"name": communities[cid].name if cid in communities else "—", **values}
            for cid, values in by_community.items()
        ),
        key=lambda r: r["name"],
    )

    totals = {
        "participants": await _participants(scope, start, to),
        "hours": sum((r["hours"] for r in action_rows), Decimal(0)),
        "issued": sum((r["issued"] for r in credit_rows), Decimal(0)),
        "redeemed": sum((r["redeemed"] for r in credit_rows), Decimal(0)),
        "expired": sum((r["expired"] for r in credit_rows), Decimal(0)),
    }
    pending = {
        "attendances": await staff_scoped(Attendance.filter(status="pending"), ctx.who).count(),
        "deeds": await staff_scoped(Deed.filter(status="pending"), ctx.who).count(),
        "corrections": await staff_scoped(Correction.filter(status="pending"), ctx.who).count(),
    }
    stars = await _stars(scope)
    charts = {
        "credits": {
            "kind": "line",
            "categories": months,
            "series": [
                {"name": translate("Issued"), "data": [float(r["issued"]) for r in credit_rows]},
                {
                    "name": translate("Redeemed"),
                    "data": [float(r["redeemed"]) for r in credit_rows],
                },
                {"name": translate("Expired"), "data": [float(r["expired"]) for r in credit_rows]},
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
                    "data": [float(r["hours"]) for r in community_rows],
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
    return ctx.render(
        "dashboard.html",
        start=start,
        to=to,
        community_id=community_id,
        communities=sorted(communities.values(), key=lambda c: c.name),
        totals=totals,
        pending=pending,
        credit_rows=credit_rows,
        action_rows=action_rows,
        community_rows=community_rows,
        stars=stars,
        charts=charts,
    )
