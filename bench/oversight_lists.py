"""Benchmark of the quarterly red/black list job on PostgreSQL: set-based against a per-unit loop.

Generates units, checklists, recorded inspections with their item results and confirmed
problem reports straight in SQL, then times the set-based scoring and drafting of one district's
lists for a quarter (what the `oversight-lists` job runs per district), and a naive per-unit loop
(three statements a unit) over a sample, checking that both give the same scores.

    python bench/oversight_lists.py                                     # 100,000 / 1,000,000
    python bench/oversight_lists.py --units 5000 --items 50000 --sample 500       # CI-sized

Without `--database-url` a throwaway PostgreSQL cluster is started (as the tests do). A table
is printed, then the result as JSON on the last line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tortoise import Tortoise, connections

PERIOD = "2025Q1"
DISTRICT = "0" * 25 + "1"
TYPES = ["shop", "restaurant", "farmers_market", "property_service", "school", "public_venue"]
ITEMS_PER_CHECKLIST = 5
UNIT_ID = "'u' || lpad(to_hex({n}), 25, '0')"


def _generate_statements(units: int, items: int, reports: int) -> list[str]:
    inspections = items // ITEMS_PER_CHECKLIST
    types = "ARRAY[" + ",".join(f"'{t}'" for t in TYPES) + "]"
    # Inspections fall on units unevenly (some units often, some never) across the quarter.
    unit_of = f"1 + floor({units} * power(random(), 1.5))::bigint"
    return [
        f"""INSERT INTO district (id, code, name, created_at)
            VALUES ('{DISTRICT}', 'bench', '测试区', now())""",
        f"""INSERT INTO oversight_unit (id, district_id, community_id, code, name, type, address,
                lat, lng, responsible_name, responsible_phone, created_by, created_at)
            SELECT {UNIT_ID.format(n="n")}, '{DISTRICT}', 'c' || (n % 50), 'u' || n,
                   '单位' || n, ({types})[1 + n % 6], '', NULL, NULL, '', '', 'bench', now()
            FROM generate_series(1, {units}) n""",
        f"""INSERT INTO oversight_checklist (id, district_id, unit_type, name, pass_mark,
                created_by, created_at)
            SELECT 'k' || lpad(t::text, 25, '0'), '{DISTRICT}', ({types})[t], '测评表' || t, 80,
                   'bench', now()
            FROM generate_series(1, 6) t""",
        f"""INSERT INTO oversight_checklist_item (id, checklist_id, code, text, weight,
                max_score, position)
            SELECT 'i' || lpad((t * 10 + k)::text, 25, '0'), 'k' || lpad(t::text, 25, '0'),
                   'item-' || k, '项目' || k, k, 10, k
            FROM generate_series(1, 6) t CROSS JOIN generate_series(1, {ITEMS_PER_CHECKLIST}) k""",
        f"""CREATE UNLOGGED TABLE bench_inspection AS
            SELECT m, {unit_of} AS n, random() < 0.2 AS failed
            FROM generate_series(1, {inspections}) m""",
        f"""INSERT INTO oversight_inspection (id, district_id, community_id, unit_id,
                checklist_id, status, score, passed, inspected_by, inspected_at, created_by,
                created_at)
            SELECT 'n' || lpad(to_hex(m), 25, '0'), '{DISTRICT}', 'c' || (n % 50),
                   {UNIT_ID.format(n="n")}, 'k' || lpad((1 + (n % 6))::text, 25, '0'),
                   'recorded', NULL, NOT failed, 'bench',
                   timestamptz '2025-01-01 00:00+08' + random() * interval '89 days',
                   'bench', now()
            FROM bench_inspection""",
        f"""INSERT INTO oversight_inspection_result
                (district_id, inspection_id, item_id, score, photos, note)
            SELECT '{DISTRICT}', 'n' || lpad(to_hex(m), 25, '0'),
                   'i' || lpad(((1 + (n % 6)) * 10 + k)::text, 25, '0'),
                   CASE WHEN failed THEN floor(random() * 8)::int
                        ELSE 6 + floor(random() * 5)::int END,
                   '[]'::jsonb, ''
            FROM bench_inspection CROSS JOIN generate_series(1, {ITEMS_PER_CHECKLIST}) k""",
        f"""INSERT INTO oversight_problem_report (id, district_id, community_id, reporter_id,
                unit_id, category, description, address, photos, status, reported_on,
                credits_posted, created_at)
            SELECT 'p' || lpad(to_hex(r), 25, '0'), '{DISTRICT}', 'c1', 'resident',
                   {UNIT_ID.format(n=unit_of)}, 'litter', '', '', '[]'::jsonb, 'confirmed',
                   date '2025-02-01', true,
                   timestamptz '2025-01-01 00:00+08' + random() * interval '89 days'
            FROM generate_series(1, {reports}) r""",
        "DROP TABLE bench_inspection",
        "ANALYZE",
    ]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def naive_scores(unit_ids: list[str]) -> dict[str, Decimal]:
    """The per-unit way: read each unit's inspections and reports, score it in Python, write
    its row — three statements a unit."""
    from oversight.rules import period_bounds, rules_version_at

    start, end = period_bounds(PERIOD)
    _version, rules = await rules_version_at(DISTRICT, end)
    client = connections.get("default")
    scores: dict[str, Decimal] = {}
    for unit_id in unit_ids:
        rows = await client.execute_query_dict(
            "SELECT r.score, ci.weight, ci.max_score FROM oversight_inspection i "
            "JOIN oversight_inspection_result r ON r.inspection_id = i.id "
            "JOIN oversight_checklist_item ci ON ci.id = r.item_id "
            "WHERE i.unit_id = $1 AND i.status = 'recorded' "
            "AND i.inspected_at >= $2 AND i.inspected_at < $3",
            [unit_id, start, end],
        )
        if not rows:
            continue
        reports = await client.execute_query_dict(
            "SELECT count(*) AS n FROM oversight_problem_report WHERE unit_id = $1 "
            "AND status IN ('confirmed', 'resolved') AND created_at >= $2 AND created_at < $3",
            [unit_id, start, end],
        )
        earned = sum(Decimal(r["weight"]) * r["score"] / r["max_score"] for r in rows)
        weight = sum(Decimal(r["weight"]) for r in rows)
        score = earned * 100 / weight - rules.report_penalty * reports[0]["n"]
        score = max(score, Decimal(0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        await client.execute_query(
            "INSERT INTO bench_naive_score (unit_id, score) VALUES ($1, $2)", [unit_id, score]
        )
        scores[unit_id] = score
    return scores


async def run(
    database_url: str, units: int, items: int, reports: int, sample: int
) -> dict[str, Any]:
    from tortoise.migrations.api import migrate

    import app.main  # noqa: F401  (registers every model and job)
    from app.domains import tortoise_config
    from kernel.db import transaction
    from kernel.settings import Settings, configure
    from oversight.lists import compute_district

    settings = configure(Settings(app_env="test", database_url=database_url))
    config = tortoise_config(settings)
    await migrate(config=config)
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    try:
        client = connections.get("default")
        started = time.perf_counter()
        for statement in _generate_statements(units, items, reports):
            await client.execute_script(statement)
            _progress(f"{time.perf_counter() - started:.1f}s {' '.join(statement.split()[:3])}")
        generated = time.perf_counter() - started
        counted = await client.execute_query_dict(
            "SELECT (SELECT count(*) FROM oversight_inspection_result) AS items, "
            "(SELECT count(*) FROM oversight_unit) AS units"
        )

        started = time.perf_counter()
        async with transaction():
            stats = await compute_district(DISTRICT, PERIOD, now=datetime.now(UTC))
        set_seconds = time.perf_counter() - started
        _progress(f"set-based {set_seconds:.2f}s {stats}")
        started = time.perf_counter()
        async with transaction():
            again = await compute_district(DISTRICT, PERIOD, now=datetime.now(UTC))
        rerun_seconds = time.perf_counter() - started

        step = max(1, units // sample)
        sample_ids = [f"u{n:025x}" for n in range(1, units + 1, step)][:sample]
        await client.execute_script(
            "CREATE UNLOGGED TABLE bench_naive_score (unit_id text, score numeric)"
        )
        started = time.perf_counter()
        async with transaction():
            naive = await naive_scores(sample_ids)
        naive_seconds = time.perf_counter() - started
        set_based = {
            str(row["unit_id"]): Decimal(row["score"])
            for row in await client.execute_query_dict(
                "SELECT unit_id, score FROM oversight_unit_score "
                "WHERE period = $1 AND unit_id = ANY($2::text[])",
                [PERIOD, sample_ids],
            )
        }
    finally:
        await Tortoise.close_connections()
    set_per_unit = set_seconds / units
    naive_per_unit = naive_seconds / len(sample_ids)
    return {
        "units": int(counted[0]["units"]),
        "inspection_items": int(counted[0]["items"]),
        "confirmed_reports": reports,
        "generate_seconds": round(generated, 1),
        "set_based_seconds": round(set_seconds, 2),
        "set_based": stats,
        "rerun_seconds": round(rerun_seconds, 2),
        "rerun": again,
        "naive_sample": len(sample_ids),
        "naive_seconds": round(naive_seconds, 2),
        "naive_agrees_with_set_based": naive == set_based,
        "set_based_ms_per_unit": round(1000 * set_per_unit, 4),
        "naive_ms_per_unit": round(1000 * naive_per_unit, 4),
        "naive_full_estimate_seconds": round(naive_per_unit * units, 1),
        "speedup": round(naive_per_unit / set_per_unit, 1),
    }


def _table(result: dict[str, Any]) -> str:
    rows = [
        ("units", f"{result['units']:,}"),
        ("inspection items", f"{result['inspection_items']:,}"),
        ("confirmed reports", f"{result['confirmed_reports']:,}"),
        ("scored units", f"{result['set_based']['scored_units']:,}"),
        ("list entries", f"{result['set_based']['entries']:,}"),
        ("set-based run (s)", f"{result['set_based_seconds']}"),
        ("set-based re-run (s)", f"{result['rerun_seconds']}"),
        ("set-based ms / unit", f"{result['set_based_ms_per_unit']}"),
        (f"per-unit loop, {result['naive_sample']:,} units (s)", f"{result['naive_seconds']}"),
        ("per-unit loop ms / unit", f"{result['naive_ms_per_unit']}"),
        ("per-unit loop, all units, estimated (s)", f"{result['naive_full_estimate_seconds']}"),
        ("speed-up", f"{result['speedup']}x"),
        ("same scores", str(result["naive_agrees_with_set_based"])),
    ]
    width = max(len(name) for name, _value in rows)
    return "\n".join(f"{name:<{width}}  {value:>12}" for name, value in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--reports", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=2_000)
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
        result = asyncio.run(run(url, args.units, args.items, args.reports, args.sample))
    finally:
        if cluster is not None:
            cluster.stop()
    print(_table(result))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
