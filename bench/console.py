"""Render time of every console page, on the demo district plus a generated year of it.

    python -m bench.console                       # 50,000 residents, 2,000 activities,
                                                  # 200,000 service records (and attendances,
                                                  # ledger entries), 20,000 deeds
    python -m bench.console --residents 5000 --activities 200 --records 20000   # quick

(As a module: run as a script, `bench/http.py` would shadow the standard library's `http`.)
Works on a throwaway SQLite file (the default) or `--database-url postgres://…` (an empty
database). The year is written straight in SQL after `seed-demo`, into the demo district's
communities, so the demo's staff see it. Each page is rendered through the application
(ASGI, no network) `--rounds` times, signed in to the console as the district administrator
and as a community worker; the table shows the median and the worst, against 300 ms."""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from tortoise import Tortoise, connections

from kernel.ids import new_id

TARGET_MS = 300
ACTIONS = ["volunteering", "caring-kitchen", "waste-sorting", "zebra-crossing"]


def _at(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _stored(value: Any, postgres: bool) -> Any:
    """A value as the driver takes it: asyncpg wants dates, times and decimals as such,
    SQLite keeps them as text."""
    if postgres or not isinstance(value, datetime | date | Decimal):
        return value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value) if isinstance(value, Decimal) else value.isoformat()


async def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    marks = ", ".join(f"${i + 1}" if postgres else "?" for i in range(len(columns)))
    query = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        await connection.execute_many(query, [[_stored(v, postgres) for v in r] for r in chunk])


async def generate(residents: int, activities: int, records: int, deeds: int) -> None:
    """A year of the demo district: residents in its communities, activities spread over the
    year, service records (each with its attendance and its credits), deeds."""
    from accounts.models import Community, District

    district = await District.get(code="haishu")
    communities = await Community.filter(district_id=district.id)
    rng = random.Random(2026)
    now = datetime.now(UTC)
    people = []
    rows: list[tuple[Any, ...]] = []
    for n in range(residents):
        rid = new_id()
        community = communities[n % len(communities)]
        people.append((rid, community.id))
        rows.append((rid, f"bench-{n}", f"居民{n}", True, _at(now), community.id, district.id))
    await _insert(
        "resident",
        [
            "id",
            "openid",
            "nickname",
            "public_profile",
            "created_at",
            "community_id",
            "district_id",
        ],
        rows,
    )
    year: list[tuple[str, str, str, datetime, datetime]] = []
    rows = []
    for n in range(activities):
        aid = new_id()
        community = communities[n % len(communities)]
        starts = now - timedelta(days=365 * n / activities + 1, hours=rng.randint(0, 10))
        ends = starts + timedelta(hours=rng.choice([2, 3, 4]))
        action = rng.choice(ACTIONS[:2])
        year.append((aid, community.id, action, starts, ends))
        rows.append(
            (
                aid,
                district.id,
                community.id,
                action,
                f"第{n}次志愿活动",
                "",
                _at(starts),
                _at(ends),
                200,
                0,
                29.87,
                121.54,
                300,
                "鼓楼",
                "finished",
                "staff:bench",
                _at(now),
                _at(now),
                False,
            )
        )
    await _insert(
        "activity",
        [
            "id",
            "district_id",
            "community_id",
            "action",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "capacity",
            "enrolled_count",
            "lat",
            "lng",
            "radius_m",
            "address",
            "status",
            "created_by",
            "created_at",
            "updated_at",
            "walk_ins",
        ],
        rows,
    )
    await _insert(
        "ledger_account",
        ["id", "district_id", "owner_kind", "owner_id", "kind", "asset", "bounded", "balance",
         "created_at"],
        [("bench-account", district.id, "resident", "bench", "available", "credits", False, 0,
          _at(now))],
    )  # fmt: skip
    attendances: list[tuple[Any, ...]] = []
    service: list[tuple[Any, ...]] = []
    transactions: list[tuple[Any, ...]] = []
    entries: list[tuple[Any, ...]] = []
    seen: set[tuple[int, int]] = set()
    while len(service) < records:
        a = rng.randrange(activities)
        p = rng.randrange(residents)
        if (a, p) in seen:
            continue
        seen.add((a, p))
        aid, cid, action, starts, ends = year[a]
        rid, _rcid = people[p]
        att, rec, tx = new_id(), new_id(), new_id()
        hours = Decimal(f"{(ends - starts).total_seconds() / 3600:.1f}")
        status = "verified" if rng.random() > 0.02 else "pending"
        attendances.append(
            (att, district.id, cid, aid, rid, "live", status, _at(starts), _at(ends), hours,
             "", "[]", "staff:bench", _at(ends))
        )  # fmt: skip
        if status != "verified":
            continue
        service.append(
            (rec, district.id, cid, rid, aid, att, "record", action, "志愿服务", "海曙区",
             hours, starts.date(), False, "", "staff:bench", _at(ends))
        )  # fmt: skip
        transactions.append(
            (tx, district.id, "participation", "service_record", rec, action, "staff:bench",
             "", _at(ends), _at(ends))
        )  # fmt: skip
        entries.append(
            (district.id, "resident", rid, "available", "credits", action, "participation",
             int(hours * 1000), True, _at(ends), "bench-account", tx)
        )  # fmt: skip
    await _insert(
        "attendance",
        ["id", "district_id", "community_id", "activity_id", "resident_id", "source", "status",
         "checked_in_at", "checked_out_at", "hours", "note", "flags", "recorded_by",
         "created_at"],
        attendances,
    )  # fmt: skip
    await _insert(
        "service_record",
        ["id", "district_id", "community_id", "resident_id", "activity_id", "attendance_id",
         "kind", "action", "content", "organiser", "hours", "served_on", "backfill", "reason",
         "verified_by", "verified_at"],
        service,
    )  # fmt: skip
    await _insert(
        "ledger_transaction",
        ["id", "district_id", "kind", "ref_type", "ref_id", "action", "actor", "memo",
         "occurred_at", "created_at"],
        transactions,
    )  # fmt: skip
    # A year written before the demo's day: its entries' ids come before the demo's (ids are
    # taken in time order, and the dashboards' rollup counts on it).
    entries = [(n - len(entries), *entry) for n, entry in enumerate(entries)]
    await _insert(
        "ledger_entry",
        ["id", "district_id", "owner_kind", "owner_id", "account_kind", "asset", "action", "kind",
         "amount", "earning", "created_at", "account_id", "transaction_id"],
        entries,
    )  # fmt: skip
    rows = []
    for n in range(deeds):
        rid, cid = people[rng.randrange(residents)]
        at = now - timedelta(days=rng.randint(0, 364), hours=rng.randint(1, 20))
        rows.append(
            (new_id(), district.id, cid, rid, rng.choice(ACTIONS[2:]), "礼让行人", _at(at),
             at.date(), "[]", "report",
             "pending" if n % 50 == 0 else "approved", "[]", f"resident:{rid}", _at(at))
        )  # fmt: skip
    await _insert(
        "deed",
        ["id", "district_id", "community_id", "resident_id", "action", "description",
         "occurred_at", "occurred_on", "evidence", "mode", "status", "flags", "reported_by",
         "created_at"],
        rows,
    )  # fmt: skip


async def generate_oversight(units: int, inspections: int, reports: int, tasks: int) -> None:
    """A year of the demo district's oversight: units in its communities, recorded inspections
    with an item result per checklist item, problem reports (most decided) and rectification
    tasks, spread over the year."""
    from accounts.models import Community, District
    from oversight.models import Checklist, ChecklistItem

    district = await District.get(code="haishu")
    communities = [c.id for c in await Community.filter(district_id=district.id)]
    checklists = await Checklist.filter(district_id=district.id, retired_at=None)
    items = {
        c.id: [i.id for i in await ChecklistItem.filter(checklist_id=c.id)] for c in checklists
    }
    rng = random.Random(2027)
    now = datetime.now(UTC)
    made: list[tuple[str, str, Any]] = []  # (unit, community, checklist)
    rows: list[tuple[Any, ...]] = []
    for n in range(units):
        checklist = checklists[n % len(checklists)]
        uid, cid = new_id(), communities[n % len(communities)]
        made.append((uid, cid, checklist))
        rows.append((uid, district.id, cid, f"bench-{n}", f"单位{n}", checklist.unit_type,
                     "海曙区某路", "", "", "staff:bench", _at(now)))  # fmt: skip
    await _insert(
        "oversight_unit",
        ["id", "district_id", "community_id", "code", "name", "type", "address",
         "responsible_name", "responsible_phone", "created_by", "created_at"],
        rows,
    )  # fmt: skip
    rows, results = [], []
    for _ in range(inspections):
        uid, cid, checklist = made[min(units - 1, int(units * rng.random() ** 1.5))]
        at = now - timedelta(days=rng.randint(1, 364), hours=rng.randint(0, 20))
        iid, failed = new_id(), rng.random() < 0.2
        scores = [rng.randint(0, 7) if failed else rng.randint(6, 10) for _ in items[checklist.id]]
        score = Decimal(sum(scores) * 10) / max(1, len(scores))
        rows.append((iid, district.id, cid, uid, checklist.id, "recorded",
                     score.quantize(Decimal("0.01")), not failed, "staff:bench", _at(at),
                     "staff:bench", _at(at)))  # fmt: skip
        results += [(district.id, iid, item, s, "[]", "") for item, s in
                    zip(items[checklist.id], scores, strict=True)]  # fmt: skip
    await _insert(
        "oversight_inspection",
        ["id", "district_id", "community_id", "unit_id", "checklist_id", "status", "score",
         "passed", "inspected_by", "inspected_at", "created_by", "created_at"],
        rows,
    )  # fmt: skip
    await _insert(
        "oversight_inspection_result",
        ["district_id", "inspection_id", "item_id", "score", "photos", "note"],
        results,
    )  # fmt: skip
    rows = []
    for n in range(reports):
        uid, cid, _checklist = made[rng.randrange(units)]
        at = now - timedelta(days=rng.randint(0, 364), hours=rng.randint(1, 20))
        status = "submitted" if n % 40 == 0 else rng.choice(["confirmed", "resolved", "rejected"])
        rows.append((new_id(), district.id, cid, "bench-resident", uid, "litter", "垃圾乱放",
                     "某路", "[]", status, at.date(), status != "rejected", _at(at)))  # fmt: skip
    await _insert(
        "oversight_problem_report",
        ["id", "district_id", "community_id", "reporter_id", "unit_id", "category",
         "description", "address", "photos", "status", "reported_on", "credits_posted",
         "created_at"],
        rows,
    )  # fmt: skip
    rows = []
    for n in range(tasks):
        uid, cid, _checklist = made[rng.randrange(units)]
        at = now - timedelta(days=rng.randint(0, 364))
        status = "open" if n % 10 == 0 else "closed"
        rows.append((new_id(), district.id, cid, uid, "inspection", new_id(), "限期整改",
                     _at(at + timedelta(days=7)), status, 0,
                     _at(at + timedelta(days=5)) if status == "closed" else None,
                     "staff:bench", _at(at)))  # fmt: skip
    await _insert(
        "oversight_rectification_task",
        ["id", "district_id", "community_id", "unit_id", "source", "source_id", "instructions",
         "deadline", "status", "escalation_level", "closed_at", "created_by", "created_at"],
        rows,
    )  # fmt: skip


async def _signed_in(app: Any, username: str, password: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=120
    )
    await client.get("/console/login")
    answer = await client.post(
        "/console/login",
        data={"csrf": client.cookies["console_pre"], "username": username, "password": password},
    )
    assert answer.status_code == 303, answer.text
    return client


async def measure(app: Any, rounds: int) -> list[tuple[str, str, float, float, int]]:
    from accounts.models import Community
    from activities.models import Activity
    from oversight.models import Inspection, RectificationTask, Unit, UnitList

    busiest = await Activity.filter(status="finished").order_by("-starts_at").first()
    today = datetime.now(UTC).date()
    quarter = today - timedelta(days=90)
    month = (today.replace(day=1) - timedelta(days=40)).replace(day=1)
    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    assert busiest is not None
    dashboards = [
        "/console/dashboard",
        "/console/dashboard?from=2020-01-01",  # periods of their own: rollup + today live
        f"/console/dashboard?from={quarter}",
        f"/console/dashboard?from={month}&to={month_end}",
    ]
    pages = [
        "/console/",
        "/console/activities",
        f"/console/activities/{busiest.id}",
        f"/console/activities/{busiest.id}/checkin",
        "/console/deeds",
        "/console/deeds/attest?q=居民12",
        "/console/corrections",
        "/console/handover",
        *dashboards,
        "/console/exports",
        "/console/rewards",
        "/console/settings",
        "/console/staff",
        "/console/badges",
        "/console/honour-roll",
    ]
    # The oversight pages, on a unit, inspection, task and list the worker sees too.
    gulou = await Community.get(code="gulou")
    unit = await Unit.filter(code__startswith="bench-", community_id=gulou.id).first()
    inspection = await Inspection.filter(unit_id=unit.id if unit else "").first()
    task = (
        await RectificationTask.filter(status="open", community_id=gulou.id)
        .order_by("-created_at")
        .first()
    )
    unit_list = await UnitList.all().order_by("-id").first()
    oversight = [
        "/console/oversight/reports",
        "/console/oversight/reports?status=confirmed",
        "/console/oversight/units",
        "/console/oversight/units?q=单位12",
        *([f"/console/oversight/units/{unit.id}/record"] if unit else []),
        "/console/oversight/inspections",
        *([f"/console/oversight/inspections/{inspection.id}"] if inspection else []),
        "/console/oversight/tasks",
        *([f"/console/oversight/tasks/{task.id}"] if task else []),
        "/console/oversight/lists",
        *([f"/console/oversight/lists/{unit_list.id}"] if unit_list else []),
        "/console/oversight/dashboard",
    ]
    results = []
    for username, shown in (
        ("haishu-admin", pages + oversight),
        ("gulou-worker", pages + oversight),
        ("yuehu-worker", dashboards),  # serves two communities
        ("admin", dashboards),  # the platform administrator: the whole city
    ):
        client = await _signed_in(app, username, "demo-password-2026")
        try:
            for path in shown:
                timings = []
                status = 0
                for _ in range(rounds):
                    started = time.perf_counter()
                    answer = await client.get(path, headers={"X-Console-Fetch": "1"})
                    timings.append((time.perf_counter() - started) * 1000)
                    status = answer.status_code
                results.append((username, path, statistics.median(timings), max(timings), status))
        finally:
            await client.aclose()
    return results


async def draft_lists() -> str:
    """The district's red and black lists of the last complete quarter (as the job drafts them)."""
    from accounts.models import District
    from kernel.db import transaction
    from oversight.lists import compute_district

    today = datetime.now(UTC).date()
    index = (today.month - 1) // 3  # the quarter before this one (0: last year's fourth)
    period = f"{today.year}Q{index}" if index else f"{today.year - 1}Q4"
    district = await District.get(code="haishu")
    async with transaction():
        await compute_district(district.id, period, now=datetime.now(UTC))
    return period


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--residents", type=int, default=50_000)
    parser.add_argument("--activities", type=int, default=2_000)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--deeds", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=3_000)
    parser.add_argument("--inspections", type=int, default=12_000)
    parser.add_argument("--reports", type=int, default=30_000)
    parser.add_argument("--tasks", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from tortoise.migrations.api import migrate

    from app.demo import seed
    from app.domains import tortoise_config
    from app.main import create_app
    from kernel.settings import Settings, configure

    folder = Path(tempfile.mkdtemp(prefix="bench-console-"))
    url = args.database_url or f"sqlite://{folder / 'bench.sqlite3'}"
    settings = configure(
        Settings(app_env="test", database_url=url, var_dir=folder, scheduler_enabled=False)
    )
    await migrate(config=tortoise_config(settings))
    await Tortoise.close_connections()
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        await seed("demo-password-2026")
        started = time.perf_counter()
        await generate(args.residents, args.activities, args.records, args.deeds)
        print(
            f"generated {args.residents} residents, {args.activities} activities, "
            f"{args.records} records, {args.deeds} deeds in {time.perf_counter() - started:.0f} s"
            f" ({'PostgreSQL' if 'postgres' in url else 'SQLite'})"
        )
        started = time.perf_counter()
        await generate_oversight(args.units, args.inspections, args.reports, args.tasks)
        period = await draft_lists()
        print(
            f"generated {args.units} units, {args.inspections} inspections (an item result per "
            f"checklist item), {args.reports} reports, {args.tasks} tasks, the lists of "
            f"{period} in {time.perf_counter() - started:.0f} s"
        )
        if "postgres" in url:  # statistics, as autovacuum gathers within a minute of a load
            await connections.get("default").execute_script("ANALYZE")
        from console.pages.dashboard import refresh_snapshots

        started = time.perf_counter()
        dashboards = await refresh_snapshots()
        print(f"console-dashboards job: {dashboards} in {time.perf_counter() - started:.1f} s")
        results = await measure(app, args.rounds)
    print(f"\n{'who':<13} {'page':<60} {'median ms':>9} {'max ms':>8}  status")
    print("(the last twelve months: the job's snapshot; `from=`: the rollup, today added live)")
    slow = 0
    for who, path, median, worst, status in results:
        mark = "" if median < TARGET_MS else "  > target"
        slow += median >= TARGET_MS
        shown = re.sub(r"[0-9a-z]{26}", "{id}", path)
        print(f"{who:<13} {shown:<60} {median:>9.0f} {worst:>8.0f}  {status}{mark}")
    print(f"\n{len(results) - slow} of {len(results)} pages under {TARGET_MS} ms (median)")


if __name__ == "__main__":
    asyncio.run(main())
