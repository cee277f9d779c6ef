"""A member of staff signed in to the console through its login form, over the app in
process (for tests of console answers that need no browser)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

PASSWORD = "staff-password-123"  # the world fixture's staff password


@asynccontextmanager
async def console_client(app: Any, username: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50002))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await client.get("/console/login")
        signed_in = await client.post(
            "/console/login",
            data={
                "csrf": client.cookies["console_pre"],
                "username": username,
                "password": PASSWORD,
            },
        )
        assert signed_in.status_code == 303, signed_in.text
        home = await client.get("/console/")
        found = re.search(r'name="csrf" value="([^"]+)"', home.text)
        assert found is not None
        client.headers["X-CSRF-Token"] = found.group(1)
        yield client
