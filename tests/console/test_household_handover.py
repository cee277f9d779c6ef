"""A household's reward handed over at the counter, in Chromium on a 390 px phone: 孙阿姨, head of
孙家 (二社区), redeems a reward from the household's credits in the mini-program; the worker of
二社区 types the pickup code on 发放奖品, and the page says, in Chinese, that the household paid.
The household's balance is lower by the cost, 孙阿姨's own is as it was; the same code again
takes nothing and says it was handed over already."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx

from kernel import localtime
from tests.console.conftest import Live, screenshot, sign_in
from tests.console.test_accessibility import _violations
from tests.console.test_chinese_pages import _visible_words

PHONE = {"width": 390, "height": 844}
HEAD = "o-sun"  # a resident of her own: the package's residents head or join households elsewhere
HOUSEHOLD = "孙家"
REWARD = "道德超市大米（5 公斤）"


async def _no_sideways_scroll(page: Any) -> None:
    width: Any = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


async def _run_job(live: Live, name: str) -> None:
    async with httpx.AsyncClient(base_url=live.base, timeout=60) as client:
        login = await client.post(
            "/api/v1/auth/login", json={"username": "root", "password": "root-password-123"}
        )
        ran = await client.post(
            f"/api/v1/jobs/{name}/run",
            headers={"Authorization": f"Bearer {login.json()['access_token']}"},
        )
    assert ran.json()["status"] == "succeeded", ran.text


async def _household_with_credits(live: Live) -> tuple[str, Decimal]:
    """孙家, headed by 孙阿姨, with the credits of her 甬尚好家风 deed (一区's household action from
    now: nothing of the other tests' participations counts for a household). Its id and
    balance."""
    moved = await live.call(
        HEAD, "PATCH", "/api/v1/me", json={"community": "d1/c2", "nickname": "孙阿姨"}
    )
    assert moved.status_code == 200, moved.text
    formed = await live.call(HEAD, "POST", "/api/v1/households", json={"name": HOUSEHOLD})
    assert formed.status_code == 201, formed.text
    ruled = await live.call(
        "d1-admin", "PATCH", "/api/v1/districts/d1/settings",
        json={"household_actions": ["family-tradition"]},
    )  # fmt: skip
    assert ruled.status_code == 200, ruled.text
    head = (await live.call(HEAD, "GET", "/api/v1/me")).json()["resident"]["id"]
    attested = await live.call(
        "c2-worker",
        "POST",
        "/api/v1/deeds/attest",
        json={
            "resident": head,
            "action": "family-tradition",
            "description": "孙家家训“和睦持家”入选社区好家风",
            "occurred_at": localtime.now().isoformat(),
        },
    )
    assert attested.status_code == 201, attested.text
    await _run_job(live, "household-rollup")
    household = await live.call(HEAD, "GET", f"/api/v1/households/{formed.json()['id']}")
    balance = Decimal(str(household.json()["balance"]))
    assert balance > 0, household.text
    return str(formed.json()["id"]), balance


async def _balances(live: Live, household: str) -> tuple[Decimal, Decimal]:
    """The household's balance and the head's own, as the head reads them in the mini-program."""
    home = await live.call(HEAD, "GET", f"/api/v1/households/{household}")
    own = await live.call(HEAD, "GET", "/api/v1/me/credits")
    return Decimal(str(home.json()["balance"])), Decimal(str(own.json()["balance"]))


async def test_a_worker_hands_over_a_households_reward_and_not_twice(browser, live):
    household, earned = await _household_with_credits(live)
    cost = earned / 2
    reward = await live.call(
        "d1-admin", "POST", "/api/v1/rewards",
        json={"title": REWARD, "cost": str(cost), "stock": 5, "community": "c2"},
    )  # fmt: skip
    assert reward.status_code == 201, reward.text
    _home, own_before = await _balances(live, household)
    redeemed = await live.call(
        HEAD,
        "POST",
        f"/api/v1/households/{household}/redemptions",
        json={"reward": reward.json()["id"]},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert redeemed.status_code == 201, redeemed.text
    code = str(redeemed.json()["code"])
    held_home, held_own = await _balances(live, household)
    assert (held_home, held_own) == (earned - cost, own_before)  # held from the household

    context = await browser.new_context(base_url=live.base, locale="zh-CN", viewport=PHONE)
    try:
        page = await context.new_page()
        page.set_default_timeout(15_000)
        await sign_in(page, "c2-worker")
        await page.goto("/console/handover")
        waiting = page.locator("#holds tr", has_text=REWARD)
        assert "家庭“孙家”积分兑换" in await waiting.inner_text()
        await _no_sideways_scroll(page)

        await page.get_by_label("领取码").fill(code)
        await page.get_by_role("button", name="确认发放").click()
        said = page.locator(".flash").first
        await said.wait_for()
        assert await said.inner_text() == (
            f"已发放：{REWARD}，领取人 孙阿姨，由家庭“孙家”的积分兑换。"
        )
        handed = page.locator("#handed tr", has_text=REWARD)
        assert "家庭“孙家”积分兑换" in await handed.inner_text()
        assert await page.locator("#holds tr", has_text=REWARD).count() == 0
        await _no_sideways_scroll(page)
        await screenshot(page, "household-handover-390")
        assert await _visible_words(page) == []
        assert await _violations(page, "/console/handover with a household's hand-over") == []
        await page.set_viewport_size(PHONE)

        after = await _balances(live, household)
        assert after == (earned - cost, own_before)

        # The same code again, a second later at the counter: nothing more is taken.
        await page.get_by_label("领取码").fill(code)
        await page.get_by_role("button", name="确认发放").click()
        refused = page.locator(".flash.error, .error-summary").first
        await refused.wait_for()
        assert "该兑换已是“已领取”" in await refused.inner_text()
        await _no_sideways_scroll(page)
        assert await _balances(live, household) == after
    finally:
        await context.close()

    mine = await live.call(HEAD, "GET", f"/api/v1/households/{household}/redemptions")
    assert [(r["code"], r["status"]) for r in mine.json()["items"]] == [(code, "fulfilled")]
