"""A resident's mobile number from the mini-program's getPhoneNumber button: exchanged at
WeChat (the fake server), kept encrypted, shown only masked."""

from __future__ import annotations

from typing import Any

import httpx

from accounts.models import Resident


async def _resident(client: httpx.AsyncClient, fake_wechat: Any) -> dict[str, str]:
    fake_wechat.sessions["login-1"] = {"openid": "oPhone1"}
    login = await client.post("/api/v1/auth/wechat", json={"code": "login-1"})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def test_resident_gives_their_phone_through_wechat_and_sees_it_masked(
    wechat_app, fake_wechat
):
    fake_wechat.phones["phone-code-1"] = "13800001234"
    transport = httpx.ASGITransport(app=wechat_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        auth = await _resident(client, fake_wechat)
        given = await client.post("/api/v1/me/phone", json={"code": "phone-code-1"}, headers=auth)
        me = await client.get("/api/v1/me", headers=auth)
    assert given.status_code == 200, given.text
    assert given.json()["phone_masked"] == "138****1234"
    assert me.json()["resident"]["phone_masked"] == "138****1234"
    assert "13800001234" not in given.text + me.text
    exchange = [r for r in fake_wechat.requests if r["path"] == "/wxa/business/getuserphonenumber"]
    assert len(exchange) == 1
    assert exchange[0]["body"] == {"code": "phone-code-1"}
    assert exchange[0]["query"]["access_token"] == fake_wechat.current_token
    stored = await Resident.get(openid="oPhone1")
    assert stored.phone_masked == "138****1234"
    assert stored.phone_cipher and "13800001234" not in stored.phone_cipher


async def test_a_phone_code_wechat_refuses_is_a_422_and_keeps_no_number(wechat_app, fake_wechat):
    transport = httpx.ASGITransport(app=wechat_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        auth = await _resident(client, fake_wechat)
        refused = await client.post("/api/v1/me/phone", json={"code": "used-twice"}, headers=auth)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "wechat_phone_refused"
    assert "40029" in refused.json()["detail"]
    assert (await Resident.get(openid="oPhone1")).phone_masked is None


async def test_a_rejected_access_token_is_refreshed_and_the_exchange_retried(
    wechat_app, fake_wechat
):
    fake_wechat.phones["phone-code-2"] = "13900005678"
    fake_wechat.phones["phone-code-3"] = "13900005679"
    transport = httpx.ASGITransport(app=wechat_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        auth = await _resident(client, fake_wechat)
        first = await client.post("/api/v1/me/phone", json={"code": "phone-code-2"}, headers=auth)
        fake_wechat.expire_token()  # WeChat drops the cached token before its time
        second = await client.post("/api/v1/me/phone", json={"code": "phone-code-3"}, headers=auth)
    assert first.status_code == 200, first.text
    assert second.status_code == 200, second.text
    assert second.json()["phone_masked"] == "139****5679"
    assert len(fake_wechat.token_requests()) == 2


async def test_a_member_of_staff_cannot_give_a_phone(world):
    answer = await world.worker.client.post("/api/v1/me/phone", json={"code": "phone-code-9"})
    assert answer.status_code == 403
