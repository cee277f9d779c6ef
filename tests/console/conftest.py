"""The console in a real browser: one seeded database, one live service and one headless
Chromium (Debian's) for the whole package; each test gets a fresh browser context (no
cookies) and makes its own activities, so tests do not depend on each other."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise import Tortoise

from tests.conftest import BACKEND, test_settings

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
PASSWORD = "staff-password-123"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# (username, role, district, communities)
STAFF = [
    ("d1-admin", "district_admin", "d1", []),
    ("d2-admin", "district_admin", "d2", []),
    ("c1-worker", "worker", "d1", ["c1"]),
    ("c2-worker", "worker", "d1", ["c2"]),
    ("c3-worker", "worker", "d2", ["c3"]),
    ("locked-worker", "worker", "d1", ["c1"]),
]
# (openid, nickname, district, community)
RESIDENTS = [
    ("o-wang", "小王", "d1", "c1"),
    ("o-li", "李阿姨", "d1", "c1"),
    ("o-chen", "陈师傅", "d1", "c1"),
    ("o-zhao", "赵大爷", "d1", "c2"),
    ("o-qian", "钱同学", "d2", "c3"),
]


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError(
            "Browser tests need Chromium: apt-get install chromium (CI's .ci/run installs it)."
        )
    return found


@pytest.fixture(scope="package")
def console_database(cluster: Any, template_database: str, tmp_path_factory: Any) -> str:
    if cluster is None:
        path = tmp_path_factory.mktemp("console") / "console.sqlite3"
        shutil.copyfile(template_database, path)
        return f"sqlite://{path}"
    name = f"civility_console_{os.getpid()}"
    cluster.create_database(name, template=template_database)
    return str(cluster.url(name))


async def _seed(url: str, var_dir: Path) -> dict[str, str]:
    from accounts.models import Community, District, Resident
    from accounts.schemas import DistrictRulesPatch, StaffCreate
    from accounts.service import change_rules, create_community, create_district
    from accounts.staff import create_staff, set_platform_admin
    from app.domains import tortoise_config
    from kernel.auth import Principal
    from kernel.db import transaction
    from kernel.settings import configure

    settings = configure(test_settings(url, var_dir))
    await Tortoise.init(config=tortoise_config(settings))
    ids: dict[str, str] = {}
    try:
        system = Principal(kind="staff", id="test", role="platform_admin")
        async with transaction():
            await set_platform_admin("root", "root-password-123")
            d1 = await create_district(code="d1", name="一区", by=system)
            d2 = await create_district(code="d2", name="二区", by=system)
            await create_community(d1, code="c1", name="一社区")
            await create_community(d1, code="c2", name="二社区")
            await create_community(d2, code="c3", name="三社区")
            await change_rules(
                d1,
                DistrictRulesPatch(
                    moral_bank_enabled=True,
                    backfill_earns_credits=True,
                    effective_from=datetime(2020, 1, 1, tzinfo=UTC),
                ),
                by=system,
                seeding=True,
            )
            for username, role, district, communities in STAFF:
                data = StaffCreate(
                    username=username,
                    password=PASSWORD,
                    role=role,
                    district=district,
                    communities=communities,
                    display_name=username,
                )
                ids[username] = (await create_staff(data, by=system)).id
            for openid, nickname, district, community in RESIDENTS:
                place = await Community.get(district__code=district, code=community)
                found = await District.get(code=district)
                resident = await Resident.create(
                    openid=openid, nickname=nickname, district=found, community=place
                )
                ids[openid] = resident.id
    finally:
        await Tortoise.close_connections()
    return ids


@dataclass
class Live:
    """The running service, its seeded ids, and API clients signed in as people of it."""

    base: str
    ids: dict[str, str]
    tokens: dict[str, tuple[float, str]] = field(default_factory=dict)

    async def token(self, who: str) -> str:
        """An access token for a member of staff (username) or a resident (openid); they
        live 60 s on this service, so a fresh one after 40 s."""
        if who not in self.tokens or time.monotonic() - self.tokens[who][0] > 40:
            async with httpx.AsyncClient(base_url=self.base) as client:
                if who.startswith("o-"):
                    answer = await client.post("/api/v1/auth/wechat", json={"code": f"dev-{who}"})
                else:
                    answer = await client.post(
                        "/api/v1/auth/login", json={"username": who, "password": PASSWORD}
                    )
                assert answer.status_code == 200, answer.text
                self.tokens[who] = (time.monotonic(), answer.json()["access_token"])
        return self.tokens[who][1]

    async def call(self, who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {await self.token(who)}"}
        async with httpx.AsyncClient(base_url=self.base, headers=headers, timeout=30) as client:
            return await client.request(method, path, **kwargs)


@contextlib.asynccontextmanager
async def serve(database: str, var_dir: Path, **settings: str) -> AsyncIterator[str]:
    """The service on `database` in a process of its own, until the block ends; yields its
    base URL. `settings` are environment variables on top of the tests' own."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "VAR_DIR": str(var_dir),
        "APP_ENV": "test",
        "SCHEDULER_ENABLED": "false",
        # The shortest access-token lifetime the service allows: the check-in screen must
        # keep rotating past it.
        "ACCESS_TOKEN_SECONDS": "60",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        **settings,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app",
        "serve",
        "--port",
        str(port),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            deadline = time.monotonic() + 180  # a busy machine starts slowly
            while True:
                if process.returncode is not None:
                    raise RuntimeError("the service exited at start")
                try:
                    if (await client.get(f"{base}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the service did not start")
                await asyncio.sleep(0.2)
        yield base
    finally:
        process.terminate()
        await process.wait()


@pytest.fixture(scope="package")
async def live(console_database: str, var_dir: Path) -> AsyncIterator[Live]:
    ids = await _seed(console_database, var_dir)
    async with serve(console_database, var_dir) as base:
        yield Live(base, ids)


ShortLived = Callable[..., Awaitable[Live]]


@pytest.fixture
async def short_lived(
    live: Live, console_database: str, var_dir: Path
) -> AsyncIterator[ShortLived]:
    """Starts, for one test, another service on the same database with the console's limits
    set short: `await short_lived(idle=4, session=3600)` (seconds)."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(*, idle: float, session: float = 3600) -> Live:
            base = await stack.enter_async_context(
                serve(
                    console_database,
                    var_dir,
                    CONSOLE_IDLE_MINUTES=str(idle / 60),
                    CONSOLE_SESSION_HOURS=str(session / 3600),
                )
            )
            return Live(base, live.ids)

        yield start


@pytest.fixture(scope="package")
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def context(browser: Any, live: Live) -> AsyncIterator[Any]:
    context = await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    yield context
    await context.close()


@pytest.fixture
async def page(context: Any) -> AsyncIterator[Any]:
    page = await context.new_page()
    page.set_default_timeout(15_000)
    yield page


async def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    await page.goto("/console/login")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(password)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/console/")


async def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{BACKEND}-{name}.png"), full_page=True)
