"""The regulations quiz on the console, in Chromium: a district administrator on a phone
downloads the bank's template, imports it and sees a bad file's rows named; opens a special
quiz for a period; a worker reads which questions the community's residents get wrong."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from tests.console.conftest import Live, screenshot, sign_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_on_a_phone_the_admin_imports_the_template_and_sees_bad_rows(browser, live: Live):
    context = await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    try:
        page = await context.new_page()
        page.set_default_timeout(15_000)
        await sign_in(page, "d2-admin")
        await page.goto("/console/quiz/questions")
        assert await page.locator("h1").inner_text() == "题库"
        async with page.expect_download() as waiting:
            await page.get_by_role("link", name="下载模板（XLSX）").click()
        download = await waiting.value
        assert download.suggested_filename == "题库导入模板.xlsx"
        template = (await download.path()).read_bytes()
        book = load_workbook(io.BytesIO(template))
        sheet = book.worksheets[0]
        sheet.append(
            [
                "《宁波市养犬管理条例》",
                "判断",
                "只有一个字？",
                "",
                "",
                "",
                "",
                "",
                "",
                "也许",
                "解析",
                "第一条",
            ]
        )
        bad = io.BytesIO()
        book.save(bad)

        await page.set_input_files(
            "input[name=file]",
            files=[{"name": "题库.xlsx", "mimeType": XLSX, "buffer": bad.getvalue()}],
        )
        await page.get_by_role("button", name="导入").click()
        report = page.locator("#import-errors")
        await report.wait_for()
        rows = await report.locator("tbody tr").all_inner_texts()
        assert any("5" in r and "第 5 行" in r for r in rows), rows
        assert await page.locator("#questions-empty").count() == 1  # nothing was imported

        await page.set_input_files(
            "input[name=file]", files=[{"name": "题库.xlsx", "mimeType": XLSX, "buffer": template}]
        )
        await page.get_by_role("button", name="导入").click()
        assert "已导入 3 道题目" in await page.locator("p.flash").inner_text()
        table = await page.locator("#questions").inner_text()
        assert "《宁波市养犬管理条例》" in table and "判断题" in table and "第二十条" in table
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        await screenshot(page, "quiz-bank-phone")

        row = page.locator("#questions tr", has_text="携犬出户时")
        await row.get_by_text("修改").click()
        await row.get_by_label("题目").fill("携犬出户时，应当为犬只束犬链并由成年人牵领。")
        await row.get_by_role("button", name="保存为新版本").click()
        assert "新版本" in await page.locator("p.flash").inner_text()
        changed = page.locator("#questions tr", has_text="由成年人牵领")
        assert (await changed.locator("td[data-label='版本']").inner_text()).strip() == "2"
    finally:
        await context.close()


async def _question(live: Live, text: str) -> None:
    made = await live.call(
        "d2-admin",
        "POST",
        "/api/v1/quiz/questions",
        json={
            "regulation": "food-markets",
            "kind": "single",
            "text": text,
            "options": ["可回收物", "有害垃圾", "厨余垃圾", "其他垃圾"],
            "answer": [1],
            "explanation": "废电池属于有害垃圾。",
            "article": "第三条第二款",
        },
    )
    assert made.status_code == 201, made.text


async def test_a_special_quiz_opened_on_the_console_and_what_residents_get_wrong(
    page, browser, live: Live
):
    # The only question of its regulation in d2: the special quiz draws it.
    text = f"菜市场经营者产生的废电池应当投放到哪一类收集容器？（{uuid.uuid4().hex[:6]}）"
    await _question(live, text)
    await sign_in(page, "d2-admin")
    await page.goto("/console/quiz/specials")
    form = page.locator("#special-form")
    title = f"菜市场专项答题{uuid.uuid4().hex[:4]}"
    now = datetime.now(SHANGHAI)
    await form.get_by_label("标题").fill(title)
    await form.get_by_label("开始时间（北京时间）").fill(
        (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    )
    await form.get_by_label("结束时间（北京时间）").fill(
        (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    )
    await form.get_by_label("题目数量").fill("1")
    await form.get_by_label("条例").select_option(label="《宁波市菜市场管理条例》")
    await form.get_by_role("button", name="开设答题").click()
    await page.wait_for_selector("p.flash")
    row = page.locator("#specials tr", has_text=title)
    assert "进行中" in await row.inner_text()

    specials = await live.call("o-qian", "GET", "/api/v1/quiz/specials")
    quiz = next(q for q in specials.json()["items"] if q["title"] == title)
    attempt = await live.call("o-qian", "POST", f"/api/v1/quiz/specials/{quiz['id']}/attempts")
    assert attempt.status_code == 201, attempt.text
    assert "answer" not in attempt.json()["questions"][0]
    wrong = await live.call(
        "o-qian",
        "POST",
        f"/api/v1/quiz/attempts/{attempt.json()['id']}/submission",
        json={"answers": [{"position": 0, "chosen": [0]}]},
    )
    assert wrong.status_code == 200, wrong.text

    worker = await browser.new_context(base_url=live.base, locale="zh-CN")
    try:
        screen = await worker.new_page()
        await sign_in(screen, "c3-worker")
        await screen.get_by_role("link", name="答题情况").click()
        await screen.wait_for_url("**/console/quiz/stats")
        line = screen.locator("#quiz-stats tr", has_text=text)
        said = await line.inner_text()
        assert "三社区" in said and "0%" in said and "第三条第二款" in said
    finally:
        await worker.close()


async def test_the_quiz_rules_are_set_on_the_rules_page(page, live: Live):
    await sign_in(page, "d2-admin")
    await page.goto("/console/settings")
    form = page.locator("#rules-form")
    await form.get_by_label("每日答题题数").fill("3")
    await form.get_by_label("每日答题积分上限").fill("6")
    await form.get_by_role("button", name="保存").click()
    await page.wait_for_selector(".flash")
    assert (await page.locator("#rule-quiz-questions").inner_text()).strip() == "3"
    assert "每日答题积分上限" in await page.locator("#rules").inner_text()
    rules = (await live.call("d2-admin", "GET", "/api/v1/districts/d2")).json()["settings"]
    assert (rules["quiz_questions_per_day"], rules["quiz_daily_cap"]) == (3, 6)
