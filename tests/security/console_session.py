"""A member of staff signed in to the console through its login form, over the app in
process (for tests of console answers that need no browser)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

PASSWORD = "staff-password-123"  # the world fixture's staff password


async def sign_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> None:
    """Signs `client` in through the console's login form and keeps the page's CSRF token as
    the header the console's forms and fetches send."""
    await client.get("/console/login")
    signed_in = await client.post(
        "/console/login",
        data={"csrf": client.cookies["console_pre"], "username": username, "password": password},
    )
    assert signed_in.status_code == 303, signed_in.text
    home = await client.get("/console/", follow_redirects=True)
    found = re.search(r'name="csrf" value="([^"]+)"', home.text)
    assert found is not None
    client.headers["X-CSRF-Token"] = found.group(1)


@asynccontextmanager
async def console_client(
    app: Any, username: str, password: str = PASSWORD
) -> AsyncIterator[httpx.AsyncClient]:
    """A console session over the app in process."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50002))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await sign_in(client, username, password)
        yield client


@asynccontextmanager
async def live_console_client(base_url: str, username: str) -> AsyncIterator[httpx.AsyncClient]:
    """A console session over a running service (a unit's staff and evaluators included)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        await sign_in(client, username)
        yield client
