"""Raw SQL written once for PostgreSQL and SQLite: `{part}` fills a dialect's spelling, and
`:name` (values by name) or `?` (values in order) markers become its placeholders."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from tortoise import connections

from kernel.db import dialect

DIALECT_PARTS = {
    "postgres": {
        "random_id": "md5(random()::text || clock_timestamp()::text)",
        "json": "json_build_object",
        "json_cast": "::jsonb",
    },
    "sqlite": {"random_id": "lower(hex(randomblob(16)))", "json": "json_object", "json_cast": ""},
}
Params = Mapping[str, Any] | Sequence[Any]

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@lru_cache(maxsize=512)
def _compiled(template: str, kind: str, named: bool) -> tuple[str, tuple[str, ...]]:
    """The statement in the dialect, and the names of its values in order (named markers)."""
    sql = template.format(**DIALECT_PARTS[kind])
    if not named:
        if kind == "sqlite":
            return sql, ()
        numbers = iter(range(1, 100_000))
        return re.sub(r"\?", lambda _: f"${next(numbers)}", sql), ()
    order: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        name = match.group(1)
        if kind == "sqlite":
            order.append(name)
            return "?"
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    return _NAMED.sub(placeholder, sql), tuple(order)


def statement(template: str, params: Params) -> tuple[str, list[Any]]:
    """The statement and its values, as the database in use takes them."""
    if isinstance(params, Mapping):
        sql, names = _compiled(template, dialect(), True)
        return sql, [params[name] for name in names]
    sql, _ = _compiled(template, dialect(), False)
    return sql, list(params)


async def query_rows(template: str, params: Params) -> list[dict[str, Any]]:
    sql, values = statement(template, params)
    found: list[dict[str, Any]] = await connections.get("default").execute_query_dict(sql, values)
    return found


async def execute(template: str, params: Params) -> int:
    """Runs an INSERT, UPDATE or DELETE; returns the number of rows it touched."""
    sql, values = statement(template, params)
    client = connections.get("default")
    if dialect() == "postgres":
        # asyncpg's status is "INSERT 0 <rows>" or "UPDATE <rows>": the count is the last word.
        async with client.acquire_connection() as connection:
            status = await connection.execute(sql, *values)
        return int(str(status).rsplit(" ", 1)[-1])
    count, _rows = await client.execute_query(sql, values)
    return int(count)


async def script(sql: str) -> None:
    """Runs a statement without parameters (DDL) in the current transaction (unlike
    `execute_script`, which on SQLite commits first)."""
    await connections.get("default").execute_query(sql, [])


def db_time(moment: datetime) -> Any:
    """A timestamp parameter as the database compares it with stored ones: on SQLite, text in
    UTC (the stored moments' offset), so that text compares as time does."""
    return moment if dialect() == "postgres" else moment.astimezone(UTC).isoformat(sep=" ")
