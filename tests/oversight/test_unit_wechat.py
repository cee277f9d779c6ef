"""A unit's staff sign in with WeChat or the password: signed in with the password, they bind
their WeChat account; from then on a wx.login() code signs them in (through the real WeChat
client, against the fake WeChat server)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import conftest
from tests.oversight.conftest import create_unit


@pytest.fixture
def settings(database_url, var_dir, fake_wechat):
    """The service with WeChat set up against the fake."""
    return conftest.test_settings(
        database_url,
        var_dir,
        wechat_appid="wx-test-app",
        wechat_secret="wx-test-secret",
        wechat_api_base=fake_wechat.base_url,
    )


async def _unit_login(world, client, code: str, username: str) -> dict[str, Any]:
    """A unit with a password login; the login's API headers."""
    unit = await create_unit(world.worker, code=code, name=f"{code} 饭店")
    account = await world.district_admin.client.post(
        f"/api/v1/oversight/units/{unit['id']}/accounts",
        json={"username": username, "password": "unit-password-123"},
    )
    assert account.status_code == 201, account.text
    signed_in = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": "unit-password-123"}
    )
    assert signed_in.status_code == 200, signed_in.text
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    return {"unit": unit, "headers": headers}


async def test_a_units_staff_bind_wechat_then_sign_in_with_it(world, client, fake_wechat):
    login = await _unit_login(world, client, "r-101", "weixin-shop")
    fake_wechat.sessions["bind-code"] = {"openid": "oUnitShop"}
    fake_wechat.sessions["login-code"] = {"openid": "oUnitShop"}
    fake_wechat.sessions["stranger-code"] = {"openid": "oSomeoneElse"}
    # Before binding, WeChat signs nobody in as the unit.
    refused = await client.post("/api/v1/auth/unit-wechat", json={"code": "stranger-code"})
    assert refused.status_code == 401 and refused.json()["code"] == "wechat_not_bound"

    bound = await client.post(
        "/api/v1/oversight/me/wechat", json={"code": "bind-code"}, headers=login["headers"]
    )
    assert bound.status_code == 200, bound.text
    assert bound.json() == {"unit_id": login["unit"]["id"], "wechat_bound": True}

    signed_in = await client.post("/api/v1/auth/unit-wechat", json={"code": "login-code"})
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["access_token"]
    assert signed_in.json()["refresh_token"]
    units = await client.get(
        "/api/v1/oversight/units", headers={"Authorization": f"Bearer {token}"}
    )
    assert [u["id"] for u in units.json()["items"]] == [login["unit"]["id"]]
    exchanged = [r["query"]["js_code"] for r in fake_wechat.requests]
    assert exchanged == ["stranger-code", "bind-code", "login-code"]
    # Another WeChat account is still refused (with a new code: WeChat's are single-use); a
    # code WeChat rejects is WeChat's refusal.
    fake_wechat.sessions["stranger-code-2"] = {"openid": "oSomeoneElse"}
    stranger = await client.post("/api/v1/auth/unit-wechat", json={"code": "stranger-code-2"})
    assert stranger.json()["code"] == "wechat_not_bound"
    expired = await client.post("/api/v1/auth/unit-wechat", json={"code": "expired"})
    assert expired.status_code == 401 and expired.json()["code"] == "wechat_login_failed"


async def test_one_wechat_account_signs_in_for_one_unit_login_only(world, client, fake_wechat):
    first = await _unit_login(world, client, "r-201", "weixin-first")
    second = await _unit_login(world, client, "r-202", "weixin-second")
    fake_wechat.sessions["code-a"] = {"openid": "oShared"}
    fake_wechat.sessions["code-b"] = {"openid": "oShared"}
    bound = await client.post(
        "/api/v1/oversight/me/wechat", json={"code": "code-a"}, headers=first["headers"]
    )
    assert bound.status_code == 200, bound.text
    taken = await client.post(
        "/api/v1/oversight/me/wechat", json={"code": "code-b"}, headers=second["headers"]
    )
    assert taken.status_code == 409 and taken.json()["code"] == "wechat_bound_elsewhere"


async def test_only_a_units_staff_bind_wechat_to_a_unit_login(world, fake_wechat):
    fake_wechat.sessions["worker-code"] = {"openid": "oWorker"}
    refused = await world.worker.client.post(
        "/api/v1/oversight/me/wechat", json={"code": "worker-code"}
    )
    assert refused.status_code == 403
    assert fake_wechat.requests == []
