"""The district's green card screens in Chromium at 390 px: a district administrator finds a
resident and grants the card, a merchant opens the card's link without signing in and sees it
valid, the administrator suspends and revokes it with reasons, and the merchant's scans are
listed on the card's screen."""

from __future__ import annotations

from typing import Any

from tests.console.conftest import Live, screenshot, sign_in
from tests.console.test_accessibility import _violations


async def _no_sideways_scroll(page: Any, what: str) -> None:
    width = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], f"{what} scrolls sideways: {width}"


async def test_a_district_grants_suspends_and_revokes_a_green_card_a_merchant_scans(
    browser: Any, live: Live
) -> None:
    phone = {"width": 390, "height": 844}
    admin = await browser.new_context(base_url=live.base, locale="zh-CN", viewport=phone)
    merchant = await browser.new_context(base_url=live.base, locale="zh-CN", viewport=phone)
    try:
        page = await admin.new_page()
        await sign_in(page, "d1-admin")
        await page.goto("/console/")
        await page.get_by_role("button", name="菜单").click()
        await page.get_by_role("link", name="道德绿卡").click()
        await page.wait_for_url("**/console/moral-bank/green-cards")
        await _no_sideways_scroll(page, "the green cards")
        assert await _violations(page, "green cards") == []
        await page.get_by_label("查找居民（昵称或手机号）").fill("李阿姨")
        await page.get_by_role("button", name="搜索").click()
        form = page.locator("#grant-form")
        await form.get_by_label("居民").select_option(label="李阿姨")
        await form.get_by_label("区里的决定：发放理由").fill("照顾孤寡老人十年，评为道德模范")
        await form.get_by_role("button", name="发放").click()
        await page.wait_for_selector(".flash")
        assert "道德绿卡已发放" in await page.locator(".flash").inner_text()
        assert await page.locator("#card-status").inner_text() == "有效"
        await _no_sideways_scroll(page, "a green card")
        assert await _violations(page, "a green card") == []
        await page.set_viewport_size(phone)

        mine = await live.call("o-li", "GET", "/api/v1/me/green-cards")
        link = mine.json()["items"][0]["link"]
        shop = await merchant.new_page()
        await shop.goto(link)
        assert await shop.locator("#verdict").inner_text() == "有效"
        assert await shop.locator("#holder").inner_text() == "李*姨"
        assert await shop.locator("#district").inner_text() == "一区"
        await _no_sideways_scroll(shop, "the merchant's page")
        assert await _violations(shop, "the merchant's page") == []
        await shop.set_viewport_size(phone)
        await screenshot(shop, "green-card-merchant-390")

        await page.locator("#suspend-form").get_by_label("原因").fill("核查一起投诉")
        await page.locator("#suspend-form").get_by_role("button", name="暂停").click()
        await page.wait_for_selector(".flash")
        assert await page.locator("#card-status").inner_text() == "已暂停"
        assert "核查一起投诉" in await page.locator("#status-reason").inner_text()
        await shop.reload()
        assert await shop.locator("#verdict").inner_text() == "无效"

        await page.locator("#revoke-form").get_by_label("原因").fill("投诉属实")
        await page.locator("#revoke-form").get_by_role("button", name="永久撤销").click()
        await page.wait_for_selector(".flash")
        assert await page.locator("#card-status").inner_text() == "已撤销"
        assert await page.locator("#revoke-form").count() == 0
        scans = await page.locator("#scans tbody tr").all_inner_texts()
        assert len(scans) == 2 and "已暂停" in scans[0] and "有效" in scans[1]
        await screenshot(page, "green-card-390")
    finally:
        await admin.close()
        await merchant.close()
