"""Finding 8 of issue 19: 30 bad WeChat codes from one address locked every WeChat login from
that address out for 15 minutes, which behind a carrier's NAT is everyone. Now an address is
never locked out of WeChat logins: past its budget of failures each login carries a proof of
work, which a resident's phone solves in a moment and which every further guess costs the
guesser; staff password logins keep their own limits, untouched by WeChat failures."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

import httpx
import pytest

from tests import conftest

NAT = "100.64.0.1"  # a carrier-grade NAT: the attacker and the residents behind it


@pytest.fixture
def settings(database_url, var_dir, fake_wechat):
    return conftest.test_settings(
        database_url,
        var_dir,
        wechat_appid="wx-test-app",
        wechat_secret="wx-test-secret",
        wechat_api_base=fake_wechat.base_url,
        wechat_login_free_failures=5,
        wechat_login_proof_bits=8,
        wechat_login_proof_max_bits=10,
    )


def _from(app: Any, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://t")


def solve(challenge: str, code: str, difficulty: int) -> dict[str, str]:
    """What the mini-program does with a `login_proof_required` answer."""
    for n in itertools.count():
        digest = hashlib.sha256(f"{challenge}:{code}:{n}".encode()).digest()
        if int.from_bytes(digest, "big") >> (256 - difficulty) == 0:
            return {"challenge": challenge, "nonce": str(n)}
    raise AssertionError("unreachable")


async def _login(client: httpx.AsyncClient, code: str, proof: Any = None) -> httpx.Response:
    body = {"code": code} if proof is None else {"code": code, "proof": proof}
    return await client.post("/api/v1/auth/wechat", json=body)


async def test_a_resident_behind_an_attackers_nat_still_logs_in(world, app, fake_wechat):
    fake_wechat.sessions["good-code"] = {"openid": "o-neighbour"}
    async with _from(app, NAT) as attacker:
        burst = [(await _login(attacker, f"guess-{n}")).status_code for n in range(30)]
    assert burst[:5] == [401] * 5
    assert set(burst[5:]) == {429}  # slowed: no more free guesses from this address
    asked = len(fake_wechat.requests)
    assert asked == 5  # only the free ones reached WeChat

    async with _from(app, NAT) as resident:
        first = await _login(resident, "good-code")
        assert first.status_code == 429
        problem = first.json()
        assert problem["code"] == "login_proof_required"
        assert "工作量证明" in problem["detail"]  # Chinese, like every answer
        proof = solve(problem["challenge"], "good-code", problem["difficulty"])
        second = await _login(resident, "good-code", proof)
    assert second.status_code == 200, second.text
    assert second.json()["resident"]["id"]

    async with _from(app, NAT) as attacker:
        # Still slowed: a guess without a proof, or with the resident's (bound to its code).
        assert (await _login(attacker, "guess-99")).status_code == 429
        assert (await _login(attacker, "guess-99", proof)).status_code == 429
        # A guess paid for is checked, fails, and raises the price of the next.
        for n in range(5):
            ask = (await _login(attacker, f"paid-{n}")).json()
            paid = solve(ask["challenge"], f"paid-{n}", ask["difficulty"])
            assert (await _login(attacker, f"paid-{n}", paid)).status_code == 401
        assert (await _login(attacker, "paid-5")).json()["difficulty"] == 9


async def test_a_proof_is_refused_when_forged_stale_from_another_address_or_too_easy(
    world, app, fake_wechat, settings
):
    fake_wechat.sessions["good-code"] = {"openid": "o-neighbour"}
    async with _from(app, NAT) as attacker:
        for n in range(5):
            await _login(attacker, f"guess-{n}")
    async with _from(app, NAT) as resident:
        ask = (await _login(resident, "good-code")).json()
    issued, bits, rest, mac = ask["challenge"].split(".")
    easier = f"{issued}.1.{rest}.{mac}"  # fewer bits, same MAC: not the service's
    stale = f"{int(issued) - 3600}.{bits}.{rest}.{mac}"
    async with _from(app, "198.51.100.200") as elsewhere:
        ask_elsewhere = (await _login(elsewhere, "other-code")).json()
    assert "challenge" not in ask_elsewhere  # a fresh address logs in freely
    async with _from(app, NAT) as resident:
        for challenge, difficulty in ((easier, 1), (stale, int(bits))):
            forged = solve(challenge, "good-code", difficulty)
            assert (await _login(resident, "good-code", forged)).status_code == 429
    async with _from(app, "198.51.100.201") as other_address:
        # A challenge is the address's: solved elsewhere it does not pass there.
        for n in range(5):
            await _login(other_address, f"other-{n}")
        moved = solve(ask["challenge"], "good-code", ask["difficulty"])
        assert (await _login(other_address, "good-code", moved)).status_code == 429


async def test_a_code_wechat_refused_is_refused_again_without_asking_wechat(app, fake_wechat):
    async with _from(app, "198.51.100.9") as client:
        assert (await _login(client, "used-code")).status_code == 401
        asked = len(fake_wechat.requests)
        again = await _login(client, "used-code")
    assert (again.status_code, again.json()["code"]) == (401, "wechat_login_failed")
    assert len(fake_wechat.requests) == asked


async def test_staff_logins_from_the_nat_keep_their_own_limits(world, app, fake_wechat):
    async with _from(app, NAT) as attacker:
        for n in range(40):
            await _login(attacker, f"guess-{n}")
    async with _from(app, NAT) as office:
        signed_in = await office.post(
            "/api/v1/auth/login", json={"username": "c1-worker", "password": "staff-password-123"}
        )
        assert signed_in.status_code == 200, signed_in.text
        for _ in range(5):
            wrong = await office.post(
                "/api/v1/auth/login", json={"username": "c1-worker", "password": "not-it-at-all"}
            )
            assert wrong.status_code == 401
        locked = await office.post(
            "/api/v1/auth/login", json={"username": "c1-worker", "password": "staff-password-123"}
        )
    assert locked.status_code == 429  # the account's own lockout from this address stands
