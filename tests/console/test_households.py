"""The community's households in the console, on a phone (390 px): the list with credits and
rank, one household's members and history, and a worker's correction with its reason."""

from __future__ import annotations

from typing import Any

from tests.console.conftest import Live, screenshot, sign_in
from tests.console.test_accessibility import _violations
from tests.console.test_chinese_pages import _visible_words


async def _household_of_wang_and_li(live: Live) -> str:
    formed = await live.call("o-wang", "POST", "/api/v1/households", json={"name": "小王家"})
    assert formed.status_code == 201, formed.text
    household = formed.json()["id"]
    invited = await live.call("o-wang", "POST", f"/api/v1/households/{household}/invitation")
    asked = await live.call(
        "o-li", "POST", "/api/v1/household-requests", json={"code": invited.json()["code"]}
    )
    assert asked.status_code == 201, asked.text
    confirmed = await live.call(
        "o-wang", "POST", f"/api/v1/household-requests/{asked.json()['id']}/confirm"
    )
    assert confirmed.status_code == 200, confirmed.text
    return str(household)


async def _no_sideways_scroll(page: Any) -> None:
    width: Any = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


async def test_a_worker_corrects_a_households_members_on_a_phone(browser, live):
    household = await _household_of_wang_and_li(live)
    context = await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    try:
        page = await context.new_page()
        page.set_default_timeout(15_000)
        await sign_in(page, "c1-worker")
        await page.goto("/console/households")
        row = page.locator("#households tbody tr", has_text="小王家")
        assert "第 1 名" in await row.inner_text()
        assert "小王" in await row.inner_text()
        await _no_sideways_scroll(page)
        await row.get_by_role("link", name="小王家").click()
        await page.wait_for_url(f"**/console/households/{household}")
        members = page.locator("#members")
        assert "李阿姨" in await members.inner_text()
        assert "户主" in await members.locator("tr", has_text="小王").inner_text()
        await _no_sideways_scroll(page)

        # 陈师傅 has no phone to scan the code with: the worker adds him, saying why.
        await page.get_by_label("查找居民（昵称或手机号）").fill("陈")
        await page.get_by_role("button", name="搜索").click()
        adding = page.locator("#add-member")
        await adding.get_by_label("居民").select_option(label="陈师傅")
        await adding.get_by_label("原因").fill("老人不用手机，现场核实")
        await adding.get_by_role("button", name="加入家庭").click()
        await page.wait_for_url(f"**/console/households/{household}")
        assert "家庭成员已更正" in await page.locator(".flash").inner_text()
        assert "陈师傅" in await page.locator("#members").inner_text()

        removing = page.locator("#remove-member")
        await removing.get_by_label("要移出的成员").select_option(label="李阿姨")
        await removing.get_by_label("原因").fill("已迁出本社区")
        await removing.get_by_role("button", name="移出家庭").click()
        await page.wait_for_url(f"**/console/households/{household}")
        assert "李阿姨" not in await page.locator("#members").inner_text()
        history = page.locator("#membership-history tr", has_text="李阿姨")
        removed = history.filter(has_text="由社工移出")
        assert "已迁出本社区" in await removed.inner_text()
        assert "c1-worker" in await removed.inner_text()
        assert await history.filter(has_text="申请已确认").count() == 1
        await _no_sideways_scroll(page)
        await screenshot(page, "household-390")
        assert await _visible_words(page) == []
        assert await _violations(page, page.url) == []
        await page.goto("/console/households")
        assert await _visible_words(page) == []
    finally:
        await context.close()

    # The household is the business of its community: another community's worker finds nothing.
    other = await browser.new_context(base_url=live.base, locale="zh-CN")
    try:
        page = await other.new_page()
        await sign_in(page, "c2-worker")
        answer = await page.goto(f"/console/households/{household}")
        assert answer is not None and answer.status == 404
        await page.goto("/console/households")
        assert "小王家" not in await page.locator("main").inner_text()
    finally:
        await other.close()
