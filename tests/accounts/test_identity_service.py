"""Besides a worker seeing the ID card, a configured identity service (二要素核验) can verify a
resident's real name; the fake service on localhost answers match, no match, an error or
nothing in time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from accounts.models import RealNameCheck, Resident
from kernel.settings import configure, get_settings
from tests import conftest
from tests.fake_identity import TOKEN, FakeIdentityService, serve_fake_identity_service

NAME, ID_NUMBER = "王小明", "11010519491231002X"
CHECK = "/api/v1/me/real-name/service-check"


@pytest.fixture
def identity() -> Iterator[FakeIdentityService]:
    yield from serve_fake_identity_service()


@pytest.fixture
async def app(database_url: str, var_dir: Any, identity: FakeIdentityService) -> AsyncIterator[Any]:
    """The app with an identity service configured (the fake), a short timeout."""
    from app.main import create_app

    settings = conftest.test_settings(
        database_url,
        var_dir,
        identity_service_url=identity.url,
        identity_service_token=TOKEN,
        identity_service_name="fake-idv",
        identity_service_timeout_seconds=0.5,
        identity_checks_per_day=2,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


async def _give_real_name(world: Any, name: str = NAME) -> None:
    given = await world.resident.client.post(
        "/api/v1/me/real-name", json={"name": name, "id_number": ID_NUMBER}
    )
    assert given.status_code == 200, given.text


async def test_a_resident_is_verified_by_the_identity_service_when_name_and_number_match(
    world, identity
):
    identity.people.add((NAME, ID_NUMBER))
    await _give_real_name(world)
    checked = await world.resident.client.post(CHECK)
    assert checked.status_code == 200, checked.text
    assert (checked.json()["real_name_status"], checked.json()["real_name_verified"]) == (
        "verified",
        True,
    )
    assert ID_NUMBER not in checked.text and NAME not in checked.text
    resident = await Resident.get(id=world.resident.id)
    assert resident.real_name_verified_by == "service:fake-idv"
    [asked] = identity.requests
    assert asked["body"] == {"name": NAME, "id_number": ID_NUMBER}
    certificate = await world.resident.client.post("/api/v1/me/certificates")
    assert certificate.json()["code"] == "no_service_records"  # verified; only hours lack
    again = await world.resident.client.post(CHECK)
    assert again.status_code == 200 and len(identity.requests) == 1  # verified: not asked again


async def test_a_name_that_does_not_match_the_number_is_refused_and_counted(world, identity):
    await _give_real_name(world, name="王大明")
    refused = await world.resident.client.post(CHECK)
    assert (refused.status_code, refused.json()["code"]) == (422, "identity_mismatch")
    assert "身份核验服务" in refused.json()["detail"]
    assert refused.json()["errors"] == [{"field": "id_number", "message": "与姓名不符"}]
    me = (await world.resident.client.get("/api/v1/me")).json()["resident"]
    assert me["real_name_status"] == "number_checked"
    second = await world.resident.client.post(CHECK)
    assert second.json()["code"] == "identity_mismatch"
    third = await world.resident.client.post(CHECK)
    assert (third.status_code, third.json()["code"]) == (429, "identity_checks_exhausted")
    assert len(identity.requests) == 2  # the third was not sent
    checks = await RealNameCheck.filter(resident_id=world.resident.id)
    assert [c.result for c in checks] == ["no_match", "no_match"]


@pytest.mark.parametrize("mode", ["error", "timeout"])
async def test_an_identity_service_that_fails_or_does_not_answer_is_a_503_and_verifies_nobody(
    world, identity, mode
):
    identity.people.add((NAME, ID_NUMBER))
    identity.mode = mode
    await _give_real_name(world)
    failed = await world.resident.client.post(CHECK)
    assert (failed.status_code, failed.json()["code"]) == (503, "identity_service_unavailable")
    assert (await Resident.get(id=world.resident.id)).real_name_verified_at is None
    assert await RealNameCheck.filter(result="unavailable").count() == 1
    identity.mode = "normal"
    recovered = await world.resident.client.post(CHECK)
    assert recovered.json()["real_name_status"] == "verified"  # failures did not use the quota


async def test_the_identity_check_needs_a_real_name_first(world):
    missing = await world.resident.client.post(CHECK)
    assert (missing.status_code, missing.json()["code"]) == (409, "real_name_missing")


async def test_without_an_identity_service_the_check_says_verification_is_in_person(
    world, database_url, var_dir
):
    previous = get_settings()
    configure(previous.model_copy(update={"identity_service_url": ""}))
    try:
        await _give_real_name(world)
        answer = await world.resident.client.post(CHECK)
    finally:
        configure(previous)
    assert (answer.status_code, answer.json()["code"]) == (409, "identity_service_not_configured")
    assert answer.json()["detail"] == "本平台通过现场核验实名：请携带身份证到社区由工作人员核验。"
