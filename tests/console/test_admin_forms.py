"""A district administrator's back office in Chromium (issue 20): actions chosen by name, a
scheduled rules change said and cancelled, a worker's communities changed, an empty honour
roll explained and published only when confirmed, jobs in words, code fields the browser
checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.console.conftest import sign_in


async def test_a_scheduled_change_says_what_it_changes_and_can_be_cancelled(page, live):
    await sign_in(page, "d2-admin")
    await page.goto("/console/settings")
    form = page.locator("#rules-form")
    action = form.get_by_label("文明行动")
    assert await action.evaluate("e => e.tagName") == "SELECT"
    await action.select_option(label="随手做志愿")
    await form.get_by_label("每小时积分").fill("12")
    later = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d")
    await form.get_by_label("生效时间（北京时间，留空为立即）").fill(f"{later}T09:00")
    await form.get_by_role("button", name="保存").click()
    await page.wait_for_selector(".flash")
    scheduled = page.locator("#upcoming")
    text = await scheduled.inner_text()
    assert f"{later} 09:00" in text
    assert "每小时积分（随手做志愿）：10 → 12" in text
    await scheduled.get_by_role("button", name="撤销此调整").click()
    await page.wait_for_selector(".flash")
    assert "已撤销" in await page.locator(".flash").inner_text()
    assert await page.locator("#upcoming").count() == 0


async def test_another_districts_administrator_cannot_cancel_a_change(page, live, browser):
    await sign_in(page, "d2-admin")
    await page.goto("/console/settings")
    form = page.locator("#rules-form")
    await form.get_by_label("每日最多计入时长（小时）").fill("7")
    later = (datetime.now(UTC) + timedelta(days=40)).strftime("%Y-%m-%d")
    await form.get_by_label("生效时间（北京时间，留空为立即）").fill(f"{later}T09:00")
    await form.get_by_role("button", name="保存").click()
    await page.wait_for_selector(".flash")
    version = await page.locator("#upcoming > li").first.get_attribute("data-version")
    other = await browser.new_context(base_url=live.base, locale="zh-CN")
    try:
        intruder = await other.new_page()
        await sign_in(intruder, "d1-admin")
        await intruder.goto("/console/settings")
        csrf = await intruder.locator("input[name=csrf]").first.get_attribute("value")
        answer = await intruder.request.post(
            f"/console/settings/scheduled/{version}/cancel",
            form={"csrf": str(csrf)},
            headers={"X-Console-Fetch": "1"},
        )
        assert answer.status == 404
    finally:
        await other.close()
    await page.reload()
    assert await page.locator(f"#upcoming li[data-version='{version}']").count() == 1
    await page.locator("#upcoming").get_by_role("button", name="撤销此调整").click()
    await page.wait_for_selector(".flash")


async def test_an_administrator_changes_a_workers_communities(page, live):
    await sign_in(page, "d2-admin")
    await page.goto("/console/staff")
    add = page.locator("form[action^='/console/staff/communities']")
    await add.get_by_label("名称", exact=True).fill("四社区")
    await add.get_by_label("代码（小写字母、数字、连字符）").fill("c4")
    await add.get_by_role("button", name="添加社区").click()
    await page.wait_for_selector(".flash")
    form = page.locator("#add-staff")
    await form.get_by_label("用户名").fill("moving-worker")
    await form.get_by_label("初始密码（至少 10 位）").fill("first-password-1")
    await form.get_by_label("三社区").check()
    await form.get_by_role("button", name="添加").click()
    await page.wait_for_selector(".flash")
    row = page.locator("tr[data-staff='moving-worker']")
    await row.get_by_text("调整负责的社区").click()
    await row.get_by_label("三社区").uncheck()
    await row.get_by_label("四社区").check()
    await row.get_by_role("button", name="保存社区").click()
    await page.wait_for_selector(".flash")
    cell = await page.locator("tr[data-staff='moving-worker'] td").nth(3).inner_text()
    assert "四社区" in cell and "三社区" not in cell
    # None at all is refused in Chinese, and nothing changes.
    row = page.locator("tr[data-staff='moving-worker']")
    await row.get_by_text("调整负责的社区").click()
    await row.get_by_label("四社区").uncheck()
    await row.get_by_role("button", name="保存社区").click()
    await page.locator("#form-summary").wait_for()
    cell = await page.locator("tr[data-staff='moving-worker'] td").nth(3).inner_text()
    assert "四社区" in cell


async def test_code_fields_are_checked_by_the_browser(page, live):
    await sign_in(page, "d1-admin")
    for path in ("/console/staff", "/console/badges"):
        await page.goto(path)
        code = page.locator("input[name=code]").first
        pattern = await code.get_attribute("pattern")
        assert await page.evaluate(
            "p => { try { new RegExp(p, 'v'); return true } catch (e) { return false } }",
            pattern,
        ), path
        await code.fill("Bad Code!")
        assert await code.evaluate("e => e.validity.patternMismatch"), path
        await code.fill("good-code-1")
        assert not await code.evaluate("e => e.validity.patternMismatch"), path


async def test_an_empty_honour_roll_is_explained_and_published_only_when_confirmed(page, live):
    await sign_in(page, "d2-admin")
    await page.goto("/console/honour-roll")
    options = page.locator("select[name=period] option")
    months = [await o.get_attribute("value") for o in await options.all()]
    assert len(months) >= 12
    # Months by their names (2026年7月), not their codes (2026-07).
    year, month = months[6].split("-")
    assert (await options.all_inner_texts())[6] == f"{year}年{int(month)}月"
    await page.locator("select[name=period]").select_option(months[6])
    await page.get_by_role("button", name="查看").click()
    await page.wait_for_url(f"**period={months[6]}")
    await page.get_by_role("button", name="生成草稿").click()
    await page.wait_for_selector(".flash")
    assert months[6] in page.url
    assert "榜单上没有人" in await page.locator("#roll-empty").inner_text()
    await page.get_by_role("button", name="向居民发布").click()
    confirm = page.get_by_label("确认发布空榜单")
    assert await confirm.evaluate("e => !e.validity.valid")  # the browser asks first
    assert "草稿" in await page.locator("#roll-status").inner_text()
    await confirm.check()
    await page.get_by_role("button", name="向居民发布").click()
    await page.wait_for_selector(".flash")
    assert "已发布" in await page.locator("#roll-status").inner_text()


async def test_jobs_are_scheduled_in_words(page, live):
    await sign_in(page, "d1-admin")
    await page.goto("/console/jobs")
    table = await page.locator("#jobs").inner_text()
    assert "每 10 分钟" in table and "每天 02:30" in table


async def test_a_things_name_is_called_a_name_not_a_persons_name(page, live):
    """A community's or a badge's name is 名称 on the form and in a refusal; 姓名 (a
    person's name) stays for the staff member's name."""
    await sign_in(page, "d1-admin")
    await page.goto("/console/staff")
    add = page.locator("form[action^='/console/staff/communities']")
    name = add.get_by_label("名称", exact=True)
    await name.evaluate("(e, v) => { e.removeAttribute('maxlength'); e.value = v }", "长" * 101)
    await add.get_by_label("代码（小写字母、数字、连字符）").fill("c-long-name")
    await add.get_by_role("button", name="添加社区").click()
    refusal = await page.locator(".flash").inner_text()
    assert "名称：" in refusal and "姓名" not in refusal, refusal
    assert await page.locator("#add-staff").get_by_label("姓名").count() == 1
    await page.goto("/console/badges")
    assert await page.get_by_label("名称", exact=True).count() == 1
