"""The whole-request benchmark in CI size: one command measures every path against the bare
reference and writes the table; a database it generated is reused by a second run, whose
check-in flows start past the residents the first run used."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKEND
from tests.postgres import start_cluster

ROOT = Path(__file__).resolve().parents[2]
PATHS = ("check-in flow", "/api/v1/me/summary", "/api/v1/activities", "honour-roll",
         "/api/v1/credits/adjustments", "/api/v1/events/{id}/check-in")  # fmt: skip

pytestmark = [
    pytest.mark.skipif(
        BACKEND != "postgres", reason="the benchmark measures the service on PostgreSQL"
    ),
    pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed"),
]


async def _bench(url: str, table: Path) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "bench/http.py", "--residents", "2000", "--flows", "1500",
        "--activities", "2", "--clients", "2", "--seconds", "1", "--rounds", "1",
        "--database-url", url, "--write", str(table),
        cwd=ROOT, env={**os.environ}, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-3000:]
    return err.decode()


def _rows(table: Path) -> list[list[str]]:
    rows = [line.split("|")[1:-1] for line in table.read_text().splitlines()]
    return [[cell.strip() for cell in row] for row in rows if len(row) >= 10]


async def test_the_whole_request_benchmark_measures_every_path_without_errors(tmp_path):
    cluster = start_cluster()
    try:
        cluster.create_database("http_bench_ci")
        url = cluster.url("http_bench_ci")
        table = tmp_path / "benchmarks.md"
        first = await _bench(url, table)
        assert "data ready" in first
        rows = _rows(table)[2:]  # after the header and its rule
        named = [row[0] for row in rows if row[0]]
        assert [any(path in name for name in named) for path in PATHS] == [True] * len(PATHS)
        for row in rows:
            service, reference = float(row[3].replace(",", "")), float(row[4].replace(",", ""))
            assert service > 0 and reference > 0, row
            assert re.fullmatch(r"\d+%", row[5]), row  # the share of the reference
            assert set(row[-1].split("/")) == {"0"}, row  # no error on either side

        # The second run reuses the data; its residents enrol for the first time, so its
        # check-in flow has no error either.
        second = await _bench(url, table)
        assert "reused the generated database" in second and "data ready" not in second
        used = re.search(r"\(([\d,]+) flows used\)", second)
        assert used is not None and int(used[1].replace(",", "")) > 0
        assert all(set(row[-1].split("/")) == {"0"} for row in _rows(table)[2:])
    finally:
        cluster.stop()
