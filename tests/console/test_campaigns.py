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
