"""Console sessions in Chromium: the idle and absolute limits (a service of the test's own
with the limits set short), the way back after signing in again with a form filled in, the
focus on a refused form's summary, the check-in screen running on past the idle limit while
opening nothing else, and ending a session from another browser."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from playwright.async_api import expect

from tests.console.conftest import PASSWORD, Live, ShortLived, sign_in
from tests.console.test_console import publish

TIMED_OUT = "登录已超时，请重新登录"


@asynccontextmanager
async def page_of(browser: Any, service: Live) -> AsyncIterator[Any]:
    context = await browser.new_context(
        base_url=service.base, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    try:
        page = await context.new_page()
        page.set_default_timeout(15_000)
        yield page
    finally:
        await context.close()


async def sign_in_here(page: Any, username: str = "c1-worker") -> None:
    """Signs in on the login page the browser is on (it says where to go next)."""
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()


async def test_an_idle_console_asks_to_sign_in_again_and_keeps_the_typed_form(
    browser, short_lived: ShortLived
):
    service = await short_lived(idle=4)
    async with page_of(browser, service) as page:
        await sign_in(page, "c1-worker")
        await page.goto("/console/activities/new")
        await page.get_by_label("标题").fill("社区读书会")
        await page.get_by_label("说明").fill("每月一次，带一本书来")
        await page.get_by_label("人数上限").fill("25")
        await page.get_by_label("地址").fill("社区图书室")
        await page.get_by_label("纬度").fill("29.8601")
        await page.get_by_label("经度").fill("121.5488")
        await asyncio.sleep(5)  # left alone past the idle limit
        await page.get_by_role("button", name="发布").click()
        await page.wait_for_url("**/console/login?*")
        notice = await page.locator("#login-notice").inner_text()
        assert TIMED_OUT in notice and "您填写的内容已保留" in notice
        await sign_in_here(page)
        await page.wait_for_url("**/console/activities/new")
        await expect(page.get_by_label("标题")).to_have_value("社区读书会")
        await expect(page.get_by_label("说明")).to_have_value("每月一次，带一本书来")
        await expect(page.get_by_label("人数上限")).to_have_value("25")
        await expect(page.locator("#form-summary")).to_be_focused()
        assert "重新登录前填写的内容已恢复" in await page.locator("#form-summary").inner_text()
        # Nothing was published behind the worker's back: they send it now.
        await page.get_by_role("button", name="发布").click()
        await page.wait_for_url("**/console/activities/*")
        assert await page.locator("h1").inner_text() == "社区读书会"


async def test_an_idle_page_comes_back_to_where_it_was_after_signing_in(
    browser, short_lived: ShortLived
):
    service = await short_lived(idle=3)
    async with page_of(browser, service) as page:
        await sign_in(page, "c1-worker")
        await page.goto("/console/deeds?status=approved")
        await asyncio.sleep(4)
        await page.get_by_role("link", name="更正申请").first.click()
        await page.wait_for_url("**/console/login?*")
        assert TIMED_OUT in await page.locator("#login-notice").inner_text()
        await sign_in_here(page)
        await page.wait_for_url("**/console/corrections")


@pytest.mark.solo  # wall-clock: in use all along, past the idle limit
async def test_a_console_used_all_day_ends_at_the_absolute_limit(browser, short_lived: ShortLived):
    service = await short_lived(idle=3, session=9)
    async with page_of(browser, service) as page:
        await sign_in(page, "c1-worker")
        started = time.monotonic()
        while time.monotonic() - started < 6:  # twice the idle limit, in use all along
            await page.goto("/console/activities")
            assert page.url.endswith("/console/activities"), time.monotonic() - started
            await asyncio.sleep(0.8)
        await asyncio.sleep(max(0.0, 9.5 - (time.monotonic() - started)))
        await page.goto("/console/activities")
        await page.wait_for_url("**/console/login?*")
        assert TIMED_OUT in await page.locator("#login-notice").inner_text()


@pytest.mark.solo  # wall-clock: in use all along, past the idle limit
async def test_the_check_in_screen_runs_past_the_idle_limit_and_opens_nothing_else(
    browser, live: Live, short_lived: ShortLived
):
    service = await short_lived(idle=4)
    activity = await publish(live, title="签到屏不占登录")
    async with page_of(browser, service) as page:
        await sign_in(page, "c1-worker")
        await page.goto(f"/console/activities/{activity['id']}/checkin")
        await page.get_by_role("button", name="打开签到屏并退出本浏览器的登录").click()
        await page.wait_for_url(f"**/console/screen/{activity['id']}")
        qr, updated = page.locator("#qr"), page.locator("#qr-updated")
        await qr.wait_for()
        first = await updated.inner_text()
        await asyncio.sleep(5)  # past the idle limit: the screen's credential is not the session's
        await expect(updated).not_to_have_text(first, timeout=30_000)  # a code fetched since
        assert await qr.is_visible()
        for path in ("/console/", f"/console/activities/{activity['id']}", "/console/exports"):
            await page.goto(path)
            await page.wait_for_url("**/console/login?*")
        await page.goto(f"/console/screen/{activity['id']}")
        await qr.wait_for()


async def test_a_refused_form_moves_the_focus_to_its_summary_and_describes_the_field(
    page, live: Live
):
    await sign_in(page, "c1-worker")
    await page.goto("/console/activities/new")
    await page.get_by_label("标题").fill("人数为零")
    await page.get_by_label("人数上限").fill("0")
    await page.get_by_label("纬度").fill("29.86")
    await page.get_by_label("经度").fill("121.54")
    await page.locator("#activity-form").evaluate("form => form.noValidate = true")
    await page.get_by_role("button", name="发布").click()
    summary = page.locator("#form-summary")
    await expect(summary).to_be_focused()
    capacity = page.get_by_label("人数上限")
    await expect(capacity).to_have_attribute("aria-invalid", "true")
    message = await page.locator("#field-capacity-error").inner_text()
    assert message
    await expect(capacity).to_have_accessible_description(message)
    await expect(capacity).to_have_accessible_name("人数上限")
    await expect(page.get_by_label("标题")).to_have_value("人数为零")
    await summary.get_by_role("link", name="人数上限", exact=False).click()
    await expect(capacity).to_be_focused()


async def test_a_worker_ends_the_session_of_another_browser(browser, live: Live):
    async with page_of(browser, live) as desk, page_of(browser, live) as left_open:
        await sign_in(left_open, "c2-worker")
        await sign_in(desk, "c2-worker")
        await desk.get_by_role("link", name="登录设备").click()
        await desk.wait_for_url("**/console/sessions")
        rows = desk.locator("#sessions tbody tr")
        assert await rows.count() >= 2
        other = rows.filter(has_not_text="本浏览器").first
        assert "Chrome" in await other.inner_text()
        await other.get_by_role("button", name="结束此登录").click()
        await desk.wait_for_url("**/console/sessions")
        assert "已结束" in await desk.locator(".flash").inner_text()
        await left_open.goto("/console/deeds")
        await left_open.wait_for_url("**/console/login?*")
        assert "登录已结束，请重新登录" in await left_open.locator("#login-notice").inner_text()
        await desk.goto("/console/deeds")
        assert desk.url.endswith("/console/deeds")
