"""Two replicas of the service on one database: every job slot runs exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from kernel.models import JobRun
from kernel.scheduler import JOBS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.solo  # wall-clock bounds: run alone (scripts/test)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _start_replica(database_url: str, var_dir: Path, log: Path) -> tuple[Any, int]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "VAR_DIR": str(var_dir),
        "APP_ENV": "test",
        "JOB_SCHEDULES": json.dumps(dict.fromkeys(JOBS, "* * * * *")),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app",
        "serve",
        "--port",
        str(port),
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=asyncio.subprocess.STDOUT,
    )
    return process, port


async def _wait_healthy(port: int, deadline: float) -> None:
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError(f"the replica on port {port} did not come up")


def _log_lines(path: Path) -> list[dict[str, Any]]:
    lines = []
    for raw in path.read_text().splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


async def test_two_replicas_run_each_job_slot_exactly_once(app, database_url, var_dir, tmp_path):
    logs = [tmp_path / "replica-1.log", tmp_path / "replica-2.log"]
    replicas = [await _start_replica(database_url, var_dir, log) for log in logs]
    try:
        for _process, port in replicas:
            await _wait_healthy(port, time.monotonic() + 60)
        now = datetime.now(UTC)
        slot_start = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
        slot = slot_start.strftime("%Y-%m-%dT%H:%MZ")
        deadline = time.monotonic() + (slot_start - now).total_seconds() + 45
        while time.monotonic() < deadline:
            finished = await JobRun.filter(slot=slot, finished_at__isnull=False).count()
            taken = sum(
                1
                for log in logs
                for line in _log_lines(log)
                if line["message"] == "job slot taken by another runner"
                and line.get("slot") == slot
            )
            if finished == len(JOBS) and taken == len(JOBS):
                break
            await asyncio.sleep(0.5)

        runs = await JobRun.filter(slot=slot)
        assert sorted(run.job for run in runs) == sorted(JOBS)
        assert all(run.trigger == "schedule" for run in runs)
        assert {run.status for run in runs} == {"succeeded"}
        for name in JOBS:
            ran = [
                log.name
                for log in logs
                for line in _log_lines(log)
                if line["message"] == "job finished"
                and (line.get("job"), line.get("slot")) == (name, slot)
            ]
            skipped = [
                log.name
                for log in logs
                for line in _log_lines(log)
                if line["message"] == "job slot taken by another runner"
                and (line.get("job"), line.get("slot")) == (name, slot)
            ]
            assert len(ran) == 1, f"{name} ran {len(ran)} times in slot {slot}"
            assert len(skipped) == 1, f"the other replica did not fire {name} in slot {slot}"
            assert ran != skipped
        async with httpx.AsyncClient() as client:
            for _process, port in replicas:
                assert (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200
    finally:
        for process, _port in replicas:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process, _port in replicas:
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
