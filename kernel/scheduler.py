"""Scheduled jobs: a registry of named jobs, runs that claim a (job, slot) row so replicas
never run a slot twice, a run log, and the APScheduler that fires them."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from tortoise.exceptions import IntegrityError, OperationalError

from kernel import localtime
from kernel.db import transaction
from kernel.errors import NotFound
from kernel.i18n import N_
from kernel.ids import new_id
from kernel.models import JobRun
from kernel.settings import get_settings

log = logging.getLogger("app.jobs")
JobFunction = Callable[[], Awaitable[dict[str, Any]]]
RUNNER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    default_schedule: str
    description: str
    transactional: bool = True

    @property
    def schedule(self) -> str:
        return get_settings().job_schedules.get(self.name, self.default_schedule)


JOBS: dict[str, Job] = {}


def job(
    name: str, *, schedule: str, transactional: bool = True
) -> Callable[[JobFunction], JobFunction]:
    """Registers a job. It runs in one transaction unless it manages its own (`transactional`)."""

    def register(function: JobFunction) -> JobFunction:
        CronTrigger.from_crontab(schedule)  # a bad schedule fails at import, not at 3 a.m.
        JOBS[name] = Job(name, function, schedule, (function.__doc__ or "").strip(), transactional)
        return function

    return register


def get_job(name: str) -> Job:
    if name not in JOBS:
        raise NotFound(N_("No job named `{name}`."), name=name)
    return JOBS[name]


async def _claim(name: str, slot: str, trigger: str) -> JobRun | None:
    try:
        async with transaction():
            return await JobRun.create(
                job=name,
                slot=slot,
                status="running",
                trigger=trigger,
                runner=RUNNER,
                started_at=datetime.now(UTC),
            )
    except IntegrityError:
        return None


async def run_job(
    name: str,
    *,
    trigger: str = "manual",
    slot: str | None = None,
    call: JobFunction | None = None,
) -> JobRun | None:
    """Runs a job once for `slot`; returns its run, or None when another runner has the slot.
    A failure is logged and recorded, never raised: the next slot tries again. `call` runs
    in place of the job's function (the same work for one district, say)."""
    entry = get_job(name)
    run = await _claim(name, slot or f"manual:{new_id()}", trigger)
    if run is None:
        log.info("job slot taken by another runner", extra={"job": name, "slot": slot})
        return None
    try:
        stats = await _perform(entry, call)
        run.status, run.stats = "succeeded", stats
    except Exception as exc:
        log.exception("job failed", extra={"job": name, "slot": run.slot})
        run.status, run.error = "failed", f"{type(exc).__name__}: {exc}"
    run.finished_at = datetime.now(UTC)
    await run.save(update_fields=["status", "stats", "error", "finished_at"])
    log.info("job finished", extra={"job": name, "slot": run.slot, "status": run.status})
    return run


# SQLite (development only) refuses at once, whatever its busy timeout, a transaction that
# read and then writes after another replica wrote ("database is locked": its snapshot is
# stale). Its work was rolled back, so the job is run again a few times, as the next slot
# would run it (every job is idempotent). PostgreSQL never answers so.
LOCKED_ATTEMPTS = 5


async def _perform(entry: Job, call: JobFunction | None) -> Any:
    for attempt in range(1, LOCKED_ATTEMPTS + 1):
        try:
            if entry.transactional:
                async with transaction():
                    return await (call or entry.function)()
            return await (call or entry.function)()
        except OperationalError as exc:
            if "database is locked" not in str(exc) or attempt == LOCKED_ATTEMPTS:
                raise
            log.info("job met a locked database; again", extra={"job": entry.name})
            await asyncio.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def _slot(now: datetime | None = None) -> str:
    """A scheduled run's slot: the minute it fired in, the same on every replica."""
    return (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%MZ")


async def _fire(name: str) -> None:
    await run_job(name, trigger="schedule", slot=_slot())


def build_scheduler() -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=localtime.zone())
    for entry in JOBS.values():
        scheduler.add_job(
            _fire,
            CronTrigger.from_crontab(entry.schedule, timezone=localtime.zone()),
            args=[entry.name],
            id=entry.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=60,
        )
    return scheduler


async def last_runs() -> dict[str, JobRun]:
    runs: dict[str, JobRun] = {}
    for name in JOBS:
        run = await JobRun.filter(job=name).order_by("-started_at").first()
        if run is not None:
            runs[name] = run
    return runs
