"""A partner bank's questions on the district's console, in Chromium at 390 px: the bank of 一区
asks about 赵家 (once without consent, once with it but no standing); 一区's administrator opens
the bank from its page and reads both, newest first, in Chinese — when, the household, its
community and its head masked, the purpose, the answer — with no ID number anywhere; 二区's
administrator gets the district's "no such" page, and a worker of 一区 is not let in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from kernel import localtime
from tests.chinese_text import english_words
from tests.console.conftest import Live, screenshot, sign_in
from tests.console.test_accessibility import _violations

PHONE = {"width": 390, "height": 844}
BANK = "一区丰收银行"
ID_NUMBER = "330203197005051113"
TERMS = [{"band": "AAA", "min_score": 90, "max_score": 100, "loan_limit": 300000, "rate": "3.85%"}]


async def _bank_asks_about_zhao(live: Live) -> str:
    """赵大爷 (c2) heads 赵家 with his real name given; the bank asks twice. The bank's id."""
    registered = await live.call(
        "d1-admin",
        "POST",
        "/api/v1/partners",
        json={"name": BANK, "contact": "0574-66666666", "terms": TERMS},
    )
    assert registered.status_code == 201, registered.text
    partner_id = registered.json()["partner"]["id"]
    credentials = registered.json()["credentials"]
    formed = await live.call("o-zhao", "POST", "/api/v1/households", json={"name": "赵家"})
    assert formed.status_code == 201, formed.text
    given = await live.call(
        "o-zhao", "POST", "/api/v1/me/real-name", json={"name": "赵建国", "id_number": ID_NUMBER}
    )
    assert given.status_code == 200, given.text
    until = (localtime.today() + timedelta(days=30)).isoformat()
    consent = await live.call(
        "o-zhao",
        "POST",
        "/api/v1/me/household/consents",
        json={"partner": partner_id, "purpose": "credit_assessment", "until": until},
    )
    assert consent.status_code == 201, consent.text
    async with httpx.AsyncClient(base_url=live.base) as bank:
        token = await bank.post(
            "/api/v1/partner/token",
            data={"grant_type": "client_credentials"},
            auth=(credentials["client_id"], credentials["client_secret"]),
        )
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        for purpose, status in (("loan_management", 403), ("credit_assessment", 409)):
            asked = await bank.post(
                "/api/v1/partner/attestations",
                json={"household": formed.json()["id"], "purpose": purpose},
                headers=bearer,
            )
            assert asked.status_code == status, asked.text
    return str(partner_id)


async def test_an_administrator_reads_a_banks_questions_another_district_cannot(
    browser: Any, live: Live
) -> None:
    partner_id = await _bank_asks_about_zhao(live)
    admin = await browser.new_context(base_url=live.base, locale="zh-CN", viewport=PHONE)
    outsider = await browser.new_context(base_url=live.base, locale="zh-CN", viewport=PHONE)
    worker = await browser.new_context(base_url=live.base, locale="zh-CN", viewport=PHONE)
    try:
        page = await admin.new_page()
        await sign_in(page, "d1-admin")
        await page.goto("/console/moral-bank/partners")
        await page.get_by_role("link", name=BANK).click()
        await page.get_by_role("link", name="该行对农户的查询记录").click()
        await page.wait_for_url(f"**/console/moral-bank/partners/{partner_id}/queries")
        assert await page.locator("h1").inner_text() == f"{BANK} 的查询记录"
        rows = page.locator("#queries tbody tr")
        assert await rows.count() == 2
        newest, earlier = await rows.nth(0).inner_text(), await rows.nth(1).inner_text()
        for shown in (newest, earlier):
            assert "赵家" in shown and "二社区" in shown and "赵大爷 · 赵*国" in shown
        assert "道德贷授信评估" in newest and "暂无评定结果，未出具" in newest
        assert "贷后管理" in earlier and "未获授权，已拒绝" in earlier
        assert localtime.today().isoformat() in newest
        budget = await page.locator("#budget").inner_text()
        assert "每分钟至多查询 60 次" in budget and "每分钟至多获发 6 个令牌" in budget
        content = await page.content()
        assert ID_NUMBER not in content and "赵建国" not in content
        assert "*" * 10 not in content  # nor the number masked (3302**********1113)
        text = await page.locator("main").inner_text()
        assert english_words(text.replace(BANK, "")) == []
        width = await page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert width[0] <= width[1], f"the queries scroll sideways: {width}"
        await screenshot(page, "partner-queries-390")
        assert await _violations(page, "a partner's queries") == []

        other = await outsider.new_page()
        await sign_in(other, "d2-admin")
        refused = await other.goto(f"/console/moral-bank/partners/{partner_id}/queries")
        assert refused is not None and refused.status == 404
        assert "赵家" not in await other.content()
        assert "没有该合作银行" in await other.locator("main").inner_text()

        stranger = await worker.new_page()
        await sign_in(stranger, "c2-worker")
        kept_out = await stranger.goto(f"/console/moral-bank/partners/{partner_id}/queries")
        assert kept_out is not None and kept_out.status == 403
        assert "赵家" not in await stranger.content()
    finally:
        for context in (admin, outsider, worker):
            await context.close()
