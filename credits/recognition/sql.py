"""Raw SQL for the set-based work of recognition, written once for PostgreSQL and SQLite:
`{part}` fills a dialect's spelling, `:name` markers become its placeholders."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from tortoise import connections

from app.core.db import dialect

DIALECT_PARTS = {
    "postgres": {
        "random_id": "md5(random()::text || clock_timestamp()::text)",
        "json": "json_build_object",
        "json_cast": "::jsonb",
    },
    "sqlite": {"random_id": "lower(hex(randomblob(16)))", "json": "json_object", "json_cast": ""},
}


def statement(template: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """Fills the dialect's parts and turns `:name` markers into its placeholders."""
    kind = dialect()
    sql = template.format(**DIALECT_PARTS[kind])
    values: list[Any] = []
    positions: dict[str, int] = {}

    def placeholder(match: re.Match[str]) -> str:
        name = match.group(1)
        if kind == "sqlite":
            values.append(params[name])
            return "?"
        if name not in positions:
            values.append(params[name])
            positions[name] = len(values)
        return f"${positions[name]}"

    return re.sub(r"(?<![:\w]):(\w+)", placeholder, sql), values


async def execute(template: str, params: dict[str, Any]) -> int:
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
    """A timestamp parameter as the database compares it with stored ones."""
    return moment if dialect() == "postgres" else moment.isoformat(sep=" ")
