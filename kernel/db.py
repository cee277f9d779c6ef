"""The database: Tortoise configuration (one app, one migration history) and transactions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
from tortoise import connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.transactions import in_transaction

from kernel.settings import Settings

# The kernel's own models; the shell (`app.domains`) adds the domains' modules.
KERNEL_MODELS = ("kernel.models", "kernel.wechat_messages")

transaction = in_transaction


def _with_pool(url: str, pool_size: int) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("minsize", "1")
    query.setdefault("maxsize", str(pool_size))
    return urlunsplit(parts._replace(query=urlencode(query)))


class SessionlessConnection(asyncpg.Connection):  # type: ignore[misc]
    """Skips the pool's reset query on release (`RESET ALL; UNLISTEN *; CLOSE ALL;
    pg_advisory_unlock_all()`), a round trip per request. The service keeps no session state:
    advisory locks are transaction-scoped and nothing LISTENs or SETs a session setting.
    A transaction left open is still rolled back by asyncpg before the connection is reused."""

    def get_reset_query(self) -> str:
        return ""


def connection_url(settings: Settings) -> str:
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    if url.startswith(("postgres://", "asyncpg://")):
        return _with_pool(url, settings.database_pool_size)
    if url.startswith("sqlite://") and not url.startswith("sqlite://:memory:"):
        path = url.removeprefix("sqlite://").split("?", 1)[0]
        if path:
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
    return url


def listen_url(settings: Settings) -> str:
    """The database URL for a plain asyncpg connection (no pool options)."""
    parts = urlsplit(connection_url(settings))
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("minsize", "maxsize")]
    return urlunsplit(parts._replace(scheme="postgresql", query=urlencode(query)))


def connection_config(settings: Settings) -> str | dict[str, Any]:
    url = connection_url(settings)
    if settings.is_sqlite:
        return url
    config = expand_db_url(url)
    config["credentials"]["connection_class"] = SessionlessConnection
    return config


def tortoise_config(settings: Settings, model_modules: Sequence[str]) -> dict[str, Any]:
    """One Tortoise app of the kernel's models and `model_modules`, so that one migration
    history covers them all."""
    return {
        "connections": {"default": connection_config(settings)},
        "apps": {
            "models": {
                "models": [*KERNEL_MODELS, *model_modules],
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def dialect() -> str:
    """`postgres` or `sqlite`: for the few statements that must be written per database."""
    return str(connections.get("default").capabilities.dialect)


async def ping() -> None:
    await connections.get("default").execute_query("SELECT 1")


async def advisory_lock(name: str) -> None:
    """Holds the lock `name` until the transaction ends, so racing requests on one thing take
    turns. SQLite serialises writing transactions already."""
    if dialect() == "postgres":
        await connections.get("default").execute_query(
            "SELECT pg_advisory_xact_lock(hashtext($1))", [name]
        )
