"""Attacks that need a real server on a TCP port: a client that hangs up mid-body, and a
client that forges `X-Forwarded-For` to leave its rate-limit bucket."""

from __future__ import annotations

import asyncio
import socket

import httpx

from tests.live_service import LiveService


async def _log_has(service: LiveService, text: str, *, within: float = 30) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        if text in service.log_path.read_text(errors="replace"):
            return True
        await asyncio.sleep(0.1)
    return False


def _send_half_a_body_and_hang_up(port: int) -> None:
    body = b'{"username": "admin", "password": "a-long-enough-password"}'
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\n"
            b"Content-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[: len(body) // 2]
        )


async def test_a_client_hanging_up_mid_body_is_logged_as_its_abort_not_a_500(
    database_url, var_dir, tmp_path
):
    service = LiveService(database_url, var_dir, tmp_path / "service.log")
    await service.start()
    try:
        await asyncio.to_thread(_send_half_a_body_and_hang_up, service.port)
        assert await _log_has(service, "client closed the connection mid-request")
        async with httpx.AsyncClient(base_url=service.base_url) as http:
            assert (await http.get("/healthz")).status_code == 200
    finally:
        await service.stop()
    log = service.log_path.read_text(errors="replace")
    assert "Traceback" not in log
    assert '"status": 500' not in log
    assert "ClientDisconnect" not in log


async def _bad_wechat_logins(service: LiveService, forwarded_for: list[str]) -> list[int]:
    statuses = []
    async with httpx.AsyncClient(base_url=service.base_url, timeout=30) as http:
        for n, address in enumerate(forwarded_for):
            answer = await http.post(
                "/api/v1/auth/wechat",
                json={"code": f"not-a-code-{n}"},
                headers={"X-Forwarded-For": address},
            )
            statuses.append(answer.status_code)
    return statuses


async def test_a_client_behind_an_unlisted_proxy_cannot_forge_its_way_out_of_its_bucket(
    database_url, var_dir, tmp_path
):
    service = LiveService(database_url, var_dir, tmp_path / "service.log")
    service.env.pop("FORWARDED_ALLOW_IPS", None)
    service.env["WECHAT_LOGIN_FREE_FAILURES"] = "3"
    await service.start()
    try:
        # Each guess claims another address; the server sees only the connection's.
        forged = [f"203.0.113.{n}" for n in range(1, 6)]
        statuses = await _bad_wechat_logins(service, forged)
    finally:
        await service.stop()
    assert statuses == [401, 401, 401, 429, 429]


async def test_a_listed_proxy_is_believed_about_its_clients(database_url, var_dir, tmp_path):
    service = LiveService(database_url, var_dir, tmp_path / "service.log")
    service.env["FORWARDED_ALLOW_IPS"] = "127.0.0.1"
    service.env["WECHAT_LOGIN_FREE_FAILURES"] = "3"
    await service.start()
    try:
        guesser = ["203.0.113.7"] * 4
        statuses = await _bad_wechat_logins(service, [*guesser, "198.51.100.20"])
    finally:
        await service.stop()
    # The guesser's fourth try is its own 429; the next client of the proxy is not blocked.
    assert statuses == [401, 401, 401, 429, 401]
