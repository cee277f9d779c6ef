"""The badges benchmark in CI size: it runs, and its set-based awards agree with the naive loop."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


async def test_the_badges_benchmark_runs_and_agrees_with_the_naive_loop(tmp_path):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "bench/badges.py",
        "--residents",
        "3000",
        "--entries",
        "30000",
        "--sample",
        "300",
        cwd=ROOT,
        env={**os.environ, "VAR_DIR": str(tmp_path)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-3000:]
    result = json.loads(out.decode().strip().splitlines()[-1])
    assert result["ledger_entries"] == 30000
    assert result["first_run"]["awarded"] > 0
    assert result["rerun"]["awarded"] == 0 and result["rerun"]["revoked"] == 0
    assert result["naive_awarded"] > 0
    assert result["naive_agrees_with_set_based"] is True
