"""Finding 7 of issue 19: an export is checked before its first byte (a far period is a 422,
not a 200 broken off mid-body) and logged after its last (the log lists only exports that
reached their end; one abandoned on the way is a warning on the audit log)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kernel.models import ExportLog
from tests.security.console_session import console_client

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]


async def test_an_export_of_a_far_period_is_refused_before_anything_streams(world):
    async with console_client(world.app, "d1-admin") as console:
        for kind, fmt in (("ledger", "xlsx"), ("deeds", "csv")):
            answer = await console.get(
                f"/console/exports/{kind}",
                params={"format": fmt, "from": "0001-01-01", "to": "9999-12-31"},
            )
            assert answer.status_code == 422
            assert answer.headers["content-type"].startswith("text/html")
            assert "日期须在 2000-01-01 至 2100-12-31 之间" in answer.text
    assert await ExportLog.all().count() == 0


async def _deeds(world: Any) -> dict[str, str]:
    when = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    for n in range(2):
        made = await world.resident.client.post(
            "/api/v1/deeds",
            json={"action": "neighbourly-harmony", "description": f"事{n}", "occurred_at": when},
        )
        assert made.status_code == 201, made.text
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return {"from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()}


async def _download(
    world: Any,
    cookies: str,
    query: str,
    send: Send,
    *,
    spec_version: str = "2.3",
    receive: Receive | None = None,
) -> None:
    """The export through the app as a server runs it: uvicorn speaks ASGI 2.3 (a client
    gone is an `http.disconnect` message); under 2.4 the server's `send` raises OSError."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": spec_version},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/console/exports/deeds",
        "raw_path": b"/console/exports/deeds",
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", cookies.encode())],
        "client": ("203.0.113.9", 50003),
        "server": ("testserver", 80),
    }
    requested = False

    async def connected() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays until the response ends
        raise AssertionError("unreachable")

    await world.app(scope, receive or connected, send)


async def _signed_in_cookies(world: Any) -> str:
    async with console_client(world.app, "d1-admin") as console:
        return "; ".join(f"{name}={value}" for name, value in console.cookies.items())


async def test_a_complete_export_is_logged_only_after_its_last_byte(world):
    period = await _deeds(world)
    cookies = await _signed_in_cookies(world)
    logged_while_streaming: list[int] = []
    body = bytearray()

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            assert message["status"] == 200
        elif message.get("more_body"):
            body.extend(message["body"])
            logged_while_streaming.append(await ExportLog.all().count())

    query = f"format=csv&from={period['from']}&to={period['to']}"
    await _download(world, cookies, query, send)
    assert len(logged_while_streaming) >= 2  # the header, then the rows
    assert set(logged_while_streaming) == {0}
    assert body.decode("utf-8-sig").count("\n") == 3  # the header and two deeds
    log = await ExportLog.get(kind="deeds")
    assert (log.format, log.date_from.isoformat()) == ("csv", period["from"])


@pytest.mark.parametrize("spec_version", ["2.3", "2.4"])
async def test_an_export_the_client_abandons_is_not_logged_but_audited(world, caplog, spec_version):
    period = await _deeds(world)
    cookies = await _signed_in_cookies(world)
    first_chunk_sent = asyncio.Event()
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await first_chunk_sent.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] != "http.response.body":
            return
        if first_chunk_sent.is_set() and spec_version == "2.4":
            raise OSError("the client has gone")
        first_chunk_sent.set()
        await asyncio.sleep(0.05)  # the disconnect arrives before the next chunk

    query = f"format=csv&from={period['from']}&to={period['to']}"
    with caplog.at_level(logging.INFO):
        await _download(world, cookies, query, send, spec_version=spec_version, receive=receive)
    assert await ExportLog.all().count() == 0
    abandoned = [r for r in caplog.records if r.getMessage() == "export abandoned before its end"]
    assert len(abandoned) == 1
    assert (abandoned[0].kind, abandoned[0].name) == ("deeds", "app.audit")
    assert abandoned[0].bytes_sent > 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
