"""Finding 11 of issue 19: WeChat's phone-number service answering an HTTP 501 error page
(HTML) made `POST /api/v1/me/phone` a 500. Whatever an upstream answers that is not its
JSON (an error page, a 5xx, an errcode that is no number, WeChat's "system busy", nothing in
time), every call to WeChat and to the identity service is a 503 problem+json in Chinese
saying the service is unavailable."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from accounts.models import Resident
from tests import conftest
from tests.fake_identity import TOKEN, FakeIdentityService, serve_fake_identity_service
from tests.fake_wechat import FakeWeChat
from tests.oversight.conftest import create_unit

ID_NUMBER = "11010519491231002X"
FAILURES = ("error page", "5xx json", "system busy", "errcode no number", "slow")


@pytest.fixture
def identity() -> Iterator[FakeIdentityService]:
    yield from serve_fake_identity_service()


@pytest.fixture
def settings(database_url, var_dir, fake_wechat, identity):
    """WeChat and an identity service set up, both fakes; short timeouts."""
    return conftest.test_settings(
        database_url,
        var_dir,
        wechat_appid="wx-test-app",
        wechat_secret="wx-test-secret",
        wechat_api_base=fake_wechat.base_url,
        wechat_timeout_seconds=0.5,
        identity_service_url=identity.url,
        identity_service_token=TOKEN,
        identity_service_timeout_seconds=0.5,
    )


def _break(fake: FakeWeChat, path: str, failure: str) -> None:
    if failure == "error page":
        fake.fail(path)  # an HTTP 501 with HTML, as the attack saw it
    elif failure == "5xx json":
        fake.routes[path] = lambda query, body: (502, {"errcode": 0})
    elif failure == "system busy":
        fake.routes[path] = lambda query, body: (200, {"errcode": -1, "errmsg": "system busy"})
    elif failure == "errcode no number":
        fake.routes[path] = lambda query, body: (200, {"errcode": "oops"})
    else:

        def slow(query: dict[str, str], body: Any) -> tuple[int, Any]:
            time.sleep(1.5)
            return 200, {"errcode": 0}

        fake.routes[path] = slow


def _unavailable(answer: Any, code: str = "wechat_unavailable") -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in problem["detail"]), problem  # Chinese


@pytest.mark.parametrize("failure", FAILURES)
async def test_the_phone_number_service_failing_is_a_503(world, fake_wechat, failure):
    fake_wechat.phones["phone-code-1"] = "13800001234"
    _break(fake_wechat, "/wxa/business/getuserphonenumber", failure)
    answer = await world.resident.client.post("/api/v1/me/phone", json={"code": "phone-code-1"})
    _unavailable(answer)
    assert (await Resident.get(id=world.resident.id)).phone_masked is None


@pytest.mark.parametrize("failure", ["error page", "errcode no number"])
async def test_the_access_token_service_failing_is_a_503(world, fake_wechat, failure):
    fake_wechat.phones["phone-code-1"] = "13800001234"
    _break(fake_wechat, "/cgi-bin/stable_token", failure)
    answer = await world.resident.client.post("/api/v1/me/phone", json={"code": "phone-code-1"})
    _unavailable(answer)


async def test_a_token_answer_without_a_token_is_a_503(world, fake_wechat):
    fake_wechat.routes["/cgi-bin/stable_token"] = lambda query, body: (200, {"expires_in": "x"})
    answer = await world.resident.client.post("/api/v1/me/phone", json={"code": "phone-code-1"})
    _unavailable(answer)


@pytest.mark.parametrize("failure", FAILURES)
async def test_the_login_service_failing_is_a_503_for_residents_and_units(
    world, client, fake_wechat, failure
):
    fake_wechat.sessions["code-1"] = {"openid": "o-new"}
    _break(fake_wechat, "/sns/jscode2session", failure)
    _unavailable(await client.post("/api/v1/auth/wechat", json={"code": "code-1"}))
    _unavailable(await client.post("/api/v1/auth/unit-wechat", json={"code": "code-1"}))
    assert not await Resident.exists(openid="o-new")


async def test_binding_a_units_wechat_while_wechat_fails_is_a_503(world, client, fake_wechat):
    unit = await create_unit(world.worker, code="u-bind", name="绑定饭店")
    made = await world.district_admin.client.post(
        f"/api/v1/oversight/units/{unit['id']}/accounts",
        json={"username": "u-bind", "password": "unit-password-123"},
    )
    assert made.status_code == 201, made.text
    signed_in = await client.post(
        "/api/v1/auth/login", json={"username": "u-bind", "password": "unit-password-123"}
    )
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    fake_wechat.fail("/sns/jscode2session")
    answer = await client.post("/api/v1/oversight/me/wechat", json={"code": "c"}, headers=headers)
    _unavailable(answer)


async def test_the_identity_service_answering_an_error_page_is_a_503(world, identity):
    identity.people.add(("王小明", ID_NUMBER))
    given = await world.resident.client.post(
        "/api/v1/me/real-name", json={"name": "王小明", "id_number": ID_NUMBER}
    )
    assert given.status_code == 200, given.text
    identity.mode = "html"
    answer = await world.resident.client.post("/api/v1/me/real-name/service-check")
    _unavailable(answer, "identity_service_unavailable")
    assert (await Resident.get(id=world.resident.id)).real_name_verified_at is None
