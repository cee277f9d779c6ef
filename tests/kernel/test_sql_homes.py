"""Raw SQL has its homes: only the kernel talks to the database driver and knows the dialect
(`kernel/sql.py`), bar the two statements written in two forms side by side; slots are the
kernel's `{slot}`s, not markers a module replaces."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The packages above the kernel (the console's own reading rules: test_reads_through_domains).
PACKAGES = ("app", "accounts", "activities", "credits", "oversight", "console")
# The driver's and Tortoise's raw entry points; `kernel.sql` wraps them.
DRIVER_CALLS = frozenset(
    {
        "execute_query",
        "execute_query_dict",
        "execute_script",
        "execute_insert",
        "execute_many",
        "acquire_connection",
    }
)
DRIVER_MODULES = ("asyncpg", "aiosqlite", "sqlite3", "psycopg", "psycopg2")
# Where a module may ask which database it runs on, outside the kernel: the one module that
# owns a statement's two forms, side by side (docs/architecture.md, "Raw SQL").
DIALECT_HOMES = frozenset(
    {
        "credits/ledger.py",  # posting: one PostgreSQL statement, or step by step on SQLite
        "activities/queries.py",  # a seat and an enrolment: one statement, or two on SQLite
    }
)


def _modules() -> list[tuple[str, ast.AST]]:
    return [
        (path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), str(path)))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    ]


def _driver_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in DRIVER_CALLS:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {alias.name}"
                for alias in node.names
                if alias.name.split(".")[0] in DRIVER_MODULES
            ]
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            names = {alias.name for alias in node.names}
            if top in DRIVER_MODULES or (node.module == "tortoise" and "connections" in names):
                found.append(f"line {node.lineno}: from {node.module} import {sorted(names)}")
    return found


def _dialect_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "dialect" for a in node.names):
            found.append(f"line {node.lineno}: imports dialect")
        elif isinstance(node, ast.Attribute) and node.attr in ("dialect", "capabilities"):
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


def _replaced_markers(tree: ast.AST) -> list[str]:
    """`.replace("/*…*/", …)`: a second templating style beside the kernel's `{slot}`s."""
    return [
        f"line {node.lineno}: .replace({node.args[0].value!r}, …)"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "replace"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and node.args[0].value.startswith("/*")
    ]


def test_only_the_kernel_calls_the_database_driver():
    offending = {path: uses for path, tree in _modules() if (uses := _driver_uses(tree))}
    assert offending == {}


def test_only_the_kernel_and_a_statements_two_forms_ask_the_dialect():
    offending = {
        path: uses
        for path, tree in _modules()
        if path not in DIALECT_HOMES and (uses := _dialect_uses(tree))
    }
    assert offending == {}


def test_the_dialect_homes_still_need_it():
    """A home that no longer asks the dialect leaves the list, so it cannot shelter a new one."""
    asking = {path for path, tree in _modules() if _dialect_uses(tree)}
    assert asking == DIALECT_HOMES


def test_statements_take_their_parts_through_the_kernels_slots():
    offending = {path: uses for path, tree in _modules() if (uses := _replaced_markers(tree))}
    assert offending == {}


def test_the_checks_see_what_they_refuse():
    """Each check finds the thing it refuses in a module written that way."""
    tree = ast.parse(
        "from tortoise import connections\n"
        "from kernel.db import dialect\n"
        "rows = connections.get('default').execute_query_dict('SELECT 1')\n"
        "sql = METRICS.replace('/*residents*/', '')\n"
    )
    assert len(_driver_uses(tree)) == 2
    assert _dialect_uses(tree) == ["line 2: imports dialect"]
    assert _replaced_markers(tree) == ["line 4: .replace('/*residents*/', …)"]
