"""The dashboard of a district (administrators) or of a worker's communities: participants,
verified hours, credits issued / redeemed / expired by month, by civility action and by
community, star levels, and the work waiting. Each chart has its numbers as a table."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from accounts.models import Community, District
from accounts.staff import community_sets
from activities import figures as work_figures
from console import lookups, rollup
from console.models import DashboardSnapshot
from console.rollup import Days
from console.scope import Places, communities_of, served_places
from console.web import Ctx, parse_date
from credits import figures as credits_figures
from credits.models import from_units
from credits.recognition.stars import residents_by_star, star_thresholds
from kernel import localtime
from kernel.auth import Principal
from kernel.i18n import translate


async def scope_of(who: Principal, community_id: str | None = None) -> Places:
    """What the caller sees (`served_places`, the rule of the lists), optionally narrowed to
    one community of theirs."""
    if community_id:
        community = await communities_of(who).rows().filter(id=community_id).first()
        if community is not None:
            return Places(community.district_id, (community.id,))
    return served_places(who)


SNAPSHOT_FRESH = timedelta(minutes=30)


def period(ctx: Ctx) -> tuple[date, date]:
    """`?from=&to=` (local dates, inclusive); the last twelve months by default."""
    to = parse_date(ctx.request.query_params.get("to"), field="to") or localtime.today()
    start = parse_date(ctx.request.query_params.get("from"), field="from") or (
        to.replace(day=1) - timedelta(days=335)
    ).replace(day=1)
    if start > to:
        start, to = to, start
    return start, min(to, start + timedelta(days=3 * 366))


def _months(start: date, to: date) -> list[str]:
    months, current = [], start.replace(day=1)
    while current <= to:
        months.append(current.strftime("%Y-%m"))
        current = (current + timedelta(days=32)).replace(day=1)
    return months


async def _credits_by_month(
    scope: Places, rolled: Days | None, live: Days | None, watermark: int | None
) -> dict[str, list[int]]:
    """Credits issued, redeemed and expired (ledger units) by month: the rolled-up days' sums
    and the live days' (`credits.figures.by_month`)."""
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    parts = [await rollup.credits_by_month(scope, rolled)] if rolled else []
    if live:
        parts.append(
            await credits_figures.by_month(scope, live.start, live.to, after_entry=watermark)
        )
    for part in parts:
        for month, amounts in part.items():
            for n, amount in enumerate(amounts):
                months[month][n] += amount
    return months


async def _work(
    scope: Places, rolled: Days | None, live: Days | None, by: str
) -> dict[str, list[int]]:
    """Service records, verified hours (tenths) and approved deeds by `by` (a column): the
    rolled-up days' sums and the live days' (`activities.figures.work`)."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    parts = [await rollup.work_by(scope, rolled, by)] if rolled else []
    if live:
        parts.append(await work_figures.work(scope, live.start, live.to, by))
    for part in parts:
        for key, figures in part.items():
            totals = found[key]
            totals[0] += figures.records
            totals[1] += figures.tenths
            totals[2] += figures.deeds
    return found


async def _people_by_community(
    scope: Places, start: date, to: date, through: date | None
) -> dict[str, int]:
    """Residents who served, per community: from the rollup when it can answer, or live."""
    rolled = await rollup.served_by_community(scope, start, to, through)
    if rolled is not None:
        return rolled
    return await work_figures.served_by_community(scope, start, to)


async def _participants(scope: Places, start: date, to: date, through: date | None) -> int:
    rolled = await rollup.participants(scope, start, to, through)
    if rolled is not None:
        return rolled
    return await work_figures.participants(scope, start, to)


async def _stars(scope: Places) -> list[dict[str, Any]]:
    """The scope's residents who have served, by star level (`residents_by_star`)."""
    counts = await residents_by_star(scope.where())
    thresholds = await star_thresholds()
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


def _f(value: Decimal) -> float:
    return float(value)


async def compute(
    scope: Places,
    start: date,
    to: date,
    community_names: dict[str, str],
    *,
    through: date | None = None,
    stars: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Every figure of the dashboard for `scope` and the period, JSON-ready (what a snapshot
    keeps). Days before `through` come from the rollup, the others are added up live; star
    levels (not of a period) are `stars` when given. Names are in the language of the moment
    (Chinese for the job)."""
    rolled, live = rollup.split(start, to, through)
    watermark = await rollup.entry_watermark(scope.district_id) if through else None
    credits = await _credits_by_month(scope, rolled, live, watermark)
    months = _months(start, to)

    def units(month: str, n: int) -> float:
        return _f(from_units(credits[month][n])) if month in credits else 0.0

    credit_rows: list[dict[str, Any]] = [
        {"month": m, "issued": units(m, 0), "redeemed": units(m, 1), "expired": units(m, 2)}
        for m in months
    ]
    names: dict[str, str] = {}
    if scope.district_id:
        names.update(await lookups.action_names(scope.district_id))
    else:
        names.update(await lookups.action_names(None))

    action_rows: list[dict[str, Any]] = [
        {"name": names.get(code, translate("Unknown")), "hours": tenths / 10,
         "records": records, "deeds": deeds}
        for code, (records, tenths, deeds) in (await _work(scope, rolled, live, "action")).items()
    ]  # fmt: skip
    action_rows.sort(key=lambda r: (-r["records"] - r["deeds"], r["name"]))
    people = await _people_by_community(scope, start, to, through)
    community_rows: list[dict[str, Any]] = [
        {"name": community_names.get(cid, "—"), "people": people.get(cid, 0),
         "hours": tenths / 10, "deeds": deeds}
        for cid, (_n, tenths, deeds) in (await _work(scope, rolled, live, "community_id")).items()
    ]  # fmt: skip
    community_rows.sort(key=lambda r: r["name"])
    if stars is None:
        stars = await _stars(scope)
    totals = {
        "participants": await _participants(scope, start, to, through),
        "hours": round(sum(r["hours"] for r in action_rows), 1),
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


def snapshot_key(scope: Places) -> str | None:
    """Snapshots are kept per district, per community, per set of communities (a worker's)
    and for the whole city."""
    if scope.district_id is None:
        return "city" if scope.community_ids is None else None
    if scope.community_ids is None:
        return f"district:{scope.district_id}"
    if len(scope.community_ids) == 1:
        return f"community:{scope.community_ids[0]}"
    return f"communities:{rollup.set_key(scope.community_ids)}"


def default_period() -> tuple[date, date]:
    today = localtime.today()
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


async def refresh_district(district_id: str) -> dict[str, int]:
    """Rebuilds the district's rollup (every day before today), then its dashboard and its
    communities' over the last twelve months."""
    today = localtime.today()
    kept = await rollup.rebuild(district_id, today)
    start, to = default_period()
    communities = {c.id: c.name for c in await Community.filter(district_id=district_id)}
    scopes = [Places(district_id, None)] + [Places(district_id, (c,)) for c in communities]
    scopes += [Places(district_id, ids) for ids in await community_sets(district_id)]
    for scope in scopes:
        key = snapshot_key(scope)
        assert key is not None
        data = await compute(scope, start, to, communities, through=today)
        await store_snapshot(key, start, to, data)
    return {"rollup_days": kept, "dashboards": len(scopes)}


async def refresh_snapshots() -> dict[str, int]:
    """The `console-dashboards` job: every district's rollup and dashboards, then the whole
    city's participants and dashboard."""
    totals = {"districts": 0, "rollup_days": 0, "dashboards": 0}
    for district in await District.all().order_by("id"):
        for name, value in (await refresh_district(district.id)).items():
            totals[name] += value
        totals["districts"] += 1
    today = localtime.today()
    await rollup.rebuild_city(today)
    start, to = default_period()
    names = {c.id: c.name for c in await Community.all()}
    await store_snapshot(
        "city",
        start,
        to,
        await compute(Places(None, None), start, to, names, through=await rollup.through(None)),
    )
    totals["dashboards"] += 1
    return totals


async def dashboard(ctx: Ctx) -> Response:
    community_id = ctx.request.query_params.get("community") or None
    scope = await scope_of(ctx.who, community_id)
    start, to = period(ctx)
    communities = {c.id: c for c in await communities_of(ctx.who).rows()}
    key = snapshot_key(scope)
    snapshot = await DashboardSnapshot.get_or_none(scope=key) if key else None
    if snapshot and snapshot.computed_at < datetime.now(UTC) - SNAPSHOT_FRESH:
        snapshot = None
    data = None
    as_of = None
    if snapshot and (start, to) == default_period() and snapshot.period_to == to:
        data, as_of = snapshot.data, snapshot.computed_at
    if data is None:
        names = {c.id: c.name for c in communities.values()}
        if scope.district_id:
            names.update(
                {c.id: c.name for c in await Community.filter(district_id=scope.district_id)}
            )
        # Star levels are not of a period: a fresh snapshot's are as good as new ones.
        stars = snapshot.data["stars"] if snapshot else None
        through = await rollup.through(scope.district_id)
        data = await compute(scope, start, to, names, through=through, stars=stars)
        if key and (start, to) == default_period():
            await store_snapshot(key, start, to, data)
    pending = await work_figures.waiting(ctx.who)
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
