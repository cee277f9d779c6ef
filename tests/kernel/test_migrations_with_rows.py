"""A district's database is upgraded with its rows in it, not created empty.

A migration that adds a NOT NULL column without a database default, or backfills with SQL
that only works on an empty table, passes every test that starts from an empty database and
then stops a district's upgrade halfway. Here the database is brought up one migration at a
time, and before each one every table that exists holds at least one row: a row made up from
the table's own columns and foreign keys, so nothing here has to know the models."""

from __future__ import annotations

import itertools
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise

from tests.conftest import BACKEND
from tests.conftest import test_settings as settings_for

MIGRATIONS = sorted(
    path.stem
    for path in (Path(__file__).parents[2] / "migrations").glob("[0-9][0-9][0-9][0-9]_*.py")
)
# Columns that name a row of another table without a foreign key: the filler makes the row
# they name, as the service would have.
REFERS_TO = {
    ("oversight_inspection_result", "inspection_id"): ("oversight_inspection", "id"),
}
_numbers = itertools.count(1)


class Database:
    """The few questions the filler asks, in each database's own catalogue."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith("postgres")

    def connect(self) -> Any:
        if self.postgres:
            import psycopg

            return psycopg.connect(
                self.url.replace("postgres://", "postgresql://"), autocommit=True
            )
        connection = sqlite3.connect(self.url.removeprefix("sqlite://"))
        connection.isolation_level = None
        return connection

    def tables(self, db: Any) -> list[str]:
        if self.postgres:
            query = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        else:
            query = (
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        return sorted(
            row[0] for row in db.execute(query).fetchall() if row[0] != "tortoise_migrations"
        )

    def columns(self, db: Any, table: str) -> list[tuple[str, str, bool]]:
        """(name, type, needs a value): NOT NULL, without a default, not generated."""
        if self.postgres:
            rows = db.execute(
                "SELECT column_name, data_type, is_nullable = 'NO' AND column_default IS NULL "
                "AND is_identity = 'NO' FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                (table,),
            ).fetchall()
            return [(name, kind.lower(), bool(needed)) for name, kind, needed in rows]
        found = []
        for _, name, kind, not_null, default, pk in db.execute(f'PRAGMA table_info("{table}")'):
            generated = pk and kind.upper() == "INTEGER"
            found.append((name, kind.lower(), bool(not_null and default is None and not generated)))
        return found

    def foreign_keys(self, db: Any, table: str) -> dict[str, tuple[str, str]]:
        if self.postgres:
            rows = db.execute(
                "SELECT k.column_name, c.table_name, c.column_name "
                "FROM information_schema.table_constraints t "
                "JOIN information_schema.key_column_usage k USING (constraint_name, table_schema) "
                "JOIN information_schema.constraint_column_usage c "
                "USING (constraint_name, table_schema) "
                "WHERE t.constraint_type = 'FOREIGN KEY' AND t.table_name = %s",
                (table,),
            ).fetchall()
        else:
            rows = [(r[3], r[2], r[4]) for r in db.execute(f'PRAGMA foreign_key_list("{table}")')]
        found = {column: (other, other_column) for column, other, other_column in rows}
        for (owner, column), target in REFERS_TO.items():
            if owner == table:
                found[column] = target
        return found

    def one_value(self, db: Any, table: str, column: str) -> Any:
        row = db.execute(f'SELECT "{column}" FROM "{table}" LIMIT 1').fetchone()
        return None if row is None else row[0]

    def insert(self, db: Any, table: str, values: dict[str, Any]) -> None:
        names = ", ".join(f'"{name}"' for name in values)
        mark = "%s" if self.postgres else "?"
        places = ", ".join(mark for _ in values)
        db.execute(f'INSERT INTO "{table}" ({names}) VALUES ({places})', tuple(values.values()))


def made_up(kind: str) -> Any:
    """A value of a column's type; numbered, so a unique column takes it too."""
    number = next(_numbers)
    if kind.startswith("bool"):
        return False
    if "int" in kind or kind in {"numeric", "real", "double precision", "decimal"}:
        return number
    if kind.startswith("timestamp") or kind == "datetime":
        return datetime.now(UTC).isoformat()
    if kind == "date":
        return "2026-01-01"
    if kind.startswith("time"):
        return "12:00:00"
    if kind.startswith("json"):
        return "{}"
    if kind == "uuid":
        return f"00000000-0000-0000-0000-{number:012d}"
    if kind in {"bytea", "blob"}:
        return b"x"
    return f"r{number}"


def fill(database: Database, db: Any, table: str, seen: tuple[str, ...] = ()) -> None:
    """Gives `table` a row unless it has one, making the rows its references name first."""
    if not _is_empty(database, db, table):
        return
    references = database.foreign_keys(db, table)
    values: dict[str, Any] = {}
    for name, kind, needed in database.columns(db, table):
        if name in references:
            other, other_column = references[name]
            if other != table and other not in seen:
                fill(database, db, other, (*seen, table))
                values[name] = database.one_value(db, other, other_column)
            continue
        if needed:
            values[name] = made_up(kind)
    database.insert(db, table, {name: value for name, value in values.items() if value is not None})


def _first_column(database: Database, db: Any, table: str) -> str:
    return database.columns(db, table)[0][0]


async def _migrate(url: str, var_dir: Path, before_each: Any) -> None:
    from tortoise.migrations.api import migrate

    from app.domains import tortoise_config
    from kernel.settings import configure

    settings = settings_for(url, var_dir)
    configure(settings)
    try:
        await migrate(config=tortoise_config(settings), progress=before_each)
    finally:
        await Tortoise.close_connections()


@pytest.fixture
def empty_database(cluster: Any, tmp_path: Path) -> Iterator[str]:
    if BACKEND != "postgres":
        yield f"sqlite://{tmp_path / 'upgraded.sqlite3'}"
        return
    name = f"civility_upgrade_{os.getpid()}"
    cluster.create_database(name)
    yield cluster.url(name)
    cluster.drop_database(name)


async def test_every_migration_applies_to_a_database_whose_tables_hold_rows(
    empty_database: str, var_dir: Path
) -> None:
    database = Database(empty_database)
    filled: set[str] = set()
    applied: list[str] = []

    def before_each(event: str, app: str, name: str) -> None:
        # Called as each migration starts, outside its transaction: the rows are there before.
        if event != "apply_start":
            return
        applied.append(name)
        with closing(database.connect()) as db:
            for table in database.tables(db):
                fill(database, db, table)
                filled.add(table)

    try:
        await _migrate(empty_database, var_dir, before_each)
    except Exception as error:  # the database's own message says what it refused
        pytest.fail(f"{applied[-1]} fails on a database with rows: {error}")
    assert applied == MIGRATIONS
    with closing(database.connect()) as db:
        tables = set(database.tables(db))
        emptied = {table for table in filled & tables if _is_empty(database, db, table)}
        # A result recorded before 0023 is seen in its inspection's district.
        unmatched = db.execute(
            "SELECT COUNT(*) FROM oversight_inspection_result r JOIN oversight_inspection i "
            "ON i.id = r.inspection_id WHERE r.district_id <> i.district_id"
        ).fetchone()[0]
        answered = [
            db.execute(f"SELECT {column} FROM {table}").fetchone()[0]
            for table, column in [("activity", "walk_ins"), ("green_card", "basis")]
        ]
    assert unmatched == 0
    # An activity from before walk-ins takes only the enrolled; a card from before the rule
    # was granted by decision.
    assert [bool(answered[0]), answered[1]] == [False, "decision"]
    # 0030 ends every console session on purpose (their shape changed): the one table a
    # migration may empty.
    assert emptied <= {"console_session"}
    assert {"activity", "oversight_inspection_result", "honour_roll", "green_card"} <= filled


def _is_empty(database: Database, db: Any, table: str) -> bool:
    return database.one_value(db, table, _first_column(database, db, table)) is None


@pytest.mark.skipif(BACKEND != "postgres", reason="SQLite cannot change a column's default")
async def test_a_database_migrated_before_the_defaults_gets_them(
    empty_database: str, var_dir: Path
) -> None:
    """A PostgreSQL database that applied 0016, 0017 and 0037 to empty tables, before they
    carried a database default, has one after 0039 like a database created today."""
    from tortoise.migrations.api import migrate

    from app.domains import tortoise_config
    from kernel.settings import configure

    database = Database(empty_database)
    columns = [("honour_roll", "status"), ("activity", "walk_ins"), ("green_card", "basis")]
    settings = settings_for(empty_database, var_dir)
    configure(settings)
    try:
        await migrate(config=tortoise_config(settings), target="models.0038_partner_contact")
    finally:
        await Tortoise.close_connections()
    with closing(database.connect()) as db:
        for table, column in columns:
            db.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" DROP DEFAULT')
    await _migrate(empty_database, var_dir, None)
    with closing(database.connect()) as db:
        defaults = [
            db.execute(
                "SELECT column_default FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = %s",
                (table, column),
            ).fetchone()[0]
            for table, column in columns
        ]
    assert [str(default).split("::")[0] for default in defaults] == [
        "'draft'",
        "false",
        "'decision'",
    ]
