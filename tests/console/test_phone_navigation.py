"""On a phone the console's navigation folds behind a menu button that says whether it is
open; on a desk it is always there."""

from __future__ import annotations

from tests.console.conftest import Live, sign_in


async def test_the_navigation_folds_behind_a_menu_button_on_a_phone(browser, live: Live):
    context = await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    try:
        page = await context.new_page()
        await sign_in(page, "d1-admin")
        menu = page.get_by_role("button", name="菜单")
        links = page.get_by_role("navigation", name="主导航").get_by_role("link")
        assert await menu.get_attribute("aria-expanded") == "false"
        assert not await links.first.is_visible()
        header = await page.locator("header.top").bounding_box()
        assert header is not None and header["height"] < 110
        await menu.click()
        assert await menu.get_attribute("aria-expanded") == "true"
        await page.get_by_role("link", name="活动", exact=True).first.click()
        await page.wait_for_url("**/console/activities")
        assert not await links.first.is_visible()  # folded again on the next page
    finally:
        await context.close()


async def test_on_a_desk_the_links_show_and_there_is_no_menu_button(browser, live: Live):
    context = await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    try:
        page = await context.new_page()
        await sign_in(page, "d1-admin")
        assert not await page.get_by_role("button", name="菜单").is_visible()
        nav = page.get_by_role("navigation", name="主导航")
        assert await nav.get_by_role("link", name="活动", exact=True).is_visible()
    finally:
        await context.close()
