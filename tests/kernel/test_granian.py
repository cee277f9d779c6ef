"""The service under granian (`python -m app serve --server granian`) keeps what the tests check
of uvicorn: the security headers and request id, the body limit, a client hanging up mid-body
logged as its abort (never a 500), an unlisted proxy unable to forge its client address, an
access line from every worker, and a graceful stop on SIGTERM."""

from __future__ import annotations

import asyncio

import httpx

from tests.kernel.test_access_log_writer import _served_lines
from tests.live_service import LiveService
from tests.security.test_live_edges import (
    _bad_wechat_logins,
    _log_has,
    _send_half_a_body_and_hang_up,
)


def _granian(database_url, var_dir, log_path) -> LiveService:
    service = LiveService(database_url, var_dir, log_path)
    service.args = ["--server", "granian"]
    return service


async def test_headers_limits_and_a_client_hanging_up_under_granian(
    database_url, var_dir, tmp_path
):
    service = _granian(database_url, var_dir, tmp_path / "service.log")
    await service.start()
    try:
        async with httpx.AsyncClient(base_url=service.base_url, timeout=30) as http:
            answer = await http.get("/healthz", headers={"x-request-id": "granian-0001"})
            assert answer.status_code == 200
            assert answer.headers["x-request-id"] == "granian-0001"
            assert answer.headers["x-frame-options"] == "DENY"
            assert answer.headers["content-security-policy"] == "frame-ancestors 'none'"
            try:
                big = await http.post(
                    "/api/v1/auth/login",
                    content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                    headers={"content-type": "application/json", "x-request-id": "granian-big"},
                )
                assert big.status_code == 413
            except (httpx.ReadError, httpx.WriteError):
                # The 413 goes out by Content-Length before the body is read; the server then
                # closes, and a client still sending 2 MB may see the close first. The answer
                # was the refusal all the same: its access line says so.
                assert await _log_has(service, '"request_id": "granian-big"')
                lines = service.log_path.read_text(errors="replace").splitlines()
                assert any('"granian-big"' in x and '"status": 413' in x for x in lines)
        await asyncio.to_thread(_send_half_a_body_and_hang_up, service.port)
        assert await _log_has(service, "client closed the connection mid-request")
        async with httpx.AsyncClient(base_url=service.base_url) as http:
            assert (await http.get("/healthz")).status_code == 200
    finally:
        await service.stop()
    assert service.process is not None and service.process.returncode == 0  # a graceful stop
    log = service.log_path.read_text(errors="replace")
    assert "Traceback" not in log
    assert '"status": 500' not in log


async def test_an_unlisted_proxy_cannot_forge_its_address_under_granian(
    database_url, var_dir, tmp_path
):
    service = _granian(database_url, var_dir, tmp_path / "service.log")
    service.env.pop("FORWARDED_ALLOW_IPS", None)
    service.env["WECHAT_LOGIN_FREE_FAILURES"] = "3"
    await service.start()
    try:
        statuses = await _bad_wechat_logins(service, [f"203.0.113.{n}" for n in range(1, 6)])
    finally:
        await service.stop()
    assert statuses == [401, 401, 401, 429, 429]


async def test_every_granian_worker_writes_its_access_lines(database_url, var_dir, tmp_path):
    service = _granian(database_url, var_dir, tmp_path / "service.log")
    service.args += ["--workers", "2"]
    lines = await _served_lines(service, 40)
    assert {f"writer-{n:04d}" for n in range(40)} <= {line["request_id"] for line in lines}
