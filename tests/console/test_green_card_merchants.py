"""The district's green card merchants in Chromium at 390 px: an administrator opens them from the
menu, registers a merchant with its courtesy, and stops it honouring the card; no page scrolls
sideways or breaks WCAG."""

from __future__ import annotations

from typing import Any

from tests.console.conftest import Live, screenshot, sign_in
from tests.console.test_accessibility import _violations
from tests.console.test_moralbank_green_cards import _no_sideways_scroll


async def test_a_district_registers_a_merchant_and_its_courtesy_at_390_px(
    browser: Any, live: Live
) -> None:
    phone = {"width": 390, "height": 844}
    admin = await browser.new_context(base_url=live.base, locale="zh-CN", viewport=phone)
    try:
        page = await admin.new_page()
        await sign_in(page, "d1-admin")
        await page.goto("/console/")
        await page.get_by_role("button", name="菜单").click()
        await page.get_by_role("link", name="绿卡商户").click()
        await page.wait_for_url("**/console/moral-bank/merchants")
        form = page.locator("#merchant-form")
        await form.get_by_label("商户名称").fill("鼓楼理发店")
        await form.get_by_label("地址").fill("鼓楼步行街 8 号")
        await form.get_by_label("对持卡人的礼遇（如：凭绿卡就餐九折）").fill("凭绿卡理发八折")
        await form.get_by_role("button", name="登记").click()
        await page.wait_for_selector(".flash")
        assert "商户已登记" in await page.locator(".flash").inner_text()
        assert await page.locator("#merchant-courtesy").inner_text() == "凭绿卡理发八折"
        assert await page.locator("#merchant-active").inner_text() == "是"
        await _no_sideways_scroll(page, "a merchant")
        assert await _violations(page, "a merchant") == []
        await page.set_viewport_size(phone)

        await page.locator("#merchant-form").get_by_label("认可绿卡").uncheck()
        await page.locator("#merchant-form").get_by_role("button", name="保存").click()
        await page.wait_for_selector(".flash")
        assert await page.locator("#merchant-active").inner_text() == "否"

        await page.goto("/console/moral-bank/merchants")
        row = page.locator("#merchants tbody tr", has_text="鼓楼理发店")
        assert "凭绿卡理发八折" in await row.inner_text()
        await _no_sideways_scroll(page, "the merchants")
        assert await _violations(page, "the merchants") == []
        await page.set_viewport_size(phone)
        await screenshot(page, "green-card-merchants-390")
    finally:
        await admin.close()
