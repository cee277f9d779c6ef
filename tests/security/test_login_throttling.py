"""Login throttling stops guessing without handing anyone a way to lock a victim out."""

from __future__ import annotations

import asyncio

import httpx

from tests.security.conftest import on_postgres


def _from(app, address):
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://t")


async def _login(client, username, password):
    return await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )


async def test_five_bad_wechat_codes_do_not_lock_out_other_residents(wechat_app, fake_wechat):
    fake_wechat.sessions["good-code"] = {"openid": "o-victim"}
    async with _from(wechat_app, "198.51.100.1") as attacker:
        for number in range(6):
            refused = await attacker.post("/api/v1/auth/wechat", json={"code": f"bad-{number}"})
            assert refused.status_code == 401
    async with _from(wechat_app, "198.51.100.2") as resident:
        response = await resident.post("/api/v1/auth/wechat", json={"code": "good-code"})
    assert response.status_code == 200, response.text


async def test_bad_wechat_codes_are_limited_per_address(wechat_app, fake_wechat):
    from kernel.settings import get_settings

    get_settings().wechat_login_free_failures = 3
    fake_wechat.sessions["good-code"] = {"openid": "o-someone"}
    async with _from(wechat_app, "198.51.100.1") as attacker:
        for number in range(3):
            await attacker.post("/api/v1/auth/wechat", json={"code": f"bad-{number}"})
        blocked = await attacker.post("/api/v1/auth/wechat", json={"code": "bad-again"})
    async with _from(wechat_app, "198.51.100.2") as elsewhere:
        allowed = await elsewhere.post("/api/v1/auth/wechat", json={"code": "good-code"})
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "login_proof_required"  # slowed, not locked out
    assert int(blocked.headers["retry-after"]) > 0
    assert allowed.status_code == 200


async def test_wrong_passwords_from_elsewhere_do_not_lock_out_the_victim(world, app):
    async with _from(app, "198.51.100.66") as attacker:
        for _ in range(5):
            assert (await _login(attacker, "root", "wrong-password")).status_code == 401
        attacker_blocked = await _login(attacker, "root", "root-password-123")
    async with _from(app, "192.0.2.10") as victim:
        response = await _login(victim, "root", "root-password-123")
    assert attacker_blocked.status_code == 429
    assert response.status_code == 200, response.text


async def test_guessing_many_accounts_from_one_address_is_stopped(world, app, settings):
    settings.login_max_attempts_per_address = 4
    async with _from(app, "198.51.100.77") as attacker:
        for username in ("root", "d1-admin", "c1-worker", "c3-worker"):
            assert (await _login(attacker, username, "guess-guess")).status_code == 401
        blocked = await _login(attacker, "root", "root-password-123")
    assert blocked.status_code == 429


async def test_a_right_password_clears_only_its_own_address_failures(world, app, settings):
    settings.login_max_failures = 2
    async with _from(app, "198.51.100.5") as attacker:
        await _login(attacker, "c1-worker", "wrong-password")
    async with _from(app, "192.0.2.20") as worker:
        await _login(worker, "c1-worker", "wrong-password")
        assert (await _login(worker, "c1-worker", "staff-password-123")).status_code == 200
    async with _from(app, "198.51.100.5") as attacker:
        await _login(attacker, "c1-worker", "wrong-password")
        assert (await _login(attacker, "c1-worker", "staff-password-123")).status_code == 429


@on_postgres
async def test_parallel_bogus_logins_from_one_address_do_not_queue_for_the_password_check(
    world, app
):
    async with _from(app, "198.51.100.99") as attacker, _from(app, "192.0.2.30") as worker:
        bogus = [_login(attacker, f"nobody-{n}", "wrong-password") for n in range(24)]
        *answers, real = await asyncio.gather(
            *bogus, _login(worker, "c1-worker", "staff-password-123")
        )
    statuses = [a.status_code for a in answers]
    assert real.status_code == 200
    assert statuses.count(429) >= 20, statuses
    assert set(statuses) <= {401, 429}


async def test_without_wechat_credentials_a_real_code_is_refused_not_sent_to_wechat(client):
    response = await client.post("/api/v1/auth/wechat", json={"code": "0a1b2c3d"})
    assert response.status_code == 401
    assert response.json()["code"] == "wechat_login_failed"
