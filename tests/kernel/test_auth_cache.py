"""The caches of verified tokens and principals never let through what the database refuses:
an expired token, a disabled account, a revoked login, a narrowed scope."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest

from tests.conftest import BACKEND

postgres_only = pytest.mark.skipif(
    BACKEND != "postgres", reason="principals are cached only where PostgreSQL pushes changes"
)


async def _me(actor):
    return (await actor.client.get("/api/v1/me")).status_code


async def test_a_cached_token_is_refused_once_it_has_expired(world):
    import jwt

    from kernel.keys import get_keyring
    from kernel.settings import get_settings

    settings, key = get_settings(), get_keyring().current
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": f"resident:{world.resident.id}",
        "role": "resident",
        "iat": now,
        "exp": now + 2,
        "jti": "short-lived",
    }
    token = jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid})
    headers = {"Authorization": f"Bearer {token}"}
    assert (await world.resident.client.get("/api/v1/me", headers=headers)).status_code == 200
    await asyncio.sleep(now + 2.05 - time.time())  # until the token's last second is over

    response = await world.resident.client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


async def test_a_disabled_account_is_refused_at_once(world):
    from accounts.models import Staff

    assert await _me(world.worker) == 200
    staff = await Staff.get(id=world.worker.id)
    staff.disabled_at = datetime.now(UTC)
    await staff.save()

    assert await _me(world.worker) == 401


async def test_every_login_of_an_account_ends_at_once_when_its_sessions_are_revoked(world):
    from kernel.auth import issue_access_token, issue_refresh_token, revoke_sessions_of
    from kernel.db import transaction

    subject = f"staff:{world.worker.id}"
    async with transaction():
        _, family = await issue_refresh_token(subject)
    token, _ = issue_access_token(subject, "worker", session=family)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await world.worker.client.get("/api/v1/me", headers=headers)).status_code == 200

    async with transaction():
        await revoke_sessions_of(subject)

    assert (await world.worker.client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_a_worker_removed_from_a_community_no_longer_sees_it(world):
    from accounts.models import StaffCommunity

    path = "/api/v1/activities?community=d1/c1"
    assert (await world.worker.client.get(path)).status_code == 200
    for link in await StaffCommunity.filter(staff_id=world.worker.id):
        await link.delete()

    refused = await world.worker.client.get(path)
    assert refused.status_code == 422
    assert refused.json()["code"] == "unknown_community"


async def _notified(since: int) -> None:
    """Waits (a bounded number of loop turns) until the cache has heard from the database."""
    from kernel import authcache

    for _ in range(1000):
        if authcache.generation() != since:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the database's notice never reached the cache")


@postgres_only
async def test_an_account_disabled_by_another_process_is_refused_once_the_database_says_so(
    world, settings
):
    import asyncpg

    from kernel import authcache
    from kernel.db import listen_url

    assert await _me(world.worker) == 200
    assert authcache.principals_enabled()
    before = authcache.generation()
    other_worker = await asyncpg.connect(listen_url(settings))
    try:
        await other_worker.execute(
            "UPDATE staff SET disabled_at = now() WHERE id = $1", world.worker.id
        )
    finally:
        await other_worker.close()
    await _notified(before)

    assert await _me(world.worker) == 401


@postgres_only
async def test_a_login_revoked_by_another_process_ends_its_access_tokens(world, settings):
    import asyncpg

    from kernel import authcache
    from kernel.auth import issue_access_token, issue_refresh_token
    from kernel.db import listen_url, transaction

    subject = f"staff:{world.worker.id}"
    async with transaction():
        _, family = await issue_refresh_token(subject)
    token, _ = issue_access_token(subject, "worker", session=family)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await world.worker.client.get("/api/v1/me", headers=headers)).status_code == 200
    before = authcache.generation()
    other_worker = await asyncpg.connect(listen_url(settings))
    try:
        await other_worker.execute(
            "UPDATE refresh_token SET revoked_at = now() WHERE family = $1", family
        )
    finally:
        await other_worker.close()
    await _notified(before)

    assert (await world.worker.client.get("/api/v1/me", headers=headers)).status_code == 401
