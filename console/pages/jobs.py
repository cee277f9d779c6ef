"""The jobs page: the platform administrator's every scheduled job, and a district
administrator's district jobs — the scheduled work that can be done for one district (its
dashboards, its honour roll's draft), with their last runs and a button to run one now for
their district only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from accounts.models import District
from console import names
from console.pages.dashboard import refresh_district
from console.scope import (
    DISTRICT_TRIGGER,
    district_slot_prefix,
    readable_districts,
    readable_job_runs,
    runs_every_district,
)
from console.web import Ctx, redirect
from credits.recognition import honour_rolls
from kernel import localtime
from kernel.errors import NotFound
from kernel.i18n import N_, translate
from kernel.ids import new_id
from kernel.scheduler import JOBS, Job, get_job, last_runs, run_job


async def _dashboards(district: District) -> dict[str, Any]:
    return await refresh_district(district.id)


async def _honour_roll(district: District) -> dict[str, Any]:
    """The draft of the month in progress, as a district administrator takes it through the
    API (`POST /api/v1/districts/{code}/honour-rolls`): refused once published."""
    now = datetime.now(UTC)
    roll = await honour_rolls.take_draft(district, localtime.local_month(now), now=now)
    return {"period": roll.period}


# The scheduled jobs a district administrator may run for their district, and how.
DISTRICT_JOBS: dict[str, Callable[[District], Awaitable[dict[str, Any]]]] = {
    "console-dashboards": _dashboards,
    "honour-roll": _honour_roll,
}


WEEKDAYS = (
    N_("Sunday"),
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
)


def in_words(schedule: str) -> str:
    """A five-field cron schedule in words (每天 02:30, 每周一 03:00, 每 10 分钟); one
    this does not know how to say is shown as it is."""
    parts = schedule.split()
    if len(parts) != 5:
        return schedule
    minute, hour, day, month, weekday = parts
    if month != "*" or not (minute.isdigit() or minute == "*" or minute.startswith("*/")):
        return schedule
    if (hour, day, weekday) == ("*", "*", "*"):
        if minute == "*":
            return translate("Every minute")
        if minute.startswith("*/") and minute[2:].isdigit():
            return translate("Every {n} minutes", n=int(minute[2:]))
        if minute.isdigit():
            return translate("Every hour at minute {m}", m=int(minute))
        return schedule
    if not (minute.isdigit() and hour.isdigit()):
        return schedule
    time = f"{int(hour):02d}:{int(minute):02d}"
    if (day, weekday) == ("*", "*"):
        return translate("Every day at {time}", time=time)
    if day == "*" and weekday.isdigit() and int(weekday) <= 7:
        return translate(
            "Every {weekday} at {time}", weekday=translate(WEEKDAYS[int(weekday) % 7]), time=time
        )
    if weekday == "*" and day.isdigit():
        return translate("On day {day} of every month at {time}", day=int(day), time=time)
    return schedule


def _district_slot(district_id: str) -> str:
    """A district run's slot: the district, then a unique tail (the slot is 40 characters)."""
    return district_slot_prefix(district_id) + new_id()[-12:]


def _jobs_of(ctx: Ctx) -> list[Job]:
    if runs_every_district(ctx.who):
        return sorted(JOBS.values(), key=lambda j: j.name)
    return [JOBS[name] for name in sorted(DISTRICT_JOBS) if name in JOBS]


async def jobs_page(ctx: Ctx) -> Response:
    seen = readable_job_runs(ctx.who, tuple(sorted(DISTRICT_JOBS))).rows()
    jobs = _jobs_of(ctx)
    every_district = runs_every_district(ctx.who)
    if every_district:
        runs = await last_runs()
    else:
        runs = {}
        for job in jobs:
            run = await seen.filter(job=job.name).order_by("-started_at").first()
            if run is not None:
                runs[job.name] = run
    recent = await seen.order_by("-started_at").limit(30)
    return ctx.render(
        "jobs.html",
        jobs=jobs,
        words={job.name: in_words(job.schedule) for job in jobs},
        runs=runs,
        recent=recent,
        every_district=every_district,
    )


async def run_job_now(ctx: Ctx) -> Response:
    name = ctx.request.path_params["name"]
    if runs_every_district(ctx.who):
        job = get_job(name)
        run = await run_job(job.name, trigger="manual")
    else:
        if name not in DISTRICT_JOBS:
            raise NotFound(N_("No job named `{name}`."), name=name)
        job = get_job(name)
        district = await readable_districts(ctx.who).rows().get(id=ctx.who.district_id or "")
        work = DISTRICT_JOBS[name]

        async def for_district() -> dict[str, Any]:
            return await work(district)

        run = await run_job(
            job.name, trigger=DISTRICT_TRIGGER, slot=_district_slot(district.id), call=for_district
        )
    await ctx.say(
        translate(
            "{job}: {status}.",
            job=names.job(job.name),
            status=names.status(run.status if run else None),
        ),
        error=run is None or run.status != "succeeded",
    )
    return redirect("/console/jobs")
