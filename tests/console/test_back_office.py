"""A district administrator's back office, the dashboard and the exports, in Chromium."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl

from tests.console.conftest import Live, screenshot, sign_in
from tests.console.test_console import publish


async def _approved_records(live: Live, day: datetime, residents: list[str]) -> list[str]:
    """Verified service records of `residents` on `day` (through the API)."""
    activity = await publish(
        live,
        title="导出用的活动",
        starts_at=day.isoformat(),
        ends_at=(day + timedelta(hours=3)).isoformat(),
    )
    ids = []
    for resident in residents:
        attendance = await live.call(
            "c1-worker",
            "POST",
            f"/api/v1/activities/{activity['id']}/attendances",
            json={
                "resident": live.ids[resident],
                "checked_in_at": day.isoformat(),
                "checked_out_at": (day + timedelta(hours=2)).isoformat(),
                "note": "补录",
            },
        )
        assert attendance.status_code == 201, attendance.text
        verified = await live.call(
            "c1-worker",
            "POST",
            f"/api/v1/attendances/{attendance.json()['id']}/verify",
            json={"decision": "approve"},
        )
        assert verified.status_code == 200, verified.text
        ids.append(str(verified.json()["record"]))
    return ids


async def test_admin_changes_a_rule_after_seeing_its_preview(page, live):
    await sign_in(page, "d1-admin")
    await page.goto("/console/settings")
    form = page.locator("#rules-form")
    await form.get_by_label("文明行动").select_option(label="随手做志愿")
    await form.get_by_label("每小时积分").fill("15")
    await form.get_by_role("button", name="预览").click()
    preview = page.locator("#preview")
    await preview.wait_for()
    text = await preview.inner_text()
    assert "随手做志愿" in text and "30" in text  # 2 hours at 15 credits
    await screenshot(page, "rules-preview")
    earnings = page.locator("#earnings tr", has_text="随手做志愿")
    assert "15" not in await earnings.locator("td").nth(1).inner_text()  # nothing saved yet
    await form.get_by_label("文明行动").select_option(label="随手做志愿")
    await form.get_by_label("每小时积分").fill("15")
    await form.get_by_role("button", name="保存").click()
    await page.wait_for_selector(".flash")
    assert "已保存" in await page.locator(".flash").inner_text()
    earnings = page.locator("#earnings tr", has_text="随手做志愿")
    assert await earnings.locator("td").nth(1).inner_text() == "15"


async def test_a_rule_for_an_unknown_action_is_refused(page, live):
    await sign_in(page, "d1-admin")
    await page.goto("/console/settings")
    form = page.locator("#rules-form")
    # A form sent with an action the select does not offer (by hand, or a stale page).
    await form.locator("select[name=rule_action]").evaluate(
        "s => { s.add(new Option('x', 'no-such-action')); s.value = 'no-such-action'; }"
    )
    await form.get_by_label("每小时积分").fill("99")
    await form.get_by_role("button", name="保存").click()
    error = page.locator(".flash.error")
    await error.wait_for()
    assert "每小时积分（no-such-action）" in await error.inner_text()
    assert "没有这项" in await error.inner_text()


async def test_dashboard_draws_its_charts_with_the_numbers_beside_them(page, live):
    day = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0) - timedelta(days=3)
    await _approved_records(live, day, ["o-wang"])
    await sign_in(page, "d1-admin")
    since = (day - timedelta(days=1)).strftime("%Y-%m-%d")
    await page.goto(f"/console/dashboard?from={since}")  # a period of its own: added up now
    for chart in ("credits", "actions", "communities", "stars"):
        await page.locator(f"#{chart}-chart canvas").first.wait_for()
    assert "随手做志愿" in await page.locator("#actions-table").inner_text()
    assert "一社区" in await page.locator("#communities-table").inner_text()
    month = day.astimezone(UTC).strftime("%Y-%m")
    issued = page.locator("#credits-table tr", has_text=month).locator("td").nth(1)
    assert float(await issued.inner_text()) > 0
    await screenshot(page, "dashboard")
    # The last twelve months come from a snapshot, once added up (here by the first view).
    await page.goto("/console/dashboard")
    await page.goto("/console/dashboard")
    assert "数据截至" in await page.locator("#as-of").inner_text()


async def test_a_workers_dashboard_covers_their_community_only(page, live):
    await sign_in(page, "c2-worker")
    await page.goto("/console/dashboard")
    table = await page.locator("#communities-table").inner_text()
    assert "一社区" not in table
    options = await page.locator("select[name=community] option").all_inner_texts()
    assert "一社区" not in options and "二社区" in options


async def test_export_downloads_as_xlsx_with_every_row_and_is_recorded(page, live, tmp_path):
    day = datetime(2024, 3, 5, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, a day of its own
    expected = await _approved_records(live, day, ["o-wang", "o-li", "o-chen"])
    await sign_in(page, "d1-admin")
    await page.goto("/console/exports")
    form = page.locator("#export-service-records")
    await form.get_by_label("起始日期").fill("2024-03-05")
    await form.get_by_label("截止日期").fill("2024-03-05")
    await form.get_by_label("格式").select_option("xlsx")
    async with page.expect_download() as download_info:
        await form.get_by_role("button", name="下载").click()
    download = await download_info.value
    # The browser names the file in Chinese, from `filename*`.
    assert download.suggested_filename == "服务记录_2024-03-05_2024-03-05.xlsx"
    saved = tmp_path / "export.xlsx"
    await download.save_as(saved)
    workbook = openpyxl.load_workbook(saved)
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "记录编号" and rows[0][1] == "昵称"
    assert sorted(r[0] for r in rows[1:]) == sorted(expected)
    assert {r[1] for r in rows[1:]} == {"小王", "李阿姨", "陈师傅"}
    await page.goto("/console/exports")
    log = await page.locator("#export-log").inner_text()
    assert "服务记录" in log and "2024-03-05" in log and "XLSX" in log


async def test_export_as_csv_is_scoped_to_the_workers_communities(live):
    day = datetime(2024, 4, 9, 1, 0, tzinfo=UTC)
    await _approved_records(live, day, ["o-wang"])
    from tests.console.test_scope import console_client

    async with console_client(live, "c2-worker") as client:
        answer = await client.get(
            "/console/exports/service-records?format=csv&from=2024-04-09&to=2024-04-09"
        )
        assert answer.status_code == 200
        lines = answer.text.lstrip("\ufeff").strip().splitlines()
        assert lines[0].startswith("记录编号,昵称") and len(lines) == 1  # c1's record is not c2's
        assert answer.headers["content-disposition"] == (
            'attachment; filename="service-records_2024-04-09_2024-04-09.csv"; '
            "filename*=UTF-8''%E6%9C%8D%E5%8A%A1%E8%AE%B0%E5%BD%95_2024-04-09_2024-04-09.csv"
        )
    async with console_client(live, "c1-worker") as client:
        answer = await client.get(
            "/console/exports/service-records?format=csv&from=2024-04-09&to=2024-04-09"
        )
        assert len(answer.text.strip().splitlines()) == 2 and "小王" in answer.text


async def test_admin_adds_a_worker_resets_the_password_and_disables_them(page, live, browser):
    await sign_in(page, "d1-admin")
    await page.goto("/console/staff")
    form = page.locator("#add-staff")
    await form.get_by_label("姓名").fill("新来的社工")
    await form.get_by_label("用户名").fill("new-worker")
    await form.get_by_label("初始密码（至少 10 位）").fill("first-password-1")
    await form.get_by_label("一社区").check()
    await form.get_by_role("button", name="添加").click()
    await page.wait_for_selector(".flash")
    row = page.locator("tr[data-staff='new-worker']")
    assert "社区工作者" in await row.inner_text() and "一社区" in await row.inner_text()

    other = await browser.new_context(base_url=live.base, locale="zh-CN")
    try:
        worker_page = await other.new_page()
        await sign_in(worker_page, "new-worker", "first-password-1")
        await row.get_by_label("新密码").fill("second-password-2")
        await row.get_by_role("button", name="重置密码").click()
        await page.wait_for_selector(".flash")
        await worker_page.goto("/console/")  # the reset ended their session
        assert "/console/login" in worker_page.url
        row = page.locator("tr[data-staff='new-worker']")
        await row.get_by_role("button", name="停用").click()
        await page.wait_for_selector(".flash")
        assert "已停用" in await page.locator("tr[data-staff='new-worker']").inner_text()
        await worker_page.goto("/console/login")
        await worker_page.get_by_label("用户名").fill("new-worker")
        await worker_page.get_by_label("密码").fill("second-password-2")
        await worker_page.get_by_role("button", name="登录").click()
        await worker_page.locator("#login-error").wait_for()
    finally:
        await other.close()


async def test_admin_offers_restocks_and_withdraws_a_reward(page, live):
    await sign_in(page, "d1-admin")
    await page.goto("/console/rewards")
    form = page.locator("#new-reward")
    await form.get_by_label("标题").fill("文明实践纪念徽章")
    await form.get_by_label("积分").fill("20")
    await form.get_by_label("库存").fill("5")
    await form.get_by_role("button", name="上架").click()
    await page.wait_for_selector(".flash")
    row = page.locator("tr[data-reward='文明实践纪念徽章']")
    await row.get_by_text("编辑、补货或下架").click()
    await row.get_by_label("补货数量").fill("3")
    await row.get_by_role("button", name="补货").click()
    await page.wait_for_selector(".flash")
    row = page.locator("tr[data-reward='文明实践纪念徽章']")
    assert await row.locator("td").nth(3).inner_text() == "8"
    await row.get_by_text("编辑、补货或下架").click()
    await row.locator("form", has_text="下架").get_by_label("原因").fill("活动结束")
    await row.get_by_role("button", name="下架").click()
    await page.wait_for_selector(".flash")
    assert "已作废" in await page.locator("tr[data-reward='文明实践纪念徽章']").inner_text()


async def test_admin_reviews_and_publishes_an_honour_roll(page, live):
    await sign_in(page, "d1-admin")
    await page.goto("/console/honour-roll")
    await page.get_by_role("button", name="生成草稿").click()
    await page.wait_for_selector(".flash")
    assert "草稿" in await page.locator("#roll-status").inner_text()
    confirm = page.get_by_label("确认发布空榜单")  # asked only when the roll is empty
    if await page.locator("#roll-empty").count():
        await confirm.check()
    else:
        assert await confirm.count() == 0
    await page.get_by_role("button", name="向居民发布").click()
    await page.wait_for_selector(".flash")
    assert "已发布" in await page.locator("#roll-status").inner_text()
    assert await page.get_by_role("button", name="向居民发布").count() == 0


async def test_admin_pages_have_no_horizontal_scroll_at_390(browser, live):
    context = await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    try:
        page = await context.new_page()
        await sign_in(page, "d1-admin")
        for path in (
            "/console/settings",
            "/console/staff",
            "/console/rewards",
            "/console/dashboard",
            "/console/exports",
            "/console/honour-roll",
            "/console/badges",
        ):
            await page.goto(path)
            width: Any = await page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert width[0] <= width[1], f"{path} scrolls sideways: {width}"
        await page.goto("/console/dashboard")
        await screenshot(page, "dashboard-390")
    finally:
        await context.close()
