"""Render time of every console page, on the demo district plus a generated year of it.

    python bench/console.py                       # 50,000 residents, 2,000 activities,
                                                  # 200,000 service records (and attendances,
                                                  # ledger entries), 20,000 deeds
    python bench/console.py --residents 5000 --activities 200 --records 20000   # quick

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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from tortoise import Tortoise, connections

from app.core.ids import new_id

TARGET_MS = 300
ACTIONS = ["volunteering", "caring-kitchen", "waste-sorting", "zebra-crossing"]


def _at(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(sep=" ")


async def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    marks = ", ".join(f"${i + 1}" if postgres else "?" for i in range(len(columns)))
    query = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    for start in range(0, len(rows), 5000):
        await connection.execute_many(query, [list(r) for r in rows[start : start + 5000]])


async def generate(residents: int, activities: int, records: int, deeds: int) -> None:
    """A year of the demo district: residents in its communities, activities spread over the
    year, service records (each with its attendance and its credits), deeds."""
    from app.accounts.models import Community, District

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
        hours = f"{(ends - starts).total_seconds() / 3600:.1f}"
        status = "verified" if rng.random() > 0.02 else "pending"
        attendances.append(
            (att, district.id, cid, aid, rid, "live", status, _at(starts), _at(ends), hours,
             "", "[]", "staff:bench", _at(ends))
        )  # fmt: skip
        if status != "verified":
            continue
        service.append(
            (rec, district.id, cid, rid, aid, att, "record", action, "志愿服务", "海曙区",
             hours, starts.date().isoformat(), False, "", "staff:bench", _at(ends))
        )  # fmt: skip
        transactions.append(
            (tx, district.id, "participation", "service_record", rec, action, "staff:bench",
             "", _at(ends), _at(ends))
        )  # fmt: skip
        entries.append(
            (district.id, "resident", rid, "available", "credits", action, "participation",
             int(float(hours) * 1000), True, _at(ends), "bench-account", tx)
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
    await _insert(
        "ledger_entry",
        ["district_id", "owner_kind", "owner_id", "account_kind", "asset", "action", "kind",
         "amount", "earning", "created_at", "account_id", "transaction_id"],
        entries,
    )  # fmt: skip
    rows = []
    for n in range(deeds):
        rid, cid = people[rng.randrange(residents)]
        at = now - timedelta(days=rng.randint(0, 364), hours=rng.randint(1, 20))
        rows.append(
            (new_id(), district.id, cid, rid, rng.choice(ACTIONS[2:]), "礼让行人", _at(at),
             at.date().isoformat(), "[]", "report",
             "pending" if n % 50 == 0 else "approved", "[]", f"resident:{rid}", _at(at))
        )  # fmt: skip
    await _insert(
        "deed",
        ["id", "district_id", "community_id", "resident_id", "action", "description",
         "occurred_at", "occurred_on", "evidence", "mode", "status", "flags", "reported_by",
         "created_at"],
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
    from activities.models import Activity

    busiest = await Activity.filter(status="finished").order_by("-starts_at").first()
    assert busiest is not None
    pages = [
        "/console/",
        "/console/activities",
        f"/console/activities/{busiest.id}",
        f"/console/activities/{busiest.id}/checkin-code",
        "/console/deeds",
        "/console/deeds/attest?q=居民12",
        "/console/corrections",
        "/console/handover",
        "/console/dashboard",
        "/console/dashboard?from=2020-01-01",  # a period of its own: added up live
        "/console/exports",
        "/console/rewards",
        "/console/settings",
        "/console/staff",
        "/console/badges",
        "/console/honour-roll",
    ]
    results = []
    for username in ("haishu-admin", "gulou-worker"):
        client = await _signed_in(app, username, "demo-password-2026")
        try:
            for path in pages:
                timings = []
                status = 0
                for _ in range(1 if "from=" in path else rounds):
                    started = time.perf_counter()
                    answer = await client.get(path, headers={"X-Console-Fetch": "1"})
                    timings.append((time.perf_counter() - started) * 1000)
                    status = answer.status_code
                results.append((username, path, statistics.median(timings), max(timings), status))
        finally:
            await client.aclose()
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--residents", type=int, default=50_000)
    parser.add_argument("--activities", type=int, default=2_000)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--deeds", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from tortoise.migrations.api import migrate

    from app.core.settings import Settings, configure
    from app.demo import seed
    from app.domains import tortoise_config
    from app.main import create_app

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
        from app.console.pages.dashboard import refresh_snapshots

        started = time.perf_counter()
        dashboards = await refresh_snapshots()
        print(
            f"console-dashboards job: {dashboards} dashboards added up in "
            f"{time.perf_counter() - started:.1f} s"
        )
        results = await measure(app, args.rounds)
    print(f"\n{'who':<13} {'page':<52} {'median ms':>9} {'max ms':>8}  status")
    print("(the dashboard of the last twelve months is the job's snapshot; `from=` adds up live)")
    slow = 0
    for who, path, median, worst, status in results:
        mark = "" if median < TARGET_MS else "  > target"
        slow += median >= TARGET_MS
        shown = re.sub(r"[0-9a-z]{26}", "{id}", path)
        print(f"{who:<13} {shown:<52} {median:>9.0f} {worst:>8.0f}  {status}{mark}")
    print(f"\n{len(results) - slow} of {len(results)} pages under {TARGET_MS} ms (median)")


if __name__ == "__main__":
    asyncio.run(main())
