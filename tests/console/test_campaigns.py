"""The campaign screens in Chromium (issue 23): an administrator creates a campaign with its
targets, the progress per community against them after the rollup, at 390 px too, and its
export as a spreadsheet whose texts are never formulas."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import httpx
import openpyxl

from kernel import localtime
from tests.console.conftest import Live, sign_in

TITLE = "=1+1 文明城市我参与"


async def _create(page, live: Live) -> str:
    await sign_in(page, "d1-admin")
    await page.goto("/console/campaigns")
    form = page.locator("#new-campaign")
    await form.get_by_label("标题").fill(TITLE)
    await form.get_by_label("起始日期").fill((localtime.today() - timedelta(days=1)).isoformat())
    await form.get_by_label("截止日期").fill((localtime.today() + timedelta(days=20)).isoformat())
    deeds = form.locator("fieldset").nth(0)
    await deeds.get_by_label("重信守承诺").check()
    totals = form.locator("fieldset").nth(2)
    await totals.get_by_label("参与人数").fill("50")
    each = form.locator("fieldset").nth(3)
    await each.get_by_label("参与人数").fill("4")
    await form.get_by_label("参与者获得一次主题活动奖励积分").check()
    await form.get_by_role("button", name="创建").click()
    await page.wait_for_url("**/console/campaigns/*")
    assert "已创建" in await page.locator(".flash").inner_text()
    return str(page.url).rsplit("/", 1)[-1]


async def _take_part(live: Live) -> None:
    answer = await live.call(
        "c1-worker",
        "POST",
        "/api/v1/deeds/attest",
        json={
            "resident": live.ids["o-chen"],
            "action": "keep-promises",
            "description": "按时归还借用的工具",
            "occurred_at": (datetime.now(UTC) - timedelta(minutes=20)).isoformat(),
        },
    )
    assert answer.status_code == 201, answer.text
    async with httpx.AsyncClient(base_url=live.base, timeout=60) as client:
        login = await client.post(
            "/api/v1/auth/login", json={"username": "root", "password": "root-password-123"}
        )
        token = login.json()["access_token"]
        rolled = await client.post(
            "/api/v1/jobs/campaigns-rollup/run", headers={"Authorization": f"Bearer {token}"}
        )
    assert rolled.json()["status"] == "succeeded", rolled.text


async def test_an_admin_creates_a_campaign_and_follows_it_per_community(page, live: Live):
    campaign_id = await _create(page, live)
    assert await page.locator("h1").inner_text() == TITLE
    await _take_part(live)
    await page.reload()
    c1 = page.locator("#communities tr[data-community='一社区'] td[data-figure='participants']")
    text = await c1.inner_text()
    assert "今日 1" in text and "期间 1" in text and "/ 4" in text and "25%" in text
    total = page.locator("#total tr[data-figure='participants']")
    assert "50" in await total.inner_text()
    answer = await page.request.get(f"/console/campaigns/{campaign_id}/export")
    assert answer.status == 200
    assert "xlsx" in answer.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(await answer.body())).active
    rows = list(sheet.iter_rows(values_only=False))
    assert rows[0][0].value == "社区"
    names = {row[0].value: row for row in rows[1:]}
    assert names["一社区"][1].value == 1  # today's participants, a number
    last = rows[-1][0]
    assert (last.value, last.data_type) == (TITLE, "s")  # text, never a formula


async def test_the_campaign_dashboard_fits_a_phone(browser, live: Live):
    context = await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    try:
        page = await context.new_page()
        page.set_default_timeout(15_000)
        today = localtime.today()
        created = await live.call(
            "d1-admin",
            "POST",
            "/api/v1/campaigns",
            json={
                "title": "文明出行",
                "starts_on": today.isoformat(),
                "ends_on": (today + timedelta(days=9)).isoformat(),
                "community_targets": {"participants": 3, "hours": 10},
            },
        )
        assert created.status_code == 201, created.text
        await sign_in(page, "c1-worker")
        await page.goto("/console/campaigns")
        await page.get_by_role("link", name="文明出行").click()
        await page.wait_for_url("**/console/campaigns/*")
        rows = page.locator("#communities tbody tr")
        assert await rows.count() == 1  # a worker follows their own community
        assert await rows.first.get_attribute("data-community") == "一社区"
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        assert await page.locator("#new-campaign").count() == 0  # workers do not create
    finally:
        await context.close()


async def test_a_gate_shows_a_code_a_resident_checks_in_with(page, live: Live):
    today = localtime.today()
    campaign = await live.call(
        "d1-admin",
        "POST",
        "/api/v1/campaigns",
        json={
            "title": "文明观赛",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=3)).isoformat(),
        },
    )
    assert campaign.status_code == 201, campaign.text
    now = datetime.now(UTC)
    event = await live.call(
        "d1-admin",
        "POST",
        f"/api/v1/campaigns/{campaign.json()['id']}/events",
        json={
            "title": "亚运会篮球赛",
            "starts_at": (now - timedelta(minutes=30)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
            "zones": [{"venue": "奥体中心体育馆", "name": "北门"}],
        },
    )
    assert event.status_code == 201, event.text
    await sign_in(page, "c1-worker")
    await page.goto(f"/console/campaigns/{campaign.json()['id']}")
    await page.get_by_role("link", name="显示入口签到码").click()
    await page.wait_for_url("**/gate")
    assert await page.locator("#gate-qr").evaluate("img => img.naturalWidth > 0")
    code = await page.locator("#gate-code").inner_text()
    checked_in = await live.call(
        "o-li", "POST", f"/api/v1/events/{event.json()['id']}/check-in", json={"code": code}
    )
    assert checked_in.status_code == 201, checked_in.text
    assert checked_in.json()["zone_name"] == "北门"


async def test_an_admin_sets_the_campaign_bonus_now_and_schedules_a_change(page, live: Live):
    await sign_in(page, "d1-admin")
    await page.goto("/console/settings")
    form = page.locator("#rules-form")
    await form.get_by_label("主题活动参与奖励（积分）").fill("5")
    await form.get_by_role("button", name="保存").click()
    await page.wait_for_selector(".flash")
    assert "已保存" in await page.locator(".flash").inner_text()
    assert await page.locator("#campaign-bonus").inner_text() == "5 积分"
    later = localtime.now() + timedelta(days=2)
    await form.get_by_label("主题活动参与奖励（积分）").fill("8")
    await form.get_by_label("生效时间").fill(later.strftime("%Y-%m-%dT%H:%M"))
    await form.get_by_role("button", name="保存").click()
    await page.wait_for_selector(".flash")
    assert await page.locator("#campaign-bonus").inner_text() == "5 积分"  # not yet
    assert "主题活动参与奖励（积分）：5 → 8" in await page.locator("#upcoming").inner_text()


async def test_a_campaign_badge_names_its_campaign_in_the_badge_list(page, live: Live):
    today = localtime.today()
    created = await live.call(
        "d1-admin",
        "POST",
        "/api/v1/campaigns",
        json={
            "title": "文明餐桌",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=9)).isoformat(),
        },
    )
    assert created.status_code == 201, created.text
    await sign_in(page, "d1-admin")
    await page.goto("/console/badges")
    row = page.locator("#badges tbody tr", has_text="文明餐桌")
    text = await row.inner_text()
    assert "参与主题活动：文明餐桌" in text and "未知" not in text


async def test_an_admin_adds_an_event_with_its_gates_on_a_phone(browser, live: Live):
    today = localtime.today()
    campaign = await live.call(
        "d1-admin",
        "POST",
        "/api/v1/campaigns",
        json={
            "title": "文明观赛（亚运）",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=5)).isoformat(),
        },
    )
    assert campaign.status_code == 201, campaign.text
    context = await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    try:
        page = await context.new_page()
        page.set_default_timeout(15_000)
        await sign_in(page, "d1-admin")
        await page.goto(f"/console/campaigns/{campaign.json()['id']}")
        form = page.locator("#new-event")
        start = localtime.now().replace(second=0, microsecond=0) + timedelta(hours=1)
        await form.get_by_label("赛事活动名称").fill("亚运会足球赛")
        await form.get_by_label("开始").fill(start.strftime("%Y-%m-%dT%H:%M"))
        end = start + timedelta(hours=3)
        await form.get_by_label("结束").fill(end.strftime("%Y-%m-%dT%H:%M"))
        await form.get_by_label("场馆和入口").fill("奥体中心体育场，北门\n奥体中心体育场，南门")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await form.get_by_role("button", name="添加赛事活动").click()
        await page.wait_for_selector(".flash")
        assert "共 2 个入口" in await page.locator(".flash").inner_text()
        held = page.locator("section[data-event='亚运会足球赛']")
        text = await held.inner_text()
        assert "奥体中心体育场 · 北门" in text and "奥体中心体育场 · 南门" in text
        assert await held.get_by_role("link", name="显示入口签到码").count() == 2
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        # A worker follows the campaign but does not add its events.
        await context.clear_cookies()
        await sign_in(page, "c1-worker")
        await page.goto(f"/console/campaigns/{campaign.json()['id']}")
        assert await page.locator("#new-event").count() == 0
    finally:
        await context.close()
