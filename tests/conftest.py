"""Fixtures: a fresh, migrated database per test (SQLite, or PostgreSQL when TEST_DB=postgres),
the app with its lifespan, and a small world of people in one line."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise import Tortoise

from kernel.settings import Settings, configure

BACKEND = os.environ.get("TEST_DB", "sqlite")
_numbers = itertools.count()


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backend: {BACKEND}"


@pytest.fixture(scope="session", autouse=True)
def log_audit() -> Iterator[Any]:
    """Every record of the run at the service's level (INFO), checked for secrets; a leak
    fails the run at its end, naming the test that logged it."""
    import logging

    from tests.log_audit import LogAudit

    audit = LogAudit()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(audit)
    root.setLevel(logging.INFO)
    yield audit
    root.removeHandler(audit)
    root.setLevel(previous)
    assert not audit.leaks, "secrets reached the log:\n" + "\n".join(audit.leaks[:20])


@pytest.fixture(autouse=True)
def _name_the_test_in_the_log_audit(log_audit: Any, request: pytest.FixtureRequest) -> None:
    log_audit.current_test = request.node.nodeid


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


def test_settings(database_url: str, var_dir: Path, **overrides: Any) -> Settings:
    return Settings(
        app_env="test",
        database_url=database_url,
        var_dir=var_dir,
        scheduler_enabled=False,
        database_pool_size=20,
        **overrides,
    )


async def _migrate(url: str, var_dir: Path) -> None:
    from tortoise.migrations.api import migrate

    from app.domains import tortoise_config

    configure(test_settings(url, var_dir))
    try:
        await migrate(config=tortoise_config(test_settings(url, var_dir)))
    finally:
        await Tortoise.close_connections()


@pytest.fixture(scope="session")
def cluster() -> Iterator[Any]:
    if BACKEND != "postgres":
        yield None
        return
    from tests.postgres import start_cluster

    running = start_cluster()
    yield running
    running.stop()


@pytest.fixture(scope="session")
async def template_database(
    cluster: Any, var_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """Migrations are applied once; each test gets a copy of the result."""
    if cluster is None:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        await _migrate(f"sqlite://{path}", var_dir)
        return str(path)
    name = f"civility_template_{os.getpid()}"
    cluster.create_database(name)
    await _migrate(cluster.url(name), var_dir)
    return name


@pytest.fixture
def database_url(cluster: Any, template_database: str, tmp_path: Path) -> Iterator[str]:
    if cluster is None:
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template_database, path)
        yield f"sqlite://{path}"
        return
    name = f"civility_test_{os.getpid()}_{next(_numbers)}"
    cluster.create_database(name, template=template_database)
    yield cluster.url(name)
    cluster.drop_database(name)


@pytest.fixture
def settings(database_url: str, var_dir: Path) -> Settings:
    return test_settings(database_url, var_dir)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Any]:
    from app.main import create_app

    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anonymous:
        yield anonymous


@dataclass
class Actor:
    """Someone of the world, with a client that is signed in as them."""

    id: str
    role: str
    client: httpx.AsyncClient
    token: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    """Two districts; in `d1` two communities, an admin, a worker of `c1`, a resident of `c1`.
    `other_*` live in district `d2`, for scoping tests."""

    app: Any
    admin: Actor
    district_admin: Actor
    worker: Actor
    resident: Actor
    other_worker: Actor
    other_resident: Actor
    district_id: str
    community_id: str
    community2_id: str
    other_district_id: str

    async def actor(self, kind: str, subject_id: str, role: str) -> Actor:
        return await make_actor(self.app, kind, subject_id, role)

    async def new_resident(self, openid: str, community: str = "d1/c1") -> Actor:
        from accounts.models import Community, Resident

        district_code, community_code = community.split("/")
        found = await Community.get(district__code=district_code, code=community_code)
        resident = await Resident.create(
            openid=openid, nickname=openid, district_id=found.district_id, community_id=found.id
        )
        return await make_actor(self.app, "resident", resident.id, "resident")


async def set_rules_since(district_code: str, since: datetime, **rules: Any) -> None:
    """Gives a district rules from a time in the past, as a district's history (the API
    refuses to date a change into the past)."""
    from accounts.models import District
    from accounts.schemas import DistrictRulesPatch
    from accounts.service import change_rules
    from kernel.auth import Principal
    from kernel.db import transaction

    async with transaction():
        district = await District.get(code=district_code)
        await change_rules(
            district,
            DistrictRulesPatch.model_validate({**rules, "effective_from": since}),
            by=Principal(kind="staff", id="test", role="platform_admin"),
            seeding=True,
        )


async def make_actor(app: Any, kind: str, subject_id: str, role: str) -> Actor:
    from kernel.auth import issue_access_token

    token, _ = issue_access_token(f"{kind}:{subject_id}", role)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app, client=("203.0.113.8", 50001))
    signed_in = httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}"},
    )
    return Actor(subject_id, role, signed_in, token)


@pytest.fixture
async def world(app: Any) -> AsyncIterator[World]:
    from accounts.models import Resident
    from accounts.schemas import StaffCreate
    from accounts.service import create_community, create_district
    from accounts.staff import create_staff, set_platform_admin
    from kernel.auth import Principal
    from kernel.db import transaction

    system = Principal(kind="staff", id="test", role="platform_admin")
    async with transaction():
        admin = await set_platform_admin("root", "root-password-123")
        d1 = await create_district(code="d1", name="一区", by=system)
        c1 = await create_community(d1, code="c1", name="一社区")
        c2 = await create_community(d1, code="c2", name="二社区")
        d2 = await create_district(code="d2", name="二区", by=system)
        c3 = await create_community(d2, code="c3", name="三社区")

        async def staff(username: str, role: str, district: str, communities: list[str]) -> str:
            data = StaffCreate(
                username=username,
                password="staff-password-123",
                role=role,
                district=district,
                communities=communities,
            )
            return (await create_staff(data, by=system)).id

        district_admin = await staff("d1-admin", "district_admin", "d1", [])
        worker = await staff("c1-worker", "worker", "d1", ["c1"])
        other_worker = await staff("c3-worker", "worker", "d2", ["c3"])
        resident = await Resident.create(
            openid="o-resident", nickname="居民甲", district=d1, community=c1
        )
        other = await Resident.create(
            openid="o-other", nickname="居民乙", district=d2, community=c3
        )
    actors = [
        await make_actor(app, "staff", admin.id, "platform_admin"),
        await make_actor(app, "staff", district_admin, "district_admin"),
        await make_actor(app, "staff", worker, "worker"),
        await make_actor(app, "resident", resident.id, "resident"),
        await make_actor(app, "staff", other_worker, "worker"),
        await make_actor(app, "resident", other.id, "resident"),
    ]
    yield World(
        app,
        admin=actors[0],
        district_admin=actors[1],
        worker=actors[2],
        resident=actors[3],
        other_worker=actors[4],
        other_resident=actors[5],
        district_id=d1.id,
        community_id=c1.id,
        community2_id=c2.id,
        other_district_id=d2.id,
    )
    for actor in actors:
        await actor.client.aclose()


@pytest.fixture
def fake_wechat() -> Iterator[Any]:
    from tests.fake_wechat import serve_fake_wechat

    yield from serve_fake_wechat()


@pytest.fixture
async def wechat_app(database_url: str, var_dir: Path, fake_wechat: Any) -> AsyncIterator[Any]:
    """The app configured with WeChat credentials, talking to the fake WeChat server."""
    from app.main import create_app

    settings = test_settings(
        database_url,
        var_dir,
        wechat_appid="wx-test-app",
        wechat_secret="wx-test-secret",
        wechat_api_base=fake_wechat.base_url,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application
