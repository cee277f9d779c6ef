"""Raw SQL written once for PostgreSQL and SQLite, in one templating style: a `{slot}` is
filled by the kernel, with a dialect's spelling (`DIALECT_PARTS`) or with a `Fragment` the caller
passes by that name (a scope's condition, an optional filter: text and its own named values);
`:name` (values by name) or `?` (values in order) markers become the driver's placeholders."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from tortoise import connections

from kernel.db import dialect

DIALECT_PARTS = {
    "postgres": {
        "random_id": "md5(random()::text || clock_timestamp()::text)",
        "json": "json_build_object",
        "json_cast": "::jsonb",
        # A table of a JSON array's items as text, column `value`: `FROM {json_items}(x) j`.
        "json_items": "jsonb_array_elements_text",
        # Takes the transaction's advisory lock named by the statement's `:lock` value, as a
        # column (`{advisory_lock} AS locked`), so a statement that reads first takes it too.
        "advisory_lock": "pg_advisory_xact_lock(hashtext(:lock))",
        # Locks the rows a (sub-)SELECT reads until the transaction ends.
        "for_update": "FOR UPDATE",
    },
    "sqlite": {
        "random_id": "lower(hex(randomblob(16)))",
        "json": "json_object",
        "json_cast": "",
        "json_items": "json_each",
        # SQLite serialises writing transactions already: no lock to take.
        "advisory_lock": "NULL",
        # SQLite serialises writing transactions: no row to lock.
        "for_update": "",
    },
}
Params = Mapping[str, Any] | Sequence[Any]

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@dataclass(frozen=True)
class Fragment:
    """A piece of a statement filled into its `{slot}` of the same name: SQL text with `:name`
    markers and the values they name (which must not clash with the statement's own)."""

    text: str
    values: Mapping[str, Any] = field(default_factory=dict)


Part = Fragment | str


@dataclass
class Rider:
    """A write that goes with another statement: on PostgreSQL a data-modifying CTE of it,
    written only when its `{posted}` condition holds; on SQLite a statement of its own right
    after it (`{posted}` true). `text` is an `INSERT … SELECT … WHERE {posted}` or an
    `UPDATE … WHERE … AND {posted}` with `:name` markers of `values`; whoever writes it sets
    `written`, so its owner knows whether it still has to."""

    text: str
    values: Mapping[str, Any]
    written: bool = False

    async def write(self) -> None:
        """Writes it in a statement of its own."""
        await query_rows(self.text, self.values, posted="1 = 1")
        self.written = True


@lru_cache(maxsize=512)
def _compiled(
    template: str, kind: str, named: bool, parts: tuple[tuple[str, str], ...] = ()
) -> tuple[str, tuple[str, ...]]:
    """The statement in the dialect with its slots filled, and the names of its values in
    order (named markers)."""
    dialect_parts = DIALECT_PARTS[kind]
    clashing = [name for name, _ in parts if name in dialect_parts]
    if clashing:
        raise ValueError(f"slots named like a dialect part: {clashing}")
    sql = template.format(**dialect_parts, **dict(parts))
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


def statement(template: str, params: Params, **parts: Part) -> tuple[str, list[Any]]:
    """The statement and its values, as the database in use takes them; `parts` fill the
    template's slots of their names."""
    if not parts:
        if isinstance(params, Mapping):
            sql, names = _compiled(template, dialect(), True)
            return sql, [params[name] for name in names]
        sql, _ = _compiled(template, dialect(), False)
        return sql, list(params)
    fragments = {name: Fragment(p) if isinstance(p, str) else p for name, p in parts.items()}
    texts = tuple(sorted((name, f.text) for name, f in fragments.items()))
    if not isinstance(params, Mapping):
        if any(f.values for f in fragments.values()):
            raise TypeError("a fragment with named values needs a statement with named values")
        sql, _ = _compiled(template, dialect(), False, texts)
        return sql, list(params)
    values = dict(params)
    for fragment in fragments.values():
        clashing = values.keys() & fragment.values.keys()
        if clashing:
            raise ValueError(f"values named twice in one statement: {sorted(clashing)}")
        values.update(fragment.values)
    sql, names = _compiled(template, dialect(), True, texts)
    return sql, [values[name] for name in names]


async def query_rows(template: str, params: Params, **parts: Part) -> list[dict[str, Any]]:
    sql, values = statement(template, params, **parts)
    found: list[dict[str, Any]] = await connections.get("default").execute_query_dict(sql, values)
    return found


class _Keep(dict[str, str]):
    """Slots left for `statement` to fill (`str.format_map`)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def chained(
    steps: Sequence[Rider], after: str, name: str = "s"
) -> tuple[list[str], dict[str, Any]]:
    """PostgreSQL: `steps` as data-modifying CTEs `<name>0`, `<name>1`, … of one statement,
    the first written if `after` (a condition) holds, each next one if the one before wrote a
    row (it reads it, so it runs after it); and their values."""
    ctes: list[str] = []
    values: dict[str, Any] = {}
    for i, step in enumerate(steps):
        before = after if i == 0 else f"EXISTS (SELECT 1 FROM {name}{i - 1})"
        ctes.append(f"{name}{i} AS ({step.text.format_map(_Keep(posted=before))} RETURNING 1)")
        clashing = values.keys() & step.values.keys()
        if clashing:
            raise ValueError(f"values named twice in one statement: {sorted(clashing)}")
        values.update(step.values)
    return ctes, values


async def chain(steps: Sequence[Rider]) -> list[bool]:
    """Writes `steps` in order, each only if the one before wrote a row (its `{posted}`), and
    answers which wrote. PostgreSQL: one statement (`chained`); SQLite: one per step."""
    if not steps:
        return []
    if dialect() != "postgres":
        wrote: list[bool] = []
        for step in steps:
            if wrote and not wrote[-1]:
                wrote.append(False)
                continue
            rows = await query_rows(step.text + " RETURNING 1", step.values, posted="1 = 1")
            step.written = bool(rows)
            wrote.append(step.written)
        return wrote
    ctes, values = chained(steps, "TRUE")
    counts = ", ".join(f"(SELECT COUNT(*) FROM s{i}) AS s{i}" for i in range(len(steps)))
    found = (await query_rows(f"WITH {', '.join(ctes)} SELECT {counts}", values))[0]
    for i, step in enumerate(steps):
        step.written = bool(found[f"s{i}"])
    return [step.written for step in steps]


async def execute(template: str, params: Params, **parts: Part) -> int:
    """Runs an INSERT, UPDATE or DELETE; returns the number of rows it touched."""
    sql, values = statement(template, params, **parts)
    client = connections.get("default")
    if dialect() == "postgres":
        # asyncpg's status is "INSERT 0 <rows>" or "UPDATE <rows>": the count is the last word.
        async with client.acquire_connection() as connection:
            status = await connection.execute(sql, *values)
        return int(str(status).rsplit(" ", 1)[-1])
    count, _rows = await client.execute_query(sql, values)
    return int(count)


async def set_local(setting: str, value: str) -> None:
    """A PostgreSQL setting (`work_mem`, `jit`) for the rest of the transaction; SQLite has
    none, and runs the statement that follows as it would anyway."""
    if dialect() == "postgres":
        await script(f"SET LOCAL {setting} = {value}")


async def analyze(table: str) -> None:
    """Fresh statistics for a table just filled, so PostgreSQL plans the statements that read
    it next by its size (SQLite: nothing; its planner reads no statistics it was not asked to
    keep)."""
    if dialect() == "postgres":
        await script(f"ANALYZE {table}")


async def script(sql: str) -> None:
    """Runs a statement without parameters (DDL) in the current transaction (unlike
    `execute_script`, which on SQLite commits first)."""
    await connections.get("default").execute_query(sql, [])


def db_date(day: date) -> Any:
    """A date parameter as the database compares it with stored ones: ISO text on SQLite."""
    return day if dialect() == "postgres" else day.isoformat()


def db_decimal(value: Decimal) -> Any:
    """A decimal parameter as the database stores it: text on SQLite (no precision lost)."""
    return value if dialect() == "postgres" else str(value)


def db_time(moment: datetime) -> Any:
    """A timestamp parameter as the database compares it with stored ones: on SQLite, text in
    UTC (the stored moments' offset), so that text compares as time does."""
    return moment if dialect() == "postgres" else moment.astimezone(UTC).isoformat(sep=" ")


def moment(field: Any, value: Any) -> Any:
    """A stored moment read back as the model's `field` reads it. PostgreSQL returns an aware
    datetime already (in UTC, which the field's conversion would only relabel), so only
    SQLite's text goes through the field."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    return field.to_python_value(value)
