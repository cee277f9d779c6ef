"""`seed-demo` shows the partners' loop: 海曙农商银行 signs in with the demo credentials and gets
王家's attestation under its consent; 小王's green card is valid on a merchant's phone and shows
him the merchant's courtesy; the district's rule gave the last quarter's other stars' heads
their cards; the district reads the bank's question about 王家 — once, however often the demo
runs."""

from __future__ import annotations

import httpx

from app.demo import seed
from moralbank.partners_demo import CLIENT_ID, CONTACT
from tests.security.console_session import console_client

PASSWORD = "demo-password-2026"


async def test_the_demo_bank_gets_wangs_attestation_and_the_green_card_scans_valid(app, client):
    from accounts.models import Household
    from moralbank.partner_models import Consent, GreenCard, GreenCardStar, PartnerBank

    await seed(PASSWORD)
    # A bank seeded before contacts were asked for gets the demo's contact on the next seeding.
    await PartnerBank.all().update(contact=None)
    await seed(PASSWORD)
    assert await PartnerBank.all().count() == 1
    assert (await PartnerBank.get()).contact == CONTACT
    assert await GreenCard.filter(basis="decision").count() == 1
    assert await Consent.all().count() == 1
    stars = {s.outcome for s in await GreenCardStar.all()}
    assert stars == {"granted", "held"}  # 小王 heads a star and holds his card already
    assert (
        await GreenCard.filter(basis="star").count()
        == await GreenCardStar.filter(outcome="granted").count()
    )
    token = await client.post(
        "/api/v1/partner/token",
        data={"grant_type": "client_credentials"},
        auth=(CLIENT_ID, f"mbs_{PASSWORD}"),
    )
    assert token.status_code == 200, token.text
    wang = await Household.get(name="王家")
    attested = await client.post(
        "/api/v1/partner/attestations",
        json={"household": wang.id, "purpose": "credit_assessment"},
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )
    assert attested.status_code == 201, attested.text
    assert attested.json()["band"] == "AAA"

    login = await client.post("/api/v1/auth/wechat", json={"code": "dev-demo-resident-1"})
    me = {"Authorization": f"Bearer {login.json()['access_token']}"}
    offers = (await client.get("/api/v1/me/household/partners", headers=me)).json()["items"]
    assert [(o["name"], o["contact"]) for o in offers] == [("海曙农商银行", CONTACT)]
    card = (await client.get("/api/v1/me/green-cards", headers=me)).json()["items"][0]
    offered = (await client.get("/api/v1/me/green-card-merchants", headers=me)).json()["items"]
    assert [m["courtesy"] for m in offered] == ["凭绿卡就餐九折，汤圆加送一份"]
    transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as merchant:
        page = await merchant.get("/green-cards/" + card["link"].rsplit("/green-cards/", 1)[1])
    assert page.status_code == 200 and "有效" in page.text and "海曙区" in page.text


async def test_the_demo_banks_question_about_wang_is_on_the_districts_list(app):
    from moralbank.partner_models import PartnerBank, PartnerQuery

    await seed(PASSWORD)
    await seed(PASSWORD)
    asked = await PartnerQuery.get()  # one, however often the demo runs
    assert asked.outcome == "issued"
    bank = await PartnerBank.get()
    async with console_client(app, "haishu-admin", PASSWORD) as admin:
        page = await admin.get(f"/console/moral-bank/partners/{bank.id}/queries")
    assert page.status_code == 200
    for shown in ("王家", "鼓楼社区", "道德贷授信评估", "已出具证明"):
        assert shown in page.text, shown
