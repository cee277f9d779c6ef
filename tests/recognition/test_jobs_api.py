from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from kernel.scheduler import JOBS, job, run_job
from tests import conftest
from tests.conftest import make_actor


@pytest.fixture
def flaky_job() -> Iterator[dict[str, Any]]:
    """A job that fails while `state["fail"]` is set."""
    state: dict[str, Any] = {"fail": True, "runs": 0}

    @job("test-flaky", schedule="*/5 * * * *")
    async def flaky() -> dict[str, Any]:
        """Fails on demand."""
        state["runs"] += 1
        if state["fail"]:
            raise RuntimeError("the upstream is down")
        return {"runs": state["runs"]}

    yield state
    del JOBS["test-flaky"]


@pytest.fixture
async def operated_app(database_url, var_dir) -> AsyncIterator[Any]:
    """The service as an operator configured it: session purging every ten minutes."""
    from app.main import create_app

    settings = conftest.test_settings(
        database_url, var_dir, job_schedules={"purge-expired-sessions": "*/10 * * * *"}
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


async def test_platform_admin_sees_every_job_with_its_schedule_and_last_run(operated_app):
    from accounts.staff import set_platform_admin
    from kernel.db import transaction

    async with transaction():
        admin = await set_platform_admin("root", "root-password-123")
    actor = await make_actor(operated_app, "staff", admin.id, "platform_admin")
    ran = await actor.client.post("/api/v1/jobs/purge-expired-sessions/run")
    assert ran.status_code == 200

    response = await actor.client.get("/api/v1/jobs")
    assert response.status_code == 200
    jobs = {j["name"]: j for j in response.json()["items"]}
    assert {"purge-expired-sessions", "dispatch-notifications"} <= set(jobs)
    purge = jobs["purge-expired-sessions"]
    assert purge["schedule"] == "*/10 * * * *"
    assert purge["default_schedule"] == "17 3 * * *"
    assert purge["next_run_at"] is not None
    assert purge["last_run"]["status"] == "succeeded"
    assert purge["last_run"]["trigger"] == "manual"
    assert jobs["dispatch-notifications"]["schedule"] == "* * * * *"
    await actor.client.aclose()


async def test_running_a_job_now_answers_with_its_run(world):
    response = await world.admin.client.post("/api/v1/jobs/dispatch-notifications/run")
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["job"] == "dispatch-notifications"
    assert run["status"] == "succeeded"
    assert run["stats"] == {"sent": 0, "retried": 0, "failed": 0}
    assert run["started_at"] <= run["finished_at"]


async def test_only_platform_admins_see_and_run_jobs(world):
    for actor in (world.district_admin, world.worker, world.resident):
        assert (await actor.client.get("/api/v1/jobs")).status_code == 403
        denied = await actor.client.post("/api/v1/jobs/dispatch-notifications/run")
        assert denied.status_code == 403
        assert denied.json()["code"] == "forbidden"


async def test_an_unknown_job_is_not_found(world):
    response = await world.admin.client.post("/api/v1/jobs/make-coffee/run")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_failing_job_is_recorded_and_the_service_stays_up(world, flaky_job):
    response = await world.admin.client.post("/api/v1/jobs/test-flaky/run")
    assert response.status_code == 200
    assert response.json()["status"] == "failed"
    assert response.json()["error"] == "RuntimeError: the upstream is down"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=world.app), base_url="http://testserver"
    ) as anonymous:
        assert (await anonymous.get("/healthz")).status_code == 200
    listed = {j["name"]: j for j in (await world.admin.client.get("/api/v1/jobs")).json()["items"]}
    assert listed["test-flaky"]["last_run"]["status"] == "failed"


async def test_a_failed_slot_is_retried_at_the_next_slot(app, flaky_job):
    failed = await run_job("test-flaky", trigger="schedule", slot="2026-11-27T10:00Z")
    assert failed is not None and failed.status == "failed"
    flaky_job["fail"] = False
    assert await run_job("test-flaky", trigger="schedule", slot="2026-11-27T10:00Z") is None
    retried = await run_job("test-flaky", trigger="schedule", slot="2026-11-27T10:05Z")
    assert retried is not None and retried.status == "succeeded"
    assert flaky_job["runs"] == 2
