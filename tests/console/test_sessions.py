"""Console sessions over HTTP: the idle and absolute limits (set short for a test by
parametrizing `limits`), back to the page after signing in again with a posted form filled
in, no open redirect, the check-in screen's own credential, a person's list of their
sessions, and the sessions of an account disabled or given a new password."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests import conftest
from tests.activities.conftest import publish

PASSWORD = "staff-password-123"
CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
WECHAT_ON_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/122.0 Mobile Safari/537.36 MicroMessenger/8.0.50"
)
TIMED_OUT = "登录已超时，请重新登录"


@pytest.fixture
def limits() -> dict[str, float]:
    """The console's limits for a test: the defaults unless the test parametrizes this."""
    return {}


@pytest.fixture
def settings(database_url: str, var_dir: Path, limits: dict[str, float]) -> Any:
    return conftest.test_settings(database_url, var_dir, **limits)


def short(*, idle: float, session: float = 3600) -> dict[str, float]:
    """Limits of `idle` and `session` seconds."""
    return {"console_idle_minutes": idle / 60, "console_session_hours": session / 3600}


@contextlib.asynccontextmanager
async def browser(
    app: Any, agent: str = CHROME_ON_WINDOWS, address: str = "198.51.100.20"
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own (cookies), from `address`, saying it is `agent`."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers={"user-agent": agent}
    ) as client:
        yield client


async def sign_in(
    client: httpx.AsyncClient,
    username: str = "c1-worker",
    *,
    next_page: str | None = None,
    login_page: str = "/console/login",
) -> httpx.Response:
    """Signs in through the login form at `login_page` (sending the `next` it holds, or
    `next_page`)."""
    form = await client.get(login_page)
    assert form.status_code == 200, form.status_code
    answer = await client.post(
        "/console/login",
        data={
            "csrf": client.cookies["console_pre"],
            "username": username,
            "password": PASSWORD,
            "next": _hidden(form.text, "next") if next_page is None else next_page,
        },
    )
    assert answer.status_code == 303, answer.text
    return answer


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, name
    return found.group(1).replace("&amp;", "&")


def csrf_of(html: str) -> str:
    return _hidden(html, "csrf")


def login_query(answer: httpx.Response) -> dict[str, list[str]]:
    location = answer.headers["location"]
    assert location.startswith("/console/login?"), location
    return parse_qs(urlsplit(location).query)


async def _session_row(**filters: Any) -> Any:
    from console.models import ConsoleSession

    return await ConsoleSession.get(**filters)


# --- the limits ------------------------------------------------------------------------------


@pytest.mark.parametrize("limits", [short(idle=1.5)], ids=["idle-1.5s"])
async def test_a_session_left_alone_goes_to_the_login_page_and_back_to_where_it_was(app, world):
    async with browser(app) as client:
        await sign_in(client)
        assert (await client.get("/console/deeds?status=approved")).status_code == 200
        await asyncio.sleep(2)
        ended = await client.get("/console/deeds?status=approved")
        assert ended.status_code == 303
        assert login_query(ended) == {
            "next": ["/console/deeds?status=approved"],
            "ended": ["timeout"],
        }
        login = await client.get(ended.headers["location"])
        assert TIMED_OUT in login.text
        back = await sign_in(client, login_page=ended.headers["location"])
        assert back.headers["location"] == "/console/deeds?status=approved"
        assert (await client.get(back.headers["location"])).status_code == 200


async def test_the_cookie_lives_as_long_as_the_absolute_limit_and_activity_is_written_rarely(
    app, world
):
    async with browser(app) as client:
        signed_in = await sign_in(client)
        cookie = next(
            c for c in signed_in.headers.get_list("set-cookie") if "console_session=" in c
        )
        assert "Max-Age=43200" in cookie  # 12 hours
        session = await _session_row(staff_id=world.worker.id)
        for _ in range(3):
            assert (await client.get("/console/")).status_code == 200
        # A request within a minute of the last one recorded is not written again.
        assert (await _session_row(id=session.id)).last_seen_at == session.last_seen_at
        assert session.expires_at - session.last_seen_at == timedelta(hours=12)


@pytest.mark.parametrize("limits", [short(idle=2, session=6)], ids=["idle-2s-session-6s"])
@pytest.mark.solo  # wall-clock: in use all along, past the idle limit
async def test_a_session_in_use_stays_past_the_idle_limit_and_ends_at_the_absolute_one(app, world):
    async with browser(app) as client:
        await sign_in(client)
        started = time.monotonic()
        while time.monotonic() - started < 4.5:  # twice the idle limit, in use all along
            answer = await client.get("/console/")
            assert answer.status_code == 200, time.monotonic() - started
            await asyncio.sleep(0.4)
        await asyncio.sleep(max(0.0, 6.3 - (time.monotonic() - started)))
        ended = await client.get("/console/")
        assert login_query(ended)["ended"] == ["timeout"]
        # A fetch of an ended session is told plainly, not redirected.
        fetched = await client.get("/console/", headers={"X-Console-Fetch": "1"})
        assert fetched.status_code == 401


# --- ending well -----------------------------------------------------------------------------

ACTIVITY_FORM = {
    "title": "周六敬老院陪伴",
    "description": "陪老人聊天、读报\n两小时",
    "action": "volunteering",
    "starts_at": "2031-05-10T09:00",
    "ends_at": "2031-05-10T11:00",
    "capacity": "12",
    "address": "南门敬老院",
    "lat": "29.8601",
    "lng": "121.5488",
    "radius_m": "",
}


@pytest.mark.parametrize("limits", [short(idle=1.5)], ids=["idle-1.5s"])
async def test_a_form_posted_after_the_session_ended_is_filled_in_again_after_login(app, world):
    async with browser(app) as client:
        await sign_in(client)
        page = await client.get("/console/activities/new")
        community = re.search(r'<option value="([^"]+)"[^>]*>一社区', page.text)
        assert community is not None
        await asyncio.sleep(2)
        posted = await client.post(
            "/console/activities/new",
            data={**ACTIVITY_FORM, "community": community.group(1), "csrf": csrf_of(page.text)},
            headers={"Referer": "http://testserver/console/activities/new"},
        )
        assert login_query(posted) == {"next": ["/console/activities/new"], "ended": ["timeout"]}
        login = await client.get(posted.headers["location"])
        assert TIMED_OUT in login.text and "您填写的内容已保留" in login.text
        kept = (await _session_row(staff_id=world.worker.id)).form_state
        assert kept["values"]["title"] == ["周六敬老院陪伴"]
        assert "csrf" not in kept["values"]  # never a token (nor a password)
        back = await sign_in(client, login_page=posted.headers["location"])
        assert back.headers["location"] == "/console/activities/new"
        again = (await client.get("/console/activities/new")).text
        assert 'value="周六敬老院陪伴"' in again
        assert ">陪老人聊天、读报\n两小时</textarea>" in again
        assert f'<option value="{community.group(1)}" selected>' in again
        assert 'value="2031-05-10T09:00"' in again and 'value="南门敬老院"' in again
        assert "您重新登录前填写的内容已恢复" in again
        assert 'id="form-summary" tabindex="-1" autofocus' in again
        # Shown once: the next visit is a fresh form, and nothing was published meanwhile.
        assert "周六敬老院陪伴" not in (await client.get("/console/activities/new")).text
        listed = await world.worker.client.get("/api/v1/activities?limit=100")
        assert "周六敬老院陪伴" not in listed.text


@pytest.mark.parametrize("limits", [short(idle=1.5)], ids=["idle-1.5s"])
async def test_a_kept_form_is_not_shown_to_someone_else_signing_in_on_that_browser(app, world):
    async with browser(app) as client:
        await sign_in(client)
        page = await client.get("/console/activities/new")
        await asyncio.sleep(2)
        await client.post(
            "/console/activities/new",
            data={**ACTIVITY_FORM, "csrf": csrf_of(page.text)},
            headers={"Referer": "http://testserver/console/activities/new"},
        )
        await sign_in(client, username="d1-admin", next_page="/console/activities/new")
        assert "周六敬老院陪伴" not in (await client.get("/console/activities/new")).text


@pytest.mark.parametrize("limits", [short(idle=1.5)], ids=["idle-1.5s"])
async def test_a_form_posted_without_its_sessions_token_is_not_kept(app, world):
    async with browser(app) as client:
        await sign_in(client)
        await asyncio.sleep(2)
        posted = await client.post(
            "/console/activities/new",
            data={**ACTIVITY_FORM, "csrf": "not-the-token"},
            headers={"Referer": "http://testserver/console/activities/new"},
        )
        assert posted.status_code == 303
        assert (await _session_row(staff_id=world.worker.id)).form_state is None


@pytest.mark.parametrize("limits", [short(idle=1.5)], ids=["idle-1.5s"])
async def test_a_form_of_another_tab_sent_after_signing_in_again_is_filled_in_not_refused(
    app, world
):
    async with browser(app) as client:
        await sign_in(client)
        form_tab = await client.get("/console/activities/new")
        await asyncio.sleep(2)
        other_tab = await client.get("/console/deeds")  # this tab meets the timeout first
        await sign_in(client, login_page=other_tab.headers["location"])
        posted = await client.post(
            "/console/activities/new",
            data={**ACTIVITY_FORM, "csrf": csrf_of(form_tab.text)},
            headers={"Referer": "http://testserver/console/activities/new"},
        )
        assert posted.status_code == 303
        assert posted.headers["location"] == "/console/activities/new"
        again = (await client.get("/console/activities/new")).text
        assert 'value="周六敬老院陪伴"' in again and "您重新登录前填写的内容已恢复" in again
        # A token no session of this person ever had is still refused outright.
        forged = await client.post(
            "/console/activities/new",
            data={**ACTIVITY_FORM, "csrf": "not-any-token"},
            headers={"Referer": "http://testserver/console/activities/new"},
        )
        assert forged.status_code == 403


async def test_a_token_in_other_characters_is_refused_not_an_error(app, world):
    async with browser(app) as client:
        await client.get("/console/login")
        login = await client.post(
            "/console/login",
            data={"csrf": "令牌", "username": "c1-worker", "password": PASSWORD},
        )
        assert login.status_code == 403
        await sign_in(client)
        posted = await client.post("/console/activities/new", data={"csrf": "令牌"})
        assert posted.status_code == 403


OFF_SITE = [
    "https://evil.example/console/",
    "//evil.example/console/",
    "/\\evil.example/",
    "/console/\\\\evil.example",
    "/console/../../evil.example",
    "/console/%2e%2e/%2e%2e//evil.example",
    "/console//evil.example",
    "/console/%2F%2Fevil.example",
    "javascript:alert(1)",
    "/console/\r\nLocation: https://evil.example",
    "http:/console/",
    " /console/",
    "/consolex",
    "/console/login",
    "/console/static/console.css",
]


async def test_after_login_only_a_page_of_this_console_is_a_destination(app, world):
    async with browser(app) as client:
        for target in [*OFF_SITE, "/console/deeds?status=approved&page=2"]:
            expected = target if target.startswith("/console/deeds") else "/console/"
            client.cookies.clear()
            form = await client.get("/console/login", params={"next": target})
            assert _hidden(form.text, "next") == expected, target
            answer = await sign_in(client, next_page=target)
            assert answer.headers["location"] == expected, target
            # Already signed in, the login page sends on to the same place.
            again = await client.get("/console/login", params={"next": target})
            assert again.headers["location"] == expected, target


async def test_a_refused_form_comes_back_filled_in_with_its_fields_marked(app, world):
    async with browser(app) as client:
        await sign_in(client)
        page = await client.get("/console/activities/new")
        refused = await client.post(
            "/console/activities/new",
            data={**ACTIVITY_FORM, "title": "", "capacity": "0", "csrf": csrf_of(page.text)},
            headers={"Referer": "http://testserver/console/activities/new"},
        )
        assert refused.headers["location"] == "/console/activities/new"
        again = (await client.get("/console/activities/new")).text
        capacity = re.search(r"<input [^>]*name=\"capacity\"[^>]*>", again)
        assert capacity is not None
        assert 'aria-invalid="true"' in capacity.group(0)
        assert 'aria-describedby="field-capacity-error"' in capacity.group(0)
        assert 'value="0"' in capacity.group(0)
        message = re.search(
            r'<span class="field-error" id="field-capacity-error"[^>]*>([^<]+)<', again
        )
        assert message is not None and re.search("[\u4e00-\u9fff]", message.group(1))
        summary = again[again.index('id="form-summary"') - 60 :]
        assert summary.index('id="form-summary"') < summary.index('name="capacity"')
        assert '<a href="#field-capacity">人数上限：' in summary
        assert 'value="南门敬老院"' in again  # what was right is still there


# --- the check-in screen ---------------------------------------------------------------------


async def _open_screen(client: httpx.AsyncClient, activity_id: str, then: str = "stay") -> str:
    """Opens the check-in screen from the console; returns its cookie's token."""
    page = await client.get(f"/console/activities/{activity_id}/checkin")
    assert page.status_code == 200
    opened = await client.post(
        f"/console/activities/{activity_id}/checkin",
        data={"csrf": csrf_of(page.text), "then": then},
    )
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/console/screen/{activity_id}"
    cookie = next(c for c in opened.headers.get_list("set-cookie") if "console_screen=" in c)
    assert f"Path=/console/screen/{activity_id}" in cookie and "HttpOnly" in cookie
    token = re.search(r"console_screen=([^;]+)", cookie)
    assert token is not None
    return token.group(1)


@pytest.mark.solo  # wall-clock: polling all along, past the idle limit
@pytest.mark.parametrize("limits", [short(idle=1.5)], ids=["idle-1.5s"])
async def test_the_check_in_screen_serves_codes_past_the_idle_limit_without_keeping_the_session(
    app, world
):
    activity = await publish(world)
    async with browser(app) as client:
        await sign_in(client)
        await _open_screen(client, activity["id"])
        assert (await client.get(f"/console/screen/{activity['id']}")).status_code == 200
        started = time.monotonic()
        while time.monotonic() - started < 3:  # twice the idle limit, polling all along
            code = await client.get(f"/console/screen/{activity['id']}/code")
            assert code.status_code == 200
            assert code.json()["state"] == "live" and code.json()["qr"].startswith("data:image/png")
            await asyncio.sleep(0.3)
        # The polling was not the worker's activity: the back office has timed out.
        assert login_query(await client.get("/console/"))["ended"] == ["timeout"]
        assert (await client.get(f"/console/screen/{activity['id']}/code")).status_code == 200


async def test_the_check_in_screen_opens_nothing_else(app, world):
    activity = await publish(world)
    other = await publish(world, title="另一个活动")
    async with browser(app) as client:
        await sign_in(client)
        token = await _open_screen(client, activity["id"], then="sign-out")
        # "Open and sign out": this browser holds the screen and nothing else.
        assert login_query(await client.get("/console/")) == {"next": ["/console/"]}
        assert (await client.get(f"/console/screen/{activity['id']}/code")).status_code == 200
    async with browser(app, address="198.51.100.99") as tablet:
        tablet.cookies.set("console_screen", token, path=f"/console/screen/{activity['id']}")
        assert (await tablet.get(f"/console/screen/{activity['id']}/code")).status_code == 200
        # The screen's token anywhere else opens nothing: not as the console's cookie …
        tablet.cookies.set("console_screen", token, path="/console")
        tablet.cookies.set("console_session", token, path="/console")
        for path in (
            "/console/",
            f"/console/activities/{activity['id']}",
            f"/console/activities/{activity['id']}/checkin",
            "/console/exports",
            "/console/sessions",
        ):
            answer = await tablet.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/console/login"), path
        # … nor another activity's screen, nor the API.
        assert (await tablet.get(f"/console/screen/{other['id']}/code")).status_code == 403
        assert (await tablet.get(f"/console/screen/{other['id']}")).status_code == 403
        api = await tablet.get("/api/v1/activities", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 401


async def test_the_check_in_screen_stops_after_the_activity_and_its_grace(app, world):
    from activities.models import Activity

    activity = await publish(world)
    async with browser(app) as client:
        await sign_in(client)
        await _open_screen(client, activity["id"])
        now = datetime.now(UTC)
        await Activity.filter(id=activity["id"]).update(ends_at=now - timedelta(minutes=5))
        over = await client.get(f"/console/screen/{activity['id']}/code")
        assert over.status_code == 200 and over.json()["state"] == "over"
        assert "qr" not in over.json()
        await Activity.filter(id=activity["id"]).update(ends_at=now - timedelta(minutes=16))
        closed = await client.get(f"/console/screen/{activity['id']}/code")
        assert closed.status_code == 403 and "签到屏已关闭" in closed.text
        assert (await client.get(f"/console/screen/{activity['id']}")).status_code == 403


# --- a person's sessions ---------------------------------------------------------------------


def _session_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-session="([^"]+)"', html)


async def test_a_worker_sees_their_sessions_and_ends_one_from_another_browser(app, world):
    activity = await publish(world)
    async with (
        browser(app, CHROME_ON_WINDOWS, "198.51.100.20") as desk,
        browser(app, WECHAT_ON_ANDROID, "198.51.100.30") as phone,
        browser(app, CHROME_ON_WINDOWS, "198.51.100.40") as cafe,
    ):
        for client in (desk, phone, cafe):
            await sign_in(client)
        await _open_screen(desk, activity["id"])
        page = await desk.get("/console/sessions")
        assert page.status_code == 200
        assert "Windows 上的 Chrome" in page.text and "安卓 上的 微信" in page.text
        assert "198.51.100.30" in page.text and "198.51.100.40" in page.text
        assert "本浏览器" in page.text and "河道清洁" in page.text  # the screen it opened
        assert '<a href="/console/sessions">' in page.text  # in the navigation
        rows = _session_ids(page.text)
        assert len(rows) == 3
        phone_row = next(
            r for r in rows if "198.51.100.30" in page.text.split(f'data-session="{r}"')[1][:600]
        )
        ended = await desk.post(
            f"/console/sessions/{phone_row}/end", data={"csrf": csrf_of(page.text)}
        )
        assert ended.status_code == 303
        assert login_query(await phone.get("/console/"))["ended"] == ["ended"]
        assert "登录已结束，请重新登录" in (await phone.get("/console/login?ended=ended")).text
        assert (await cafe.get("/console/")).status_code == 200
        page = await desk.get("/console/sessions")
        assert len(_session_ids(page.text)) == 2
        await desk.post("/console/sessions/end-others", data={"csrf": csrf_of(page.text)})
        assert login_query(await cafe.get("/console/"))["ended"] == ["ended"]
        assert (await desk.get("/console/")).status_code == 200
        # The screen is not a session of the back office: it still runs until closed.
        assert (await desk.get(f"/console/screen/{activity['id']}/code")).status_code == 200
        page = await desk.get("/console/sessions")
        screen = re.search(r'<tr data-screen="([^"]+)"', page.text)
        assert screen is not None
        await desk.post(
            f"/console/sessions/{screen.group(1)}/end", data={"csrf": csrf_of(page.text)}
        )
        assert (await desk.get(f"/console/screen/{activity['id']}/code")).status_code == 403


async def test_nobody_ends_another_persons_session(app, world):
    async with browser(app) as mine, browser(app) as theirs:
        await sign_in(mine)
        await sign_in(theirs, username="c3-worker")
        target = _session_ids((await mine.get("/console/sessions")).text)[0]
        page = await theirs.get("/console/sessions")
        refused = await theirs.post(
            f"/console/sessions/{target}/end",
            data={"csrf": csrf_of(page.text)},
            headers={"X-Console-Fetch": "1"},
        )
        assert refused.status_code == 404
        assert (await mine.get("/console/")).status_code == 200


async def test_disabling_a_worker_ends_every_console_session_and_screen_at_once(app, world):
    activity = await publish(world)
    async with browser(app) as desk, browser(app, WECHAT_ON_ANDROID) as phone:
        await sign_in(desk)
        await sign_in(phone)
        await _open_screen(desk, activity["id"])
        disabled = await world.district_admin.client.post(
            f"/api/v1/staff/{world.worker.id}/disable"
        )
        assert disabled.status_code == 200, disabled.text
        for client in (desk, phone):
            assert login_query(await client.get("/console/"))["ended"] == ["ended"]
        assert (await desk.get(f"/console/screen/{activity['id']}/code")).status_code == 403


async def test_a_password_reset_in_the_console_ends_the_workers_sessions_and_screens(app, world):
    activity = await publish(world)
    async with (
        browser(app) as desk,
        browser(app, WECHAT_ON_ANDROID) as phone,
        browser(app) as office,
    ):
        await sign_in(desk)
        await sign_in(phone)
        await _open_screen(desk, activity["id"])
        await sign_in(office, username="d1-admin")
        staff = await office.get("/console/staff")
        reset = await office.post(
            f"/console/staff/{world.worker.id}/password",
            data={"csrf": csrf_of(staff.text), "password": "a-new-password-456"},
        )
        assert reset.status_code == 303
        for client in (desk, phone):
            assert login_query(await client.get("/console/"))["ended"] == ["ended"]
        assert (await desk.get(f"/console/screen/{activity['id']}/code")).status_code == 403
        assert (await office.get("/console/")).status_code == 200
