"""The hot reads cost one statement each: the database itself is asked what it was sent
(asyncpg's query logger on every pooled connection, SQLite's trace callback), so a lookup added
to the summary, the activity list or the honour roll — or a transaction around them — fails
here. The caller's principal is loaded with one more statement where it is not cached (SQLite,
a development database, never caches it; PostgreSQL does, after the first request)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from tests.activities.conftest import enrol, publish
from tests.conftest import BACKEND
from tests.recognition.test_honour_rolls import publish_this_month, take_rolls


@contextlib.asynccontextmanager
async def statements(app: Any) -> AsyncIterator[list[str]]:
    """Every statement the database receives meanwhile, as the driver sent it."""
    from tortoise import connections

    from kernel.settings import get_settings

    seen: list[str] = []
    client = connections.get("default")
    if BACKEND == "sqlite":
        async with client.acquire_connection() as connection:
            await connection.set_trace_callback(seen.append)
        try:
            yield seen
        finally:
            async with client.acquire_connection() as connection:
                await connection.set_trace_callback(None)
        return

    def log(record: Any) -> None:
        seen.append(record.query)

    async def every_connection(change: str) -> None:
        # Held all at once, the pool hands out each of its connections.
        async with contextlib.AsyncExitStack() as stack:
            for _ in range(get_settings().database_pool_size):
                connection = await stack.enter_async_context(client.acquire_connection())
                getattr(connection, change)(log)

    await every_connection("add_query_logger")
    try:
        yield seen
    finally:
        await every_connection("remove_query_logger")


async def _sent(app: Any, actor: Any, path: str) -> list[str]:
    """The statements of one request (after a first one, so what is cached is cached)."""
    from kernel import authcache

    # The count holds for a request no invalidation crossed: a notice from the world's own
    # writes (PostgreSQL's LISTEN, heard late on a busy machine) empties the cache meanwhile.
    for _attempt in range(5):
        heard = authcache.generation()
        assert (await actor.client.get(path)).status_code == 200  # what is cached is cached
        async with statements(app) as seen:
            response = await actor.client.get(path)
        if authcache.generation() == heard:
            break
    assert response.status_code == 200, response.text
    assert authcache.generation() == heard, "invalidations kept arriving"
    principal = 0 if authcache.principals_enabled() else 1
    assert len(seen) == 1 + principal, seen
    return seen


async def test_a_resident_s_summary_is_answered_with_one_statement(app, world):
    await _sent(app, world.resident, "/api/v1/me/summary")


async def test_the_activity_list_is_answered_with_one_statement(app, world):
    first = await publish(world)
    await publish(world, title="第二个活动")
    await enrol(world.resident, first["id"])

    await _sent(app, world.resident, "/api/v1/activities")
    await _sent(app, world.worker, "/api/v1/activities")


async def test_the_honour_roll_is_answered_with_one_statement(app, world):
    await take_rolls(world)
    await publish_this_month(world)

    await _sent(app, world.resident, "/api/v1/districts/d1/honour-roll")


async def test_a_principal_not_cached_is_loaded_with_one_statement(app, world):
    from kernel import authcache

    assert (await world.worker.client.get("/api/v1/me/summary")).status_code == 403
    authcache.forget("all")
    async with statements(app) as seen:
        response = await world.worker.client.get("/api/v1/me/summary")
    assert response.status_code == 403  # refused by role: the principal was all it read
    assert len(seen) == 1, seen
