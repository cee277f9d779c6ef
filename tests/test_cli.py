"""The operations commands of API.md, run as an operator would run them."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


async def _cli(database_url: str, var_dir: Path, *args: str) -> tuple[int, str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": str(var_dir), "APP_ENV": "test"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_create_admin_then_the_admin_builds_a_district(database_url, var_dir, app, client):
    code, _output, errors = await _cli(
        database_url, var_dir, "create-admin", "--username", "ops", "--password", "ops-password-1"
    )
    assert code == 0, errors
    login = await client.post(
        "/api/v1/auth/login", json={"username": "ops", "password": "ops-password-1"}
    )
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    created = await client.post(
        "/api/v1/districts", json={"code": "yinzhou", "name": "鄞州区"}, headers=headers
    )
    assert created.status_code == 201


async def test_run_job_prints_its_result_as_json(database_url, var_dir):
    code, output, errors = await _cli(database_url, var_dir, "run-job", "purge-expired-sessions")
    assert code == 0, errors
    result = json.loads(output)
    assert result["job"] == "purge-expired-sessions" and result["status"] == "succeeded"
    assert set(result["stats"]) == {"refresh_tokens", "login_failures", "idempotency_records"}


async def test_run_job_with_an_unknown_name_fails_clearly(database_url, var_dir):
    code, _output, errors = await _cli(database_url, var_dir, "run-job", "no-such-job")
    assert code == 2
    assert "No job named `no-such-job`" in errors
    assert "Traceback" not in errors


async def test_migrate_is_safe_to_run_again(database_url, var_dir):
    code, output, errors = await _cli(database_url, var_dir, "migrate")
    assert code == 0, errors
    assert "migrations applied" in output


def test_workers_share_the_web_tiers_connections_when_a_total_is_set(var_dir):
    from app.cli import pool_per_worker
    from kernel.settings import Settings

    shared = Settings(app_env="test", var_dir=var_dir, database_pool_total=40)
    assert pool_per_worker(shared, 4) == 10
    assert pool_per_worker(shared, 32) == 2  # never fewer than two per worker
    per_worker = Settings(app_env="test", var_dir=var_dir, database_pool_size=7)
    assert pool_per_worker(per_worker, 4) == 7
