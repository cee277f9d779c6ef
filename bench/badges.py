"""Benchmark of the award-badges job on PostgreSQL.

Generates residents and ledger participations straight in SQL (four entries per participation,
skewed so that a few residents are very active), then times award-badges on the first run and
on a re-run, and a naive per-resident loop over a sample for the ratio per resident.

    python bench/badges.py                                   # full size: 1,000,000 / 10,000,000
    python bench/badges.py --residents 5000 --entries 50000 --sample 500     # CI-sized

Without `--database-url` a throwaway PostgreSQL cluster is started (as the tests do). The last
line printed is the result as JSON."""

from __future__ import annotations

import sys

# Run as a script, this directory comes first on sys.path, where bench/http.py would hide the
# standard library's `http` package: the project root takes its place.
sys.path.insert(0, sys.path.pop(0).removesuffix("/bench"))

import argparse
import asyncio
import json
import secrets
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tortoise import Tortoise, connections

from activities.service import TEN_ACTIONS

ACTIONS = list(TEN_ACTIONS)
HOUR_ACTIONS = {3, 7}  # volunteering, caring-kitchen: hours; the others: a deed earning credits
DISTRICTS = 10

DISTRICT_ID = "lpad(to_hex(1 + {n} % {districts}), 26, '0')"
RESIDENT_ID = "'r' || lpad(to_hex({n}), 25, '0')"


def _generate_statements(residents: int, entries: int) -> list[str]:
    participations = entries // 4
    actions = "ARRAY[" + ",".join(f"'{a}'" for a in ACTIONS) + "]"
    hour_actions = ",".join(str(i) for i in HOUR_ACTIONS)
    district_of = DISTRICT_ID.format(n="{n}", districts=DISTRICTS)
    return [
        f"""INSERT INTO district (id, code, name, created_at)
            SELECT lpad(to_hex(d), 26, '0'), 'bench-' || d, '区 ' || d, now()
            FROM generate_series(1, {DISTRICTS}) d""",
        f"""INSERT INTO resident (id, openid, nickname, district_id, public_profile, created_at)
            SELECT {RESIDENT_ID.format(n="n")}, 'bench-' || n, '居民' || n,
                   {district_of.format(n="n")}, n % 10 = 0, now()
            FROM generate_series(1, {residents}) n""",
        f"""INSERT INTO ledger_account
                (id, district_id, owner_kind, owner_id, kind, asset, bounded, balance, created_at)
            SELECT 'a' || s.code || lpad(to_hex(n), 24, '0'), {district_of.format(n="n")},
                   'resident', {RESIDENT_ID.format(n="n")}, 'available', s.asset, true, 0, now()
            FROM generate_series(1, {residents}) n
            CROSS JOIN (VALUES ('p', 'participations'), ('h', 'hours'), ('c', 'credits'))
                AS s(code, asset)""",
        f"""INSERT INTO ledger_account
                (id, district_id, owner_kind, owner_id, kind, asset, bounded, balance, created_at)
            SELECT 'd' || s.code || lpad(to_hex(d), 24, '0'), lpad(to_hex(d), 26, '0'),
                   'district', lpad(to_hex(d), 26, '0'), 'issuance', s.asset, false, 0, now()
            FROM generate_series(1, {DISTRICTS}) d
            CROSS JOIN (VALUES ('p', 'participations'), ('h', 'hours'), ('c', 'credits'))
                AS s(code, asset)""",
        f"""CREATE UNLOGGED TABLE bench_participation AS
            SELECT t, 1 + floor({residents} * power(random(), 3))::bigint AS n,
                   floor(random() * 10)::int AS a, 1 + floor(random() * 8)::int AS h
            FROM generate_series(1, {participations}) t""",
        f"""INSERT INTO ledger_transaction (id, district_id, kind, ref_type, ref_id, action,
                actor, memo, occurred_at, created_at)
            SELECT 't' || lpad(to_hex(t), 25, '0'), {district_of.format(n="n")}, 'participation',
                   'service_record', 'bench-' || t, ({actions})[a + 1], 'bench', '', now(), now()
            FROM bench_participation""",
        f"""INSERT INTO ledger_entry (transaction_id, account_id, district_id, owner_kind,
                owner_id, account_kind, asset, action, kind, amount, earning, created_at)
            SELECT 't' || lpad(to_hex(p.t), 25, '0'),
                   CASE WHEN leg.owner = 'resident'
                        THEN 'a' || leg.code || lpad(to_hex(p.n), 24, '0')
                        ELSE 'd' || leg.code || lpad(to_hex(1 + p.n % {DISTRICTS}), 24, '0') END,
                   {district_of.format(n="p.n")},
                   leg.owner,
                   CASE WHEN leg.owner = 'resident' THEN {RESIDENT_ID.format(n="p.n")}
                        ELSE {district_of.format(n="p.n")} END,
                   CASE WHEN leg.owner = 'resident' THEN 'available' ELSE 'issuance' END,
                   leg.asset, ({actions})[p.a + 1], 'participation',
                   leg.sign * leg.units, leg.asset = 'credits' AND leg.owner = 'resident', now()
            FROM bench_participation p
            CROSS JOIN LATERAL (VALUES
                ('resident', 'p', 'participations', 1, 100),
                ('district', 'p', 'participations', -1, 100),
                ('resident', CASE WHEN p.a IN ({hour_actions}) THEN 'h' ELSE 'c' END,
                    CASE WHEN p.a IN ({hour_actions}) THEN 'hours' ELSE 'credits' END, 1,
                    CASE WHEN p.a IN ({hour_actions}) THEN 100 * p.h ELSE 200 END),
                ('district', CASE WHEN p.a IN ({hour_actions}) THEN 'h' ELSE 'c' END,
                    CASE WHEN p.a IN ({hour_actions}) THEN 'hours' ELSE 'credits' END, -1,
                    CASE WHEN p.a IN ({hour_actions}) THEN 100 * p.h ELSE 200 END)
            ) AS leg(owner, code, asset, sign, units)""",
        "DROP TABLE bench_participation",
        # The residents' running totals, as the ledger posts them with each entry.
        """INSERT INTO resident_total (district_id, owner_id, asset, action, amount)
            SELECT district_id, owner_id, asset, COALESCE(action, ''), SUM(amount)
            FROM ledger_entry WHERE owner_kind = 'resident' AND account_kind = 'available'
            GROUP BY district_id, owner_id, asset, COALESCE(action, '')""",
        "ANALYZE",
    ]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def naive_award(resident_ids: list[str]) -> int:
    """What set-based SQL replaces: per resident, read the totals, then check every badge."""
    from tortoise.functions import Sum

    from accounts.models import Resident
    from credits.models import Entry
    from credits.recognition.models import BadgeAward, BadgeDefinition
    from kernel.outbox import queue_notification
    from kernel.settings import get_settings

    badges = await BadgeDefinition.all()
    base = get_settings().public_base_url.rstrip("/")
    awarded = 0
    for resident_id in resident_ids:
        resident = await Resident.get(id=resident_id)
        rows = (
            await Entry.filter(
                owner_kind="resident", owner_id=resident_id, account_kind="available"
            )
            .group_by("district_id", "asset", "action")
            .annotate(total=Sum("amount"))
            .values("district_id", "asset", "action", "total")
        )
        metrics: dict[tuple[str | None, str, str | None], int] = defaultdict(int)
        actions: dict[str | None, set[str]] = defaultdict(set)
        for row in rows:
            total = int(row["total"] or 0)
            for scope in (row["district_id"], None):
                if row["asset"] == "hours":
                    metrics[(scope, "hours_total", None)] += total
                elif row["asset"] == "credits" and row["action"]:
                    metrics[(scope, "credits_earned", None)] += total
                elif row["asset"] == "participations" and row["action"]:
                    metrics[(scope, "action_count", row["action"])] += total
                    if total > 0:
                        actions[scope].add(row["action"])
        for scope, codes in actions.items():
            metrics[(scope, "distinct_actions", None)] = 100 * len(codes)
        for badge in badges:
            key = (badge.district_id, badge.criterion_kind, badge.criterion_action)
            if metrics.get(key, 0) < badge.threshold * 100:
                continue
            if await BadgeAward.exists(resident_id=resident_id, badge_id=badge.id):
                continue
            award = await BadgeAward.create(
                public_id=secrets.token_hex(16),
                district_id=badge.district_id or resident.district_id,
                resident_id=resident_id,
                badge_id=badge.id,
                awarded_at=datetime.now(UTC),
            )
            await queue_notification(
                "resident",
                resident_id,
                "badge_awarded",
                {
                    "badge_code": badge.code,
                    "credential_url": f"{base}/credentials/{award.public_id}",
                },
            )
            awarded += 1
    return awarded


async def _award_badges() -> dict[str, Any]:
    """A run as the scheduler makes it (its stats are the next run's starting point)."""
    from kernel.scheduler import run_job

    run = await run_job("award-badges")
    assert run is not None and run.status == "succeeded", run and run.error
    return dict(run.stats)


async def run(database_url: str, residents: int, entries: int, sample: int) -> dict[str, Any]:
    from tortoise.migrations.api import migrate

    import app.main  # noqa: F401  (registers every model and job)
    from app.domains import tortoise_config
    from kernel.db import transaction
    from kernel.ids import new_id
    from kernel.settings import Settings, configure

    settings = configure(Settings(app_env="test", database_url=database_url))
    config = tortoise_config(settings)
    await migrate(config=config)
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    try:
        client = connections.get("default")
        started = time.perf_counter()
        for statement in _generate_statements(residents, entries):
            await client.execute_script(statement)
            _progress(f"{time.perf_counter() - started:.1f}s {statement.split()[0:3]}")
        generated = time.perf_counter() - started
        entry_count = (await client.execute_query_dict("SELECT count(*) AS n FROM ledger_entry"))[
            0
        ]["n"]

        started = time.perf_counter()
        first = await _award_badges()
        first_seconds = time.perf_counter() - started
        _progress(f"first run {first_seconds:.1f}s {first}")
        started = time.perf_counter()
        again = await _award_badges()
        rerun_seconds = time.perf_counter() - started
        _progress(f"re-run {rerun_seconds:.1f}s {again}")
        # A badge most residents meet as soon as it is defined: one run awards it to each of
        # them and queues as many notices (the outbox's batch insert at scale).
        await client.execute_query(
            "INSERT INTO badge_definition (id, district_id, code, name, description, "
            "criterion_kind, criterion_action, threshold, star, created_by, created_at) "
            "VALUES ($1, NULL, 'bench-any-action', '任一行动', '', 'distinct_actions', NULL, 1, "
            "NULL, 'bench', $2)",
            [new_id(), datetime.now(UTC)],
        )
        started = time.perf_counter()
        new_badge = await _award_badges()
        new_badge_seconds = time.perf_counter() - started
        _progress(f"new badge {new_badge_seconds:.1f}s {new_badge}")

        step = max(1, residents // sample)
        sample_ids = [f"r{n:025x}" for n in range(1, residents + 1, step)][:sample]
        awards_of_sample = (
            "SELECT resident_id, badge_id FROM badge_award WHERE resident_id = ANY($1::text[])"
        )
        set_based_awards = {
            (row["resident_id"], row["badge_id"])
            for row in await client.execute_query_dict(awards_of_sample, [sample_ids])
        }
        await client.execute_query(
            "DELETE FROM notification WHERE recipient_id = ANY($1::text[])", [sample_ids]
        )
        await client.execute_query(
            "DELETE FROM badge_award WHERE resident_id = ANY($1::text[])", [sample_ids]
        )
        started = time.perf_counter()
        async with transaction():
            naive_awarded = await naive_award(sample_ids)
        naive_seconds = time.perf_counter() - started
        naive_awards = {
            (row["resident_id"], row["badge_id"])
            for row in await client.execute_query_dict(awards_of_sample, [sample_ids])
        }
    finally:
        await Tortoise.close_connections()
    set_based_per_resident = first_seconds / residents
    naive_per_resident = naive_seconds / len(sample_ids)
    return {
        "residents": residents,
        "ledger_entries": int(entry_count),
        "generate_seconds": round(generated, 1),
        "first_run_seconds": round(first_seconds, 2),
        "first_run": first,
        "rerun_seconds": round(rerun_seconds, 2),
        "rerun": again,
        "new_badge_seconds": round(new_badge_seconds, 2),
        "new_badge": new_badge,
        "naive_sample": len(sample_ids),
        "naive_seconds": round(naive_seconds, 2),
        "naive_awarded": naive_awarded,
        "naive_agrees_with_set_based": naive_awards == set_based_awards,
        "set_based_ms_per_resident": round(1000 * set_based_per_resident, 4),
        "naive_ms_per_resident": round(1000 * naive_per_resident, 4),
        "speedup": round(naive_per_resident / set_based_per_resident, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    cluster = None
    url = args.database_url
    if not url:
        from tests.postgres import start_cluster

        cluster = start_cluster()
        cluster.create_database("civility_bench")
        url = cluster.url("civility_bench")
    try:
        result = asyncio.run(run(url, args.residents, args.entries, args.sample))
    finally:
        if cluster is not None:
            cluster.stop()
    print(
        f"{result['residents']:,} residents, {result['ledger_entries']:,} ledger entries: "
        f"first run {result['first_run_seconds']} s ({result['first_run']['awarded']:,} awards), "
        f"re-run {result['rerun_seconds']} s; a new badge met by "
        f"{result['new_badge']['awarded']:,} {result['new_badge_seconds']} s "
        f"({result['new_badge']['notices']:,} notices); "
        f"naive loop {result['naive_ms_per_resident']} ms "
        f"vs set-based {result['set_based_ms_per_resident']} ms per resident "
        f"({result['speedup']}x)",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
