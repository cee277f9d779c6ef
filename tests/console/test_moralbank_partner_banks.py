"""A district administrator registers a partner bank in Chromium at 390 px with its band-to-terms
table, copies the client secret from the one screen that shows it, changes the terms, and issues
new credentials; the bank then gets a token with the new secret only."""

from __future__ import annotations

from typing import Any

import httpx

from tests.console.conftest import Live, screenshot, sign_in
from tests.console.test_accessibility import _violations

CONTACT = "0574-22223333 宁波市二区府前路 8 号"
BANDS = [
    ("AAA", "90", "100", "300000", "年利率 3.85% 起"),
    ("AA", "80", "89.99", "200000", "年利率 4.35% 起"),
]


async def _token(live: Live, client_id: str, secret: str) -> int:
    async with httpx.AsyncClient(base_url=live.base) as bank:
        answer = await bank.post(
            "/api/v1/partner/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
        )
    return answer.status_code


async def test_a_district_registers_a_partner_bank_and_sees_its_secret_once(
    browser: Any, live: Live
) -> None:
    context = await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    try:
        page = await context.new_page()
        await sign_in(page, "d2-admin")
        await page.goto("/console/moral-bank/partners")
        assert await _violations(page, "partner banks") == []
        await page.set_viewport_size({"width": 390, "height": 844})
        form = page.locator("#register-form")
        await form.get_by_label("银行名称").fill("二区农商银行")
        await form.get_by_label("银行联系方式").fill(CONTACT)
        for i, values in enumerate(BANDS):
            row = form.locator(f".term-row[data-row='{i}']")
            for label, value in zip(
                ("档位", "最低分", "最高分", "授信额度（元）", "利率"), values, strict=True
            ):
                await row.get_by_label(label).fill(value)
        await form.get_by_role("button", name="登记并签发凭据").click()
        await page.wait_for_selector("#credentials")
        client_id = await page.locator("#new-client-id").inner_text()
        secret = await page.locator("#new-client-secret").inner_text()
        assert secret.startswith("mbs_")
        width = await page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert width[0] <= width[1], f"the credentials scroll sideways: {width}"
        assert await _violations(page, "the credentials") == []
        await page.set_viewport_size({"width": 390, "height": 844})
        await page.get_by_role("link", name="返回 二区农商银行").click()
        assert secret not in await page.content()
        assert await page.locator("#client-id").inner_text() == client_id
        assert await page.locator("#contact").inner_text() == CONTACT
        terms = await page.locator("#terms tbody tr").all_inner_texts()
        assert "AA" in terms[0] and "80–89.99" in terms[0] and "200000" in terms[0]
        assert await _token(live, client_id, secret) == 200
        assert await _violations(page, "a partner bank") == []
        await page.set_viewport_size({"width": 390, "height": 844})

        about = page.locator("#partner-form")
        await about.get_by_label("银行联系方式").fill("0574-88888888")
        await about.get_by_role("button", name="保存名称和联系方式").click()
        await page.wait_for_selector(".flash")
        assert await page.locator("#contact").inner_text() == "0574-88888888"

        edit = page.locator("#terms-form")
        await edit.locator(".term-row[data-row='1']").get_by_label("利率").fill("年利率 4.2% 起")
        await edit.get_by_role("button", name="保存授信条件").click()
        await page.wait_for_selector(".flash")
        assert "4.2%" in await page.locator("#terms").inner_text()

        await page.locator("#credentials-form").get_by_role("button", name="重新签发凭据").click()
        await page.wait_for_selector("#credentials")
        new_id = await page.locator("#new-client-id").inner_text()
        new_secret = await page.locator("#new-client-secret").inner_text()
        await screenshot(page, "partner-credentials-390")
        assert await _token(live, client_id, secret) == 401
        assert await _token(live, new_id, new_secret) == 200
    finally:
        await context.close()
