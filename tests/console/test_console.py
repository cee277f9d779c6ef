"""Signing in and out, the layout by role, and the worker's activities, in Chromium."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.console.conftest import Live, screenshot, sign_in

SITE = {"lat": 29.8753, "lng": 121.5440}
NEARBY = {"lat": 29.8755, "lng": 121.5442}


async def publish(live: Live, worker: str = "c1-worker", **overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "title": "河道清洁",
        "action": "volunteering",
        "community": "c1",
        "starts_at": (now - timedelta(minutes=10)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
        "capacity": 10,
        "location": {**SITE, "radius_m": 200, "address": "鼓楼步行街"},
        **overrides,
    }
    answer = await live.call(worker, "POST", "/api/v1/activities", json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def test_worker_signs_in_sees_chinese_navigation_and_signs_out(page, live):
    await sign_in(page, "c1-worker")
    nav = await page.locator("header nav").inner_text()
    assert "今日" in nav and "好人好事审核" in nav and "奖品发放" in nav
    assert "积分规则" not in nav  # the district's rules are for its administrators
    assert "社区工作者" in await page.locator(".me").inner_text()
    cookie = next(c for c in await page.context.cookies() if c["name"] == "console_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    await screenshot(page, "home-worker")
    await page.get_by_role("button", name="退出登录").click()
    await page.wait_for_url("**/console/login")
    await page.goto("/console/")
    await page.wait_for_url("**/console/login?next=*")


async def test_district_admin_sees_the_back_office_in_the_navigation(page, live):
    await sign_in(page, "d1-admin")
    nav = await page.locator("header nav").inner_text()
    for item in ("积分规则", "社区与人员", "奖品与库存", "徽章", "光荣榜", "数据看板"):
        assert item in nav


async def test_wrong_password_is_refused_in_chinese(page, live):
    await page.goto("/console/login")
    await page.get_by_label("用户名").fill("locked-worker")
    await page.get_by_label("密码").fill("wrong-password")
    await page.get_by_role("button", name="登录").click()
    error = await page.locator("#login-error").inner_text()
    assert "用户名或密码错误" in error
    assert "/console/login" in page.url


async def test_a_form_without_the_csrf_token_is_refused(live):
    async with httpx.AsyncClient(base_url=live.base) as client:
        form = await client.get("/console/login")
        pre = form.cookies["console_pre"]
        signed_in = await client.post(
            "/console/login",
            data={"csrf": pre, "username": "c1-worker", "password": "staff-password-123"},
        )
        assert signed_in.status_code == 303
        forged = await client.post(
            "/console/activities/new", data={"title": "伪造", "csrf": "not-the-token"}
        )
        assert forged.status_code == 403
        assert forged.headers["content-security-policy"].startswith("default-src 'self'")


async def test_worker_creates_an_activity_with_the_form(page, live):
    await sign_in(page, "c1-worker")
    await page.goto("/console/activities/new")
    await page.get_by_label("标题").fill("周末敬老院陪伴")
    await page.get_by_label("文明行动").select_option(label="随手做志愿")
    await page.get_by_label("社区").select_option(label="一社区")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    await page.get_by_label("开始时间（北京时间）").fill(f"{tomorrow}T09:00")
    await page.get_by_label("结束时间（北京时间）").fill(f"{tomorrow}T11:30")
    await page.get_by_label("人数上限").fill("12")
    await page.get_by_label("地址").fill("南门敬老院")
    await page.get_by_label("纬度").fill("29.8601")
    await page.get_by_label("经度").fill("121.5488")
    await screenshot(page, "activity-form")
    await page.get_by_role("button", name="发布").click()
    await page.wait_for_url("**/console/activities/*")
    assert "活动已发布" in await page.locator(".flash").inner_text()
    facts = await page.locator("dl").inner_text()
    assert "09:00" in facts and "11:30" in facts and "一社区" in facts and "随手做志愿" in facts
    found = await live.call("c1-worker", "GET", "/api/v1/activities?limit=100")
    created = [a for a in found.json()["items"] if a["title"] == "周末敬老院陪伴"]
    assert len(created) == 1
    assert created[0]["starts_at"].startswith(f"{tomorrow}T01:00")  # 09:00 in Shanghai


async def test_worker_edits_then_cancels_an_activity(page, live):
    later = datetime.now(UTC) + timedelta(days=3)
    activity = await publish(
        live,
        title="待改的活动",
        starts_at=later.isoformat(),
        ends_at=(later + timedelta(hours=2)).isoformat(),
    )
    await sign_in(page, "c1-worker")
    await page.goto(f"/console/activities/{activity['id']}/edit")
    await page.get_by_label("标题").fill("改好的活动")
    await page.get_by_role("button", name="保存").click()
    await page.wait_for_url(f"**/console/activities/{activity['id']}")
    assert await page.locator("h1").inner_text() == "改好的活动"
    await page.get_by_text("取消本活动").click()
    await page.get_by_label("原因（将通知居民）").fill("天气原因")
    await page.get_by_role("button", name="取消活动").click()
    await page.wait_for_selector(".flash")
    assert "已取消" in await page.locator("dl").inner_text()


async def test_a_bad_form_says_what_is_wrong_in_chinese(page, live):
    await sign_in(page, "c1-worker")
    await page.goto("/console/activities/new")
    await page.get_by_label("标题").fill("时间倒了")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    await page.get_by_label("开始时间（北京时间）").fill(f"{tomorrow}T11:00")
    await page.get_by_label("结束时间（北京时间）").fill(f"{tomorrow}T09:00")
    await page.get_by_label("纬度").fill("29.86")
    await page.get_by_label("经度").fill("121.54")
    await page.get_by_role("button", name="发布").click()
    error = page.locator(".flash.error")
    await error.wait_for()
    assert "请求内容有误" in await error.inner_text() or "有误" in await error.inner_text()


async def test_a_stored_title_with_markup_shows_as_text(page, live):
    title = "<img src=x onerror=alert(1)>"
    activity = await publish(live, title=title)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await sign_in(page, "c1-worker")
    for path in (
        "/console/",
        "/console/activities",
        f"/console/activities/{activity['id']}",
        f"/console/activities/{activity['id']}/checkin",
    ):
        await page.goto(path)
        assert title in await page.locator("main").inner_text()
        assert await page.locator("main img[src=x]").count() == 0
    assert dialogs == []


async def test_narrow_phone_has_no_horizontal_scroll_on_main_pages(browser, live):
    await publish(live, title="手机上看的活动，标题很长很长很长很长很长很长很长很长很长")
    context = await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    try:
        page = await context.new_page()
        await sign_in(page, "c1-worker")
        for path in ("/console/", "/console/activities", "/console/deeds", "/console/handover"):
            await page.goto(path)
            width = await page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert width[0] <= width[1], f"{path} scrolls sideways: {width}"
        await page.goto("/console/activities")
        await screenshot(page, "activities-390")
    finally:
        await context.close()
