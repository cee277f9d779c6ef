"""Per-process caches of the request's authentication: verified access tokens and principals.

*Verified tokens*, keyed by the SHA-256 of the token: a token's signature and claims never
change, so it is verified once; every hit checks its expiry again. Nothing is revoked here:
revocation is judged by the principal step.

*Principals*, keyed by (subject, login session), for `principal_cache_seconds`: a cached
principal stands for "this login is not revoked and this account exists, is enabled and has
this role and scope". Entries are forgotten
- in this process, at once, when `revoke_session`/`revoke_sessions_of` run and when a Staff,
  StaffCommunity or Resident is saved or deleted through the ORM;
- in every process, when PostgreSQL says so: triggers on `refresh_token`, `staff`,
  `staff_community` and `resident` (migration `*_perf_auth_invalidation`) `NOTIFY` on commit,
  whatever wrote the change, and each worker `LISTEN`s on its own connection (`listen`).
Principals are cached only while that listener is connected (on SQLite, a development
database, never). A load that overlaps an invalidation is not cached (the `generation` check),
so a principal read before a revocation committed cannot outlive it.

Both caches are bounded (least recently used entries go first)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kernel.auth import Principal

log = logging.getLogger("app.auth")
CHANNEL = "auth_changed"
MAX_TOKENS = 10_000  # about 1.5 KB each: 15 MB at most per worker
MAX_PRINCIPALS = 10_000

_tokens: OrderedDict[bytes, dict[str, Any]] = OrderedDict()
_principals: OrderedDict[tuple[str, str | None], tuple[Principal, float]] = OrderedDict()
_generation = 0
_listening = False
_ttl = 0.0


def token_key(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def cached_claims(key: bytes) -> dict[str, Any] | None:
    """The claims of a token verified before, unless it has expired since."""
    claims = _tokens.get(key)
    if claims is None:
        return None
    if claims["exp"] <= time.time():
        _tokens.pop(key, None)
        return None
    _tokens.move_to_end(key)
    return claims


def remember_claims(key: bytes, claims: dict[str, Any]) -> None:
    _tokens[key] = claims
    if len(_tokens) > MAX_TOKENS:
        _tokens.popitem(last=False)


def principals_enabled() -> bool:
    return _listening and _ttl > 0


async def cached_principal(
    subject: str, session: str | None, load: Callable[[], Awaitable[Principal | None]]
) -> Principal | None:
    """The principal from the cache, else `load()`ed (and cached when it may be)."""
    if not principals_enabled():
        return await load()
    key = (subject, session)
    found = _principals.get(key)
    now = time.monotonic()
    if found is not None and found[1] > now:
        _principals.move_to_end(key)
        return found[0]
    generation = _generation
    principal = await load()
    if principal is not None and generation == _generation and principals_enabled():
        _principals[key] = (principal, now + _ttl)
        if len(_principals) > MAX_PRINCIPALS:
            _principals.popitem(last=False)
    return principal


def forget(message: str) -> None:
    """`subject:<kind>:<id>`, `session:<family>` or `all`: drops what it names."""
    global _generation
    _generation += 1
    kind, _, value = message.partition(":")
    if kind == "subject":
        for key in [k for k in _principals if k[0] == value]:
            del _principals[key]
    elif kind == "session":
        for key in [k for k in _principals if k[1] == value]:
            del _principals[key]
    else:
        _principals.clear()


def clear() -> None:
    global _generation
    _generation += 1
    _tokens.clear()
    _principals.clear()


@contextlib.asynccontextmanager
async def listen(dsn: str | None, ttl: float) -> AsyncIterator[None]:
    """Keeps a LISTEN connection while the app runs (PostgreSQL); principals are cached only
    while it is up. Reconnects when it drops, forgetting everything meanwhile."""
    global _ttl
    clear()
    _ttl = ttl
    if dsn is None or ttl <= 0:
        yield
        return
    task = asyncio.create_task(_listen_forever(dsn))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        _stop_listening()
        clear()


def _stop_listening() -> None:
    global _listening
    _listening = False
    forget("all")


async def _listen_forever(dsn: str) -> None:
    import asyncpg

    global _listening
    while True:
        lost = asyncio.Event()
        connection = None
        try:
            connection = await asyncpg.connect(dsn)
            connection.add_termination_listener(lambda _, lost=lost: lost.set())
            await connection.add_listener(CHANNEL, lambda *args: forget(str(args[3])))
            forget("all")  # anything could have changed while nobody listened
            _listening = True
            await lost.wait()
            log.warning("the auth cache's LISTEN connection dropped; reconnecting")
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("the auth cache cannot LISTEN; principals are not cached meanwhile")
        finally:
            _stop_listening()
            if connection is not None and not connection.is_closed():
                with contextlib.suppress(Exception):
                    await connection.close(timeout=2)
        await asyncio.sleep(1)


def generation() -> int:
    """Counts the invalidations heard so far (tests wait on it for the database's notice)."""
    return _generation
