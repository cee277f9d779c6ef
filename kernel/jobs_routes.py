"""HTTP endpoints of scheduled jobs: the list with schedules and last runs, and running one now."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from kernel import localtime
from kernel.auth import Principal
from kernel.http import Answer, Api, Page
from kernel.models import JobRun
from kernel.scheduler import JOBS, get_job, last_runs, run_job

api = Api("jobs")


class JobRunOut(Answer):
    job: str
    status: str
    trigger: str
    slot: str
    runner: str
    started_at: datetime
    finished_at: datetime | None
    stats: dict[str, Any]
    error: str | None


class JobOut(Answer):
    name: str
    description: str
    schedule: str
    default_schedule: str
    next_run_at: datetime | None
    last_run: JobRunOut | None


def _next_run(schedule: str) -> datetime | None:
    zone = localtime.zone()
    next_time: datetime | None = CronTrigger.from_crontab(
        schedule, timezone=zone
    ).get_next_fire_time(None, datetime.now(UTC))
    return next_time


@api.get("/api/v1/jobs", roles=("platform_admin",), response=Page[JobOut])
async def list_jobs(who: Principal) -> dict[str, Any]:
    """Every scheduled job with its schedule (the operator's `JOB_SCHEDULES` or the default),
    when it runs next and its last run."""
    runs = await last_runs()
    return {
        "items": [
            JobOut.from_model(job, next_run_at=_next_run(job.schedule), last_run=runs.get(job.name))
            for job in sorted(JOBS.values(), key=lambda job: job.name)
        ],
        "next_cursor": None,
    }


@api.post("/api/v1/jobs/{name}/run", roles=("platform_admin",), response=JobRunOut)
async def run_now(who: Principal, name: str) -> JobRun:
    """Runs the job now, outside its schedule; a failure is reported in the run, not raised."""
    get_job(name)
    run = await run_job(name, trigger="manual")
    assert run is not None  # a manual run has a slot of its own
    return run
