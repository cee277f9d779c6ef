"""The household's consent screen (/h5/household/consents) as the mini-program's web-view opens
it, on a phone (390 px, Chromium, zh-CN), on the demo district as `make run` seeds it: 小王,
head of 王家, reads the bank's terms and where 王家 stands, gives a separate consent (refused
until the box is ticked; a refusal of the API keeps what he chose), sees the bank's question,
withdraws, and the bank is refused after while its attestation reads revoked; 王奶奶, a member
but not the head, reads without the controls; no token, a refused one, and a resident in no
household get a Chinese explanation."""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from kernel import localtime
from moralbank.partners_demo import CONTACT
from tests.chinese_text import english_words
from tests.console import oversight_world as world
from tests.console.conftest import PASSWORD, screenshot, serve
from tests.console.test_accessibility import _violations

PHONE = {"width": 390, "height": 844}
SCREEN = "/h5/household/consents"
BANK = "海曙农商银行"
HEAD, MEMBER, LONER = "demo-resident-1", "demo-household-1", "demo-resident-3"
# The demo's database, for a state no route makes (a bank registered before contacts).
_DATABASE: dict[str, str] = {}


@pytest.fixture(scope="module")
async def demo(
    cluster: Any, template_database: str, tmp_path_factory: Any, var_dir: Path
) -> AsyncIterator[str]:
    """A database of its own seeded by `seed-demo`, and the service on it: its base URL."""
    from app.demo import seed

    if cluster is None:
        path = tmp_path_factory.mktemp("consents") / "demo.sqlite3"
        shutil.copyfile(template_database, path)
        url = f"sqlite://{path}"
    else:
        name = f"civility_consents_{os.getpid()}"
        cluster.create_database(name, template=template_database)
        url = str(cluster.url(name))
    async with world.database(url, var_dir):
        await seed(PASSWORD)
    _DATABASE["url"] = url
    # The page lives as long as the token the mini-program gave it (15 minutes by default).
    async with serve(url, var_dir, ACCESS_TOKEN_SECONDS="900") as base:
        yield base


async def _token(base: str, openid: str) -> str:
    """What the mini-program holds after `wx.login` (a `dev-` code outside production)."""
    async with httpx.AsyncClient(base_url=base) as client:
        login = await client.post("/api/v1/auth/wechat", json={"code": f"dev-{openid}"})
    assert login.status_code == 200, login.text
    return str(login.json()["access_token"])


async def _ask(base: str, household: str, purpose: str) -> httpx.Response:
    """The demo bank's system asks for the household's attestation with its own token."""
    async with httpx.AsyncClient(base_url=base) as bank:
        token = await bank.post(
            "/api/v1/partner/token",
            data={"grant_type": "client_credentials"},
            auth=("mbp_haishu_demo", f"mbs_{PASSWORD}"),
        )
        assert token.status_code == 200, token.text
        return await bank.post(
            "/api/v1/partner/attestations",
            json={"household": household, "purpose": purpose},
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )


def _unpadded(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def _revoked(vc_jwt: str) -> bool:
    """Whether the attestation's bit is set in the status list it names."""
    credential = json.loads(_unpadded(vc_jwt.split(".")[1]))
    entry = credential["credentialStatus"]
    async with httpx.AsyncClient() as client:
        listed = await client.get(
            entry["statusListCredential"], headers={"Accept": "application/json"}
        )
    assert listed.status_code == 200, listed.text
    bits = gzip.decompress(_unpadded(listed.json()["credentialSubject"]["encodedList"][1:]))
    index = int(entry["statusListIndex"])
    return bool((bits[index // 8] >> (7 - index % 8)) & 1)


async def _open(browser: Any, base: str, fragment: str = "") -> tuple[Any, Any, Any]:
    context = await browser.new_context(base_url=base, locale="zh-CN", viewport=PHONE)
    page = await context.new_page()
    page.set_default_timeout(15_000)
    answer = await page.goto(SCREEN + fragment)
    return context, page, answer


async def _fits(page: Any) -> None:
    width, client = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width <= client, f"the screen is {width}px wide at {client}px"


async def _english(page: Any) -> list[str]:
    """Latin words a reader meets, bar the household's number and the bank's band names."""
    text = await page.evaluate(
        """() => {
            const shown = document.body.cloneNode(true);
            shown.querySelectorAll('code, script, style, template, [hidden], .band')
                .forEach(n => n.remove());
            return shown.innerText;
        }"""
    )
    return english_words(text)


async def test_the_head_gives_a_consent_sees_the_bank_ask_and_withdraws_it(browser, demo):
    token = await _token(demo, HEAD)
    sent: list[str] = []
    context, page, answer = await _open(browser, demo, f"#access_token={token}")
    try:
        page.on("request", lambda request: sent.append(request.url))
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        await page.locator("#household").wait_for()
        assert "access_token" not in page.url, "the token stays in the address"
        assert await page.locator("#household-name").inner_text() == "王家"
        household = await page.locator("#household-number").inner_text()

        card = page.locator("article.partner", has_text=BANK)
        terms = await card.locator(".terms tbody tr").all_inner_texts()
        assert len(terms) == 4
        assert "AAA\t95–100\t300000\t年利率 3.85% 起" in terms, terms
        standing = await card.locator(".standing").inner_text()
        period = localtime.previous_quarter(localtime.quarter_of(localtime.now()))
        for part in ("AAA", "300000", "年利率 3.85% 起", localtime.period_name(period)):
            assert part in standing, (part, standing)
        seeded = card.locator("li.consent[data-state='live']", has_text="道德贷授信评估")
        assert await seeded.locator(".state").inner_text() == "有效"

        form = card.locator("form.consent-form")
        assert BANK in await form.locator(".recipient").inner_text()
        assert await form.locator(".recipient-contact").inner_text() == CONTACT
        assert "联系方式" in await form.locator(".disclosure").inner_text()
        for told in ("不提供分数、评分明细、家庭成员、姓名或身份证号码", "可随时撤回"):
            assert told in await form.inner_text()
        until = (localtime.today() + timedelta(days=30)).isoformat()
        await form.get_by_label("处理目的").select_option(label="贷后管理")
        await form.get_by_label("授权截止日期（含当日）").fill(until)
        await form.get_by_role("button", name="同意并授权").click()
        await form.locator(".form-error").filter(has_text="请先勾选“我已阅读并单独同意”").wait_for()
        assert await card.locator("li.consent").count() == 1, "given without the box ticked"

        # A purpose the household has consented to already: the API's words, the choice kept.
        await form.get_by_label("处理目的").select_option(label="道德贷授信评估")
        await form.get_by_label("我已阅读并单独同意", exact=False).check()
        await form.get_by_role("button", name="同意并授权").click()
        await form.locator(".form-error").filter(has_text="您家已就此用途授权该银行").wait_for()
        assert await form.get_by_label("处理目的").input_value() == "credit_assessment"
        assert await form.get_by_label("授权截止日期（含当日）").input_value() == until
        assert await form.get_by_label("我已阅读并单独同意", exact=False).is_checked()
        assert await _english(page) == []

        await form.get_by_label("处理目的").select_option(label="贷后管理")
        await form.get_by_role("button", name="同意并授权").click()
        await page.get_by_role("status").filter(has_text="已授权").wait_for()
        given = card.locator("li.consent[data-purpose='loan_management'][data-state='live']")
        assert until in await given.inner_text()

        issued = await _ask(demo, household, "loan_management")
        assert issued.status_code == 201, issued.text
        await page.reload()
        asked = page.locator("#queries li").first
        await asked.wait_for()
        for part in (BANK, "贷后管理", "已出具证明"):
            assert part in await asked.inner_text()
        await _fits(page)
        await screenshot(page, "household-consents-390")
        assert await _violations(page, SCREEN) == []
        await page.set_viewport_size(PHONE)

        given = card.locator("li.consent[data-purpose='loan_management'][data-state='live']")
        await given.get_by_role("button", name="撤回授权").click()
        assert "已出具的证明立即作废" in await given.locator(".confirm").inner_text()
        await given.get_by_role("button", name="确认撤回").click()
        await page.get_by_role("status").filter(has_text="已撤回授权").wait_for()
        withdrawn = card.locator("li.consent[data-purpose='loan_management']")
        assert "已撤回" in await withdrawn.inner_text()
        assert await withdrawn.get_by_role("button").count() == 0

        again = await _ask(demo, household, "loan_management")
        assert again.status_code == 403 and again.json()["code"] == "consent_required"
        assert await _revoked(issued.json()["vc_jwt"])
        assert sent and not [url for url in sent if token in url]
    finally:
        await context.close()


async def test_a_member_who_is_not_the_head_reads_without_the_controls(browser, demo):
    token = await _token(demo, MEMBER)
    context, page, _answer = await _open(browser, demo, f"#access_token={token}")
    try:
        await page.locator("#household").wait_for()
        assert "只有户主可以授权或撤回授权" in await page.locator("#head-only").inner_text()
        card = page.locator("article.partner", has_text=BANK)
        assert await card.locator(".terms tbody tr").count() == 4
        assert "道德贷授信评估" in await card.locator("li.consent[data-state='live']").inner_text()
        assert await page.locator("form, input[type='checkbox']").count() == 0
        assert await page.get_by_role("button", name="撤回授权").count() == 0
        await _fits(page)
        assert await _english(page) == []
    finally:
        await context.close()


@pytest.mark.parametrize(
    ("who", "says"),
    [
        (None, "未能确认您的身份，请从小程序重新打开本页。"),
        ("not-a-token", "登录已过期，请从小程序重新打开本页。"),
        (LONER, "您还不是任何家庭户的成员"),
    ],
)
async def test_without_a_household_or_a_good_token_the_screen_says_so(browser, demo, who, says):
    fragment = ""
    if who is not None:
        token = who if who == "not-a-token" else await _token(demo, who)
        fragment = f"#access_token={token}"
    context, page, _answer = await _open(browser, demo, fragment)
    try:
        shown = page.locator("#signed-out-message, #no-household").filter(has_text=says)
        await shown.wait_for()
        assert await page.locator("#household").is_hidden()
        assert re.search(r"access_token", page.url) is None
        await _fits(page)
        assert await _english(page) == []
    finally:
        await context.close()


def _set_contact(contact: str | None) -> None:
    """The bank's contact as stored, past the API (which refuses to clear it)."""
    url = _DATABASE["url"]
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite://")) as db:
            db.execute("UPDATE partner_bank SET contact = ? WHERE name = ?", (contact, BANK))
    else:
        import psycopg

        with psycopg.connect(url) as db:
            db.execute("UPDATE partner_bank SET contact = %s WHERE name = %s", (contact, BANK))


async def test_a_bank_registered_before_contacts_were_asked_for_is_said_so(browser, demo):
    """A bank registered before the contact was asked for (migration 0038) has none: the
    separate-consent block says it is not given yet and to ask the community first, rather
    than leaving the line empty."""
    _set_contact(None)
    try:
        token = await _token(demo, HEAD)
        context, page, _answer = await _open(browser, demo, f"#access_token={token}")
        try:
            form = page.locator("article.partner", has_text=BANK).locator("form.consent-form")
            await form.wait_for()
            assert await form.locator(".recipient-contact").inner_text() == (
                "尚未登记：区里还没有录入该银行的联系方式。授权前请先向社区询问。"
            )
            await _fits(page)
            assert await _english(page) == []
        finally:
            await context.close()
    finally:
        _set_contact(CONTACT)
