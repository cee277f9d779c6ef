"""A console page offers what its rule allows, asked of the one place that holds the rule: the
rewards form offers the whole district to exactly those whose reward for the whole district
is accepted, and a reward's edit forms to exactly those whose change of it is accepted; the
jobs page says "for my district" to exactly those whose runs cover their district only; the
worker's day in the navigation is offered to exactly those who run activities."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import World
from tests.security.console_session import console_client

ROOT_PASSWORD = "root-password-123"  # the world's platform administrator
WHOLE_DISTRICT = '<option value="">全区</option>'


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def _offer(console: httpx.AsyncClient, title: str, community: str) -> httpx.Response:
    page = await console.get("/console/rewards")
    form = {"csrf": _csrf(page.text), "title": title, "cost": "5", "stock": "2"}
    return await console.post("/console/rewards", data={**form, "community": community})


@pytest.mark.parametrize("username", ["c1-worker", "d1-admin"])
async def test_the_whole_district_is_offered_exactly_to_whom_it_is_accepted_from(
    app, world: World, username: str
):
    from credits.models import Reward

    async with console_client(app, username) as console:
        page = await console.get("/console/rewards")
        assert page.status_code == 200, page.text
        offered = WHOLE_DISTRICT in page.text
        sent = await _offer(console, "全区的奖品", community="")
        assert sent.status_code == 303, sent.text
    reward = await Reward.get(title="全区的奖品")
    assert offered == (reward.community_id is None), (username, offered, reward.community_id)
    assert offered == (username == "d1-admin")  # the rule as it stands


@pytest.mark.parametrize("username", ["c1-worker", "d1-admin"])
async def test_a_rewards_edit_forms_are_shown_exactly_when_its_change_is_accepted(
    app, world: World, username: str
):
    from credits.models import Reward

    async with console_client(app, "d1-admin") as admin:
        assert (await _offer(admin, "区里的奖品", community="")).status_code == 303
        assert (await _offer(admin, "社区的奖品", community=world.community_id)).status_code == 303
    async with console_client(app, username) as console:
        page = await console.get("/console/rewards")
        for title in ("区里的奖品", "社区的奖品"):
            reward = await Reward.get(title=title)
            row = re.search(rf'<tr data-reward="{title}">(.*?)</tr>', page.text, re.DOTALL)
            assert row is not None
            shown = f"/console/rewards/{reward.id}/restock" in row.group(1)
            restocked = await console.post(
                f"/console/rewards/{reward.id}/restock",
                data={"csrf": _csrf(page.text), "quantity": "1", "reason": "补货"},
                headers={"X-Console-Fetch": "1"},  # a refusal answered with its status
            )
            await reward.refresh_from_db()
            accepted = restocked.status_code == 303 and reward.stock == 3
            assert shown == accepted, (username, title, restocked.status_code, restocked.text)
            assert shown == (username == "d1-admin" or title == "社区的奖品")


@pytest.mark.parametrize(("username", "password"), [("root", ROOT_PASSWORD), ("d1-admin", None)])
async def test_for_my_district_is_said_exactly_to_whose_runs_cover_one_district(
    app, world: World, username: str, password: str | None
):
    from kernel.models import JobRun

    async with console_client(app, username, *([password] if password else [])) as console:
        page = await console.get("/console/jobs")
        assert page.status_code == 200, page.text
        said = "为本区立即运行" in page.text
        assert said == ("以下是您可以为本区运行的任务" in page.text)
        assert said != (">立即运行</button>" in page.text)
        ran = await console.post(
            "/console/jobs/console-dashboards/run", data={"csrf": _csrf(page.text)}
        )
        assert ran.status_code == 303, ran.text
    run = await JobRun.filter(job="console-dashboards").order_by("-started_at").first()
    assert run is not None
    one_district = run.trigger == "district" and run.slot.startswith(f"{world.district_id}/")
    assert said == one_district, (username, run.trigger, run.slot)
    assert said == (username == "d1-admin")


@pytest.mark.parametrize(
    ("username", "password"),
    [("root", ROOT_PASSWORD), ("d1-admin", None), ("c1-worker", None)],
)
async def test_the_workers_day_is_offered_exactly_to_those_who_run_activities(
    app, world: World, username: str, password: str | None
):
    async with console_client(app, username, *([password] if password else [])) as console:
        home = await console.get("/console/")
        nav = re.search(r'<nav id="main-nav".*?</nav>', home.text, re.DOTALL)
        assert nav is not None
        offered = 'href="/console/rewards"' in nav.group(0)
        assert offered == ('href="/console/activities"' in nav.group(0))
        # Publishing an activity is the route of those who run activities.
        runs = (await console.get("/console/activities/new")).status_code == 200
        rewards = (await console.get("/console/rewards")).status_code == 200
    assert offered == runs == rewards, (username, offered, runs, rewards)
    assert offered == (username != "root")
