"""Jobs: each (job, slot) runs once however many runners try; failures are recorded."""

from __future__ import annotations

import asyncio
from typing import Any

from kernel.models import JobRun
from kernel.scheduler import JOBS, job, run_job


async def test_a_slot_runs_once_even_when_runners_race(app):
    calls = []

    @job("test-counter", schedule="* * * * *")
    async def counter():
        calls.append(1)
        await asyncio.sleep(0.01)
        return {"calls": len(calls)}

    try:
        runs = await asyncio.gather(
            *(
                run_job("test-counter", trigger="schedule", slot="2026-01-01T00:00Z")
                for _ in range(5)
            )
        )
    finally:
        JOBS.pop("test-counter")
    assert len(calls) == 1
    assert sum(r is not None for r in runs) == 1
    assert await JobRun.filter(job="test-counter").count() == 1


async def test_a_failing_job_is_recorded_and_the_next_slot_runs_again(app):
    attempts = []

    @job("test-flaky", schedule="* * * * *")
    async def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("upstream down")
        return {"ok": True}

    try:
        failed = await run_job("test-flaky", trigger="schedule", slot="2026-01-01T00:00Z")
        succeeded = await run_job("test-flaky", trigger="schedule", slot="2026-01-01T00:01Z")
    finally:
        JOBS.pop("test-flaky")
    assert failed is not None and failed.status == "failed"
    assert "upstream down" in (failed.error or "")
    assert succeeded is not None and succeeded.status == "succeeded"


async def test_a_failed_job_leaves_nothing_half_written(app):
    from accounts.models import District

    @job("test-half", schedule="* * * * *")
    async def half():
        await District.create(code="half", name="half")
        raise RuntimeError("boom")

    try:
        run = await run_job("test-half")
    finally:
        JOBS.pop("test-half")
    assert run is not None and run.status == "failed"
    assert not await District.exists(code="half")


async def test_purge_job_removes_expired_refresh_tokens(world, client):
    from datetime import UTC, datetime, timedelta

    from kernel.models import RefreshToken

    await client.post(
        "/api/v1/auth/login", json={"username": "root", "password": "root-password-123"}
    )
    await RefreshToken.all().update(expires_at=datetime.now(UTC) - timedelta(days=1))
    run = await run_job("purge-expired-sessions")
    assert run is not None and run.stats["refresh_tokens"] == 1
    assert await RefreshToken.all().count() == 0


def test_operators_override_schedules_in_settings(settings):
    from kernel.scheduler import get_job
    from kernel.settings import configure

    configure(
        settings.model_copy(update={"job_schedules": {"purge-expired-sessions": "*/5 * * * *"}})
    )
    assert get_job("purge-expired-sessions").schedule == "*/5 * * * *"
    configure(settings)
    assert get_job("purge-expired-sessions").schedule == "17 3 * * *"


def _another_replica_writes(database_url: str) -> None:
    """A write committed by a connection of its own, as another replica's would be."""
    if database_url.startswith("sqlite://"):
        import sqlite3

        other: Any = sqlite3.connect(database_url.removeprefix("sqlite://"))
    else:
        import psycopg

        other = psycopg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        other.execute("CREATE TABLE replica_probe (x INTEGER)")
        other.execute("INSERT INTO replica_probe VALUES (1)")
        other.commit()
    finally:
        other.close()


async def test_a_job_whose_read_another_replica_outdated_still_succeeds(app, settings):
    """Another replica writes between the job's read and its write. SQLite refuses the stale
    transaction at once ("database is locked"); its work rolled back, the job runs again and
    succeeds. PostgreSQL lets the write through the first time."""
    from accounts.models import District

    attempts: list[int] = []

    @job("test-stale", schedule="* * * * *")
    async def stale():
        attempts.append(1)
        await District.filter(code="nobody").count()  # the job's snapshot begins here
        if len(attempts) == 1:
            await asyncio.to_thread(_another_replica_writes, settings.database_url)
        await District.create(code="stale", name="陈旧")
        return {"ok": True}

    try:
        run = await run_job("test-stale")
    finally:
        JOBS.pop("test-stale")
    assert run is not None
    expected = 2 if settings.is_sqlite else 1
    assert (run.status, len(attempts)) == ("succeeded", expected), run.error
    assert await District.filter(code="stale").count() == 1
