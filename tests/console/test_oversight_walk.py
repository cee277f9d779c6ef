"""The accountability half's done-when, in Chromium: a resident's report triaged to a unit's
rectification and its confirmation; an inspection recorded on a phone that fails and is
re-checked; a quarter's red/black list published after an objection is decided; the unit's
credit record exported through the console's export machinery."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from tests.console import oversight_world as world
from tests.console.conftest import screenshot, sign_in


async def _flash(page) -> str:
    """The page's message: a notice after a redirect, or the summary above a refused form."""
    return str(await page.locator("p.flash, div.flash").first.inner_text())


async def test_a_residents_report_is_triaged_to_a_units_rectification_and_confirmed(
    browser, page, live
):
    shop = await world.unit(live, "老宁波饭店")
    login = await world.unit_login(live, shop["id"])
    first = await world.report(live, shop["id"], "门口垃圾堆了三天")
    repeat = await world.report(live, shop["id"], "门口垃圾没人清理", who="o-li")
    idle = await world.report(live, shop["id"], "我觉得这家菜太咸", who="o-chen")

    await sign_in(page, "c1-worker")
    await page.goto("/console/oversight/reports")
    card = page.locator(f"section[data-report='{first}']")
    assert "乱扔垃圾" in await card.locator("h2").inner_text()
    assert "小王" in await card.inner_text()  # the reporter by name, never by id
    shown = card.locator(".photos img")
    await shown.first.wait_for()
    # Photos load lazily: below the fold (other tests' reports above it) it never would.
    await shown.first.scroll_into_view_if_needed()
    # Loaded and decoded (on a busy machine the page can be read before the image arrives).
    # (Bounded: an image that never arrives would leave `decode()` pending for ever.)
    decoded = """img => Promise.race([
        img.decode().then(() => img.naturalWidth, () => 0),
        new Promise(gave_up => setTimeout(() => gave_up(-1), 15000)),
    ])"""
    width = await shown.first.evaluate(decoded)
    assert width > 0, await shown.first.get_attribute("src")
    # The repeat is suggested as a duplicate of the first: merge it.
    dup = page.locator(f"section[data-report='{repeat}']")
    assert "相距" not in await dup.locator(".duplicates").inner_text()  # same unit, no place
    await dup.get_by_role("button", name="合并到这条").first.click()
    assert "已合并" in await _flash(page)
    # Reject the idle one with a reason.
    idle_card = page.locator(f"section[data-report='{idle}']")
    await idle_card.get_by_label("原因").fill("口味问题不属于不文明行为")
    await idle_card.get_by_role("button", name="驳回").click()
    assert "已驳回" in await _flash(page)
    # Confirm the first: a rectification task for the reported unit.
    card = page.locator(f"section[data-report='{first}']")
    await card.locator("summary").click()
    await card.get_by_label("整改要求").fill("清理门口垃圾并设置垃圾桶")
    await card.get_by_role("button", name="确认并派发整改任务").click()
    assert "整改任务已派发" in await _flash(page)
    await screenshot(page, "oversight-reports")

    # The unit's own staff: their page, the task, evidence with a photo.
    unit_context = await browser.new_context(base_url=live.base, locale="zh-CN")
    try:
        unit_page = await unit_context.new_page()
        await world.sign_in_as_partner(unit_page, login, "/console/oversight/my-unit")
        assert await unit_page.locator("#unit-name").inner_text() == "老宁波饭店"
        mine = await unit_page.locator("main").inner_text()
        assert "小王" not in mine and "李阿姨" not in mine  # never the reporter
        await unit_page.locator("#tasks").get_by_role("link", name="打开").first.click()
        assert "清理门口垃圾" in await unit_page.locator("main").inner_text()
        await unit_page.get_by_label("整改了什么").fill("已清理并新增两个垃圾桶")
        await unit_page.set_input_files(
            "input[name=photos]",
            files=[{"name": "after.png", "mimeType": "image/png", "buffer": world.PNG}],
        )
        await unit_page.get_by_role("button", name="提交").click()
        assert "整改材料已提交" in await _flash(unit_page)
        steps = await unit_page.locator("#steps").inner_text()
        assert "本单位" in steps and "c1-worker" not in steps
    finally:
        await unit_context.close()

    # The worker reviews the evidence and accepts it: the task closes, the report resolves.
    await page.goto("/console/oversight/tasks?status=submitted")
    await page.locator("#tasks").get_by_role("link", name="打开").first.click()
    assert await page.locator("#steps img").count() == 1
    await page.get_by_role("button", name="认可整改材料").click()
    assert await page.locator("#task-status").inner_text() == "已办结"
    outcomes = {
        rid: (await live.call(who, "GET", f"/api/v1/oversight/reports/{rid}")).json()
        for rid, who in ((first, "o-wang"), (repeat, "o-li"), (idle, "o-chen"))
    }
    assert outcomes[first]["status"] == "resolved"
    assert outcomes[repeat]["status"] == "merged"
    assert outcomes[idle]["status"] == "rejected"
    assert outcomes[idle]["decision_reason"] == "口味问题不属于不文明行为"


async def test_an_inspection_fails_on_a_phone_and_the_reinspection_closes_its_task(
    browser, page, live
):
    shop = await world.unit(live, "月湖小馆")
    login = await world.unit_login(live, shop["id"])
    checklist = await world.checklist(live)
    inspector = await world.evaluator(live)

    await sign_in(page, "c1-worker")
    await page.goto("/console/oversight/inspections")
    await page.locator("select[name=unit]").select_option(shop["id"])
    await page.locator("select[name=checklist]").select_option(checklist["id"])
    await page.locator("select[name=evaluator]").select_option(label=f"测评员{inspector[-4:]}")
    await page.get_by_role("button", name="安排", exact=True).click()
    assert "测评已安排" in await _flash(page)
    first_url = page.url

    phone = await browser.new_context(
        base_url=live.base,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": world.LAT, "longitude": world.LNG},
        permissions=["geolocation"],
    )
    try:
        evaluator_page = await phone.new_page()
        await world.sign_in_as_partner(evaluator_page, inspector, "/console/oversight/inspections")
        await evaluator_page.locator("#inspections").get_by_role("link", name="记录").click()
        await _record(evaluator_page, chopsticks="2", with_photo=True)
        assert "不合格" in await _flash(evaluator_page)
        width = await evaluator_page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert width[0] <= width[1]
        await screenshot(evaluator_page, "oversight-inspection-390")

        # The unit is told, answers with evidence; the worker accepts and plans a re-check.
        unit_context = await browser.new_context(base_url=live.base, locale="zh-CN")
        try:
            unit_page = await unit_context.new_page()
            await world.sign_in_as_partner(unit_page, login, "/console/oversight/my-unit")
            assert "测评不合格" in await unit_page.locator("#notices").inner_text()
            await unit_page.locator("#tasks").get_by_role("link", name="打开").first.click()
            await unit_page.get_by_label("整改了什么").fill("每桌已配公筷公勺")
            await unit_page.get_by_role("button", name="提交").click()
            assert "整改材料已提交" in await _flash(unit_page)
        finally:
            await unit_context.close()
        await page.goto(first_url)
        await page.locator("#task-link").click()
        await page.get_by_role("button", name="认可整改材料").click()
        assert await page.locator("#task-status").inner_text() == "已认可，待复查"
        task_url = page.url
        await page.goto(first_url)
        await page.locator("select[name=evaluator]").select_option(label=f"测评员{inspector[-4:]}")
        await page.get_by_role("button", name="安排复查").click()
        assert "复查已安排" in await _flash(page)

        # The evaluator re-checks on the phone: it passes, and the task closes.
        await evaluator_page.goto("/console/oversight/inspections")
        await evaluator_page.locator("#inspections").get_by_role("link", name="记录").click()
        await _record(evaluator_page, chopsticks="10", with_photo=False)
        assert "合格" in await _flash(evaluator_page)
        assert "不合格" not in await _flash(evaluator_page)
    finally:
        await phone.close()
    await page.goto(task_url)
    assert await page.locator("#task-status").inner_text() == "已办结"


async def _record(page, *, chopsticks: str, with_photo: bool) -> None:
    """Scores both items, a photo for the failing one, the location from the browser."""
    await page.locator("input[name=score-chopsticks]").fill(chopsticks)
    await page.locator("input[name=score-hygiene]").fill("10")
    if with_photo:
        await page.set_input_files(
            "input[name=photo-chopsticks]",
            files=[{"name": "table.png", "mimeType": "image/png", "buffer": world.PNG}],
        )
    await page.get_by_role("button", name="使用当前位置").click()
    await page.wait_for_function("document.getElementById('lat').value !== ''")
    await page.get_by_role("button", name="提交测评结果").click()


async def test_a_quarters_list_is_published_after_an_objection_is_decided(
    browser, page, live, console_database, var_dir
):
    from kernel.localtime import period_name
    from oversight.models import Inspection, UnitList
    from oversight.rules import period_bounds, previous_period

    good = await world.unit(live, "好味道餐馆")
    bad = await world.unit(live, "脏乱饭店")
    login = await world.unit_login(live, bad["id"])
    checklist = await world.checklist(live)
    done = [
        await world.inspected(live, good["id"], checklist["id"], 10),
        await world.inspected(live, bad["id"], checklist["id"], 1),
    ]
    last_quarter = previous_period(datetime.now(UTC))
    start, _end = period_bounds(last_quarter)
    async with world.database(console_database, var_dir):
        await Inspection.filter(id__in=done).update(inspected_at=start + timedelta(days=10))

    await sign_in(page, "d1-admin")
    await page.goto("/console/oversight/lists")
    await page.get_by_label("周期").fill(last_quarter)
    await page.get_by_role("button", name="生成榜单").click()
    shown = period_name(last_quarter)  # 2026年第三季度: the page names the quarter for people
    assert shown in await _flash(page)
    row = page.locator("#lists tr", has_text=shown).filter(has_text="餐饮店")
    await row.get_by_role("link", name="打开").click()
    entries = await page.locator("#entries").inner_text()
    assert "好味道餐馆" in entries and "脏乱饭店" in entries and "黑榜" in entries
    page.on("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="通知上黑榜单位").click()
    assert "异议期开始" in await _flash(page)
    list_url = page.url

    unit_context = await browser.new_context(base_url=live.base, locale="zh-CN")
    try:
        unit_page = await unit_context.new_page()
        await world.sign_in_as_partner(unit_page, login, "/console/oversight/my-unit")
        await unit_page.get_by_label("异议内容").fill("检查当天公筷已在消毒柜中")
        await unit_page.get_by_role("button", name="提出异议").click()
        assert "异议已提交" in await _flash(unit_page)
    finally:
        await unit_context.close()

    # The window closes (time passing); publishing waits for the objection's decision.
    async with world.database(console_database, var_dir):
        await UnitList.filter(period=last_quarter, status="noticed").update(
            objection_deadline=datetime.now(UTC) - timedelta(minutes=1)
        )
    await page.goto(list_url)
    await page.get_by_role("button", name="公示榜单").click()
    assert "待" in await _flash(page)  # an objection waits for a decision
    appeal = page.locator("section.appeal", has_text="脏乱饭店")
    await appeal.locator("select[name=decision]").select_option("uphold")
    await appeal.get_by_label("原因").fill("照片显示餐桌无公筷")
    await appeal.get_by_role("button", name="提交").click()
    assert "维持上榜" in await _flash(page)
    await page.get_by_role("button", name="公示榜单").click()
    assert "榜单已公示" in await _flash(page)
    assert await page.locator("#publications tbody tr").count() == 1
    await screenshot(page, "oversight-list")

    public = await page.context.request.get("/public/oversight/d1")
    text = await public.text()
    assert "脏乱饭店" in text and "好味道餐馆" in text
    assert "赵老板" not in text and "13911112222" not in text and "中山西路" not in text

    # The bad unit's credit record, exported as XLSX and read back; the export is logged.
    await page.goto(f"/console/oversight/units/{bad['id']}/record")
    shown_rows = await page.locator("#record tbody tr").count()
    async with page.expect_download() as download_info:
        await page.locator("#record-export button").click()
    download = await download_info.value
    sheet = load_workbook(io.BytesIO((await download.path()).read_bytes())).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["时间", "内容", "详情", "经办人"]
    assert sheet.max_row - 1 == shown_rows
    assert any("维持上榜" in str(c.value) for c in sheet["B"])
    await page.goto("/console/exports")
    assert "unit-record" not in await page.locator("#export-log").inner_text()
    assert "单位信用档案" in await page.locator("#export-log").inner_text()
