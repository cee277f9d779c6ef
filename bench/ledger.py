"""Ledger benchmark on PostgreSQL: award postings per second (`record_participation`, one
database transaction each) at 1, 8 and 64 concurrent clients, with every client in its own
district ("spread") and all in one district (its treasury is hot); and pgbench's built-in
`tpcb-like` TPS at the same client counts on the same database in the same run.

    .venv/bin/python bench/ledger.py [--seconds 10] [--rounds 3] [--write docs/benchmarks.md]

Uses DATABASE_URL when it names a PostgreSQL server, else starts a throwaway cluster."""

from __future__ import annotations

import sys

# Run as a script, this directory comes first on sys.path, where bench/http.py would hide the
# standard library's `http` package: the project root takes its place.
sys.path.insert(0, sys.path.pop(0).removesuffix("/bench"))

import argparse
import asyncio
import multiprocessing
import os
import platform
import re
import subprocess
import time
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLIENTS = (1, 8, 64)
CASES = (("spread", "each in its own district"), ("hot", "all in one district"))
PGBENCH_SCALE = 10
MARK_START, MARK_END = "<!-- ledger-bench:start -->", "<!-- ledger-bench:end -->"


def _settings(url: str) -> Any:
    from kernel.settings import Settings

    return Settings(app_env="test", database_url=url, scheduler_enabled=False)


async def _prepare(url: str, districts: int, residents_per_district: int) -> list[list[str]]:
    """Migrates the database and opens `districts` districts with their moral bank on.
    Returns each district's id followed by its residents' ids."""
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    from accounts.models import Resident
    from accounts.schemas import DistrictRulesPatch
    from accounts.service import change_rules, create_community, create_district
    from app.domains import tortoise_config
    from kernel.auth import Principal
    from kernel.db import transaction
    from kernel.settings import configure

    settings = configure(_settings(url))
    await migrate(config=tortoise_config(settings))
    await Tortoise.close_connections()
    await Tortoise.init(config=tortoise_config(settings))
    system = Principal(kind="staff", id="bench", role="platform_admin")
    layout = []
    async with transaction():
        for d in range(districts):
            district = await create_district(code=f"bench-{d}", name=f"压测区{d}", by=system)
            await change_rules(
                district,
                DistrictRulesPatch(
                    moral_bank_enabled=True, effective_from=datetime(2001, 1, 1, tzinfo=UTC)
                ),
                by=system,
                seeding=True,
            )
            community = await create_community(district, code="c", name="社区")
            residents = [
                await Resident.create(
                    openid=f"bench-{d}-{r}", district=district, community=community
                )
                for r in range(residents_per_district)
            ]
            layout.append([district.id, *(r.id for r in residents)])
    await Tortoise.close_connections()
    return layout


async def _post_awards(
    url: str, pairs: list[tuple[str, str]], start: float, seconds: float, empty: bool = False
) -> int:
    """Each pair (district, resident) is one client posting awards back to back, from `start`
    (wall clock) for `seconds`; connections are opened before the clock starts."""
    from tortoise import Tortoise

    from app.domains import tortoise_config
    from credits.service import record_participation
    from kernel.db import transaction
    from kernel.ids import new_id
    from kernel.settings import configure

    settings = _settings(url)
    settings.database_pool_size = max(1, len(pairs))
    configure(settings)
    await Tortoise.init(config=tortoise_config(settings))

    async def connect() -> None:
        async with transaction() as connection:
            await connection.execute_query("SELECT 1")
            await asyncio.sleep(0.2)

    await asyncio.gather(*(connect() for _ in pairs))
    await asyncio.sleep(max(0.0, start - time.time()))
    until = time.monotonic() + seconds

    async def client(district_id: str, resident_id: str) -> int:
        posted = 0
        while time.monotonic() < until:
            if empty:
                async with transaction() as connection:
                    await connection.execute_query("SELECT 1")
            else:
                await award(district_id, resident_id)
            # Only what completed within the measured time counts, as in pgbench's -T.
            if time.monotonic() <= until:
                posted += 1
        return posted

    async def award(district_id: str, resident_id: str) -> None:
        async with transaction():
            await record_participation(
                district_id=district_id,
                resident_id=resident_id,
                action="volunteering",
                hours=Decimal("1.5"),
                source="service_record",
                source_id=new_id(),
                occurred_at=datetime.now(UTC),
                actor="bench",
            )

    try:
        return sum(await asyncio.gather(*(client(d, r) for d, r in pairs)))
    finally:
        await Tortoise.close_connections()


def _process(
    url: str, pairs: list[tuple[str, str]], start: float, seconds: float, empty: bool, out: Any
) -> None:
    out.put(asyncio.run(_post_awards(url, pairs, start, seconds, empty)))


def run_ledger(
    url: str, pairs: list[tuple[str, str]], seconds: float, *, empty: bool = False
) -> float:
    """Postings per second with one client per pair, spread over one process per core.
    `empty`: the same clients run transactions of one `SELECT 1` instead (the same round
    trips as a posting: BEGIN, one statement, COMMIT), the Python client's own ceiling."""
    processes = min(len(pairs), os.cpu_count() or 1)
    results: Any = multiprocessing.get_context("spawn").Queue()
    start = time.time() + 5  # every process connected before the clock starts
    workers = [
        multiprocessing.get_context("spawn").Process(
            target=_process, args=(url, pairs[i::processes], start, seconds, empty, results)
        )
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    total = sum(results.get(timeout=seconds + 120) for _ in workers)
    for worker in workers:
        worker.join()
    return float(total) / seconds


def _pgbench(url: str, *args: str) -> str:
    parts = urlsplit(url)
    command = [
        "/usr/lib/postgresql/15/bin/pgbench",
        "-h", parts.hostname or "127.0.0.1",
        "-p", str(parts.port or 5432),
        "-U", parts.username or "postgres",
        *args,
        parts.path.lstrip("/"),
    ]  # fmt: skip
    env = {**os.environ, "PGPASSWORD": parts.password or ""}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return done.stdout + done.stderr


def run_pgbench(url: str, clients: int, seconds: float) -> float:
    output = _pgbench(
        url, "-b", "tpcb-like", "-c", str(clients), "-j", str(min(clients, os.cpu_count() or 1)),
        "-T", str(int(seconds)), "-n",
    )  # fmt: skip
    found = re.search(r"tps = ([\d.]+)", output)
    if found is None:
        raise RuntimeError(f"pgbench printed no tps:\n{output}")
    return float(found.group(1))


Row = tuple[str, float, float, float, float, float]


def _row(label: str, postings: list[float], runs: dict[str, list[float]]) -> Row:
    """Medians of the rounds, and the median of each round's ratios."""
    return (
        label,
        median(postings),
        median(runs["pgbench"]),
        median(p / r for p, r in zip(postings, runs["pgbench"], strict=True)),
        median(runs["ceiling"]),
        median(p / c for p, c in zip(postings, runs["ceiling"], strict=True)),
    )


def table(rows: list[Row]) -> str:
    lines = [
        "| clients | ledger award postings/s | pgbench tpcb-like TPS | ledger / pgbench "
        "| Python client ceiling, tx/s | ledger / ceiling |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, postings, reference, to_reference, ceiling, to_ceiling in rows:
        lines.append(
            f"| {label} | {postings:,.0f} | {reference:,.0f} | {to_reference:.0%} "
            f"| {ceiling:,.0f} | {to_ceiling:.0%} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3, help="alternations per client count")
    parser.add_argument("--write", type=Path, help="put the table into this Markdown file")
    args = parser.parse_args()

    cluster = None
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        from tests.postgres import start_cluster

        cluster = start_cluster()
        cluster.create_database("ledger_bench")
        url = cluster.url("ledger_bench")
    try:
        layout = asyncio.run(_prepare(url, districts=max(CLIENTS), residents_per_district=1))
        one_district = asyncio.run(_prepare_one(url, max(CLIENTS)))
        spread = [(d[0], d[1]) for d in layout]
        _pgbench(url, "-i", "-q", "-s", str(PGBENCH_SCALE))

        rows: list[Row] = []
        results: dict[str, float] = {}
        for clients in CLIENTS:
            # pgbench and the ledger alternate, `--rounds` times: on a shared machine the load
            # drifts, so each ratio compares runs next to each other in time (median of rounds).
            runs: dict[str, list[float]] = defaultdict(list)
            for _ in range(args.rounds):
                runs["pgbench"].append(run_pgbench(url, clients, args.seconds))
                runs["ceiling"].append(run_ledger(url, spread[:clients], args.seconds, empty=True))
                runs["spread"].append(run_ledger(url, spread[:clients], args.seconds))
                if clients > 1:
                    runs["hot"].append(run_ledger(url, one_district[:clients], args.seconds))
                print(clients, {name: found[-1] for name, found in runs.items()}, flush=True)
            for case, label in CASES:
                if case in runs:
                    results[f"{case}-{clients}"] = median(runs[case])
                    rows.append(_row(f"{clients} ({label})", runs[case], runs))
        # The design's reason for entries without a database foreign key to their account:
        # measure the one-district case again with the constraint in place.
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(
                "ALTER TABLE ledger_entry ADD CONSTRAINT bench_entry_account_fk "
                "FOREIGN KEY (account_id) REFERENCES ledger_account (id)"
            )
        top = max(CLIENTS)
        results["hot-fk"] = run_ledger(url, one_district[:top], args.seconds)
        results["spread-fk"] = run_ledger(url, spread[:top], args.seconds)
        print(results, flush=True)
        report = _report(rows, results, args.seconds, args.rounds)
        print(report)
        if args.write:
            _write(args.write, report)
    finally:
        if cluster is not None:
            cluster.stop()


async def _prepare_one(url: str, residents: int) -> list[tuple[str, str]]:
    """One more district with a resident per client: every award debits its one treasury."""
    from tortoise import Tortoise

    from accounts.models import Community, District, Resident
    from accounts.schemas import DistrictRulesPatch
    from accounts.service import change_rules, create_community, create_district
    from app.domains import tortoise_config
    from kernel.auth import Principal
    from kernel.db import transaction
    from kernel.settings import configure

    await Tortoise.init(config=tortoise_config(configure(_settings(url))))
    system = Principal(kind="staff", id="bench", role="platform_admin")
    async with transaction():
        district: District = await create_district(code="bench-hot", name="热点区", by=system)
        await change_rules(
            district,
            DistrictRulesPatch(
                moral_bank_enabled=True, effective_from=datetime(2001, 1, 1, tzinfo=UTC)
            ),
            by=system,
            seeding=True,
        )
        community: Community = await create_community(district, code="c", name="社区")
        pairs = [
            (
                district.id,
                (
                    await Resident.create(
                        openid=f"bench-hot-{r}", district=district, community=community
                    )
                ).id,
            )
            for r in range(residents)
        ]
    await Tortoise.close_connections()
    return pairs


def _report(rows: list[Row], results: dict[str, float], seconds: float, rounds: int) -> str:
    top = max(CLIENTS)
    hot_ratio = results[f"hot-{top}"] / results[f"spread-{top}"]
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    return "\n".join(
        [
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine}; PostgreSQL 15 "
            f"(fsync off, as the test cluster); {seconds:.0f} s per run; {rounds} rounds "
            "alternating pgbench and the ledger per client count, medians (ratios: median of "
            f"each round's); pgbench scale "
            f"{PGBENCH_SCALE}; ledger clients spread over {min(top, os.cpu_count() or 1)} "
            "processes.",
            "",
            table(rows),
            "",
            f"Hot treasury: {top} clients in one district post {hot_ratio:.0%} of what "
            f"{top} clients spread over {top} districts post (target ≥ 70%).",
            "",
            "With a database foreign key from entries to accounts (which the design leaves "
            f"out): {top} clients in one district post {results['hot-fk']:,.0f}/s, spread over "
            f"{top} districts {results['spread-fk']:,.0f}/s "
            f"({results['hot-fk'] / results['spread-fk']:.0%}).",
        ]
    )


def _write(path: Path, report: str) -> None:
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{MARK_START}\n{report}\n{MARK_END}"
    if MARK_START in text:
        text = re.sub(
            re.escape(MARK_START) + ".*?" + re.escape(MARK_END), lambda _: block, text, flags=re.S
        )
    else:
        text = text.rstrip() + f"\n\n## Ledger postings\n\n{block}\n"
    path.write_text(text)


if __name__ == "__main__":
    main()
