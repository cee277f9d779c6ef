"""The console reads the domains' tables through the domains' read functions: no console module
writes SQL naming a domain's table, runs SQL of its own but on the console's tables, or
branches on the database (a scan of console/, no database)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "console"
# The one module that reads and writes the console's own tables (the dashboards' rollup) in SQL.
OWN_TABLES = {"rollup.py"}
QUERY_FUNCTIONS = {"query_rows", "execute", "script", "statement"}
# A table a statement reads or writes: the name after FROM, JOIN, INTO or UPDATE.
TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+([A-Za-z_][A-Za-z0-9_]*)")


def _texts(tree: ast.AST) -> list[str]:
    """Every string written in the module, an f-string's literal parts joined."""
    found = []
    parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts:
            found.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            found.append(
                "{}".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
            )
    return found


def offences(console: Path) -> list[str]:
    """What in the package `console` reads a domain's tables itself."""
    found = []
    for path in sorted(console.rglob("*.py")):
        name = path.relative_to(console).as_posix()
        tree = ast.parse(path.read_text())
        for text in _texts(tree):
            for table in TABLE.findall(text):
                if not table.startswith("console_"):
                    found.append(f"{name}: SQL naming the table {table}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("kernel.sql", "kernel.db"):
                for alias in node.names:
                    if node.module == "kernel.db" and alias.name == "dialect":
                        found.append(f"{name}: branches on the database (dialect)")
                    if alias.name in QUERY_FUNCTIONS and name not in OWN_TABLES:
                        found.append(f"{name}: runs SQL (kernel.sql.{alias.name})")
            elif isinstance(node, ast.Import) and any(a.name == "kernel.sql" for a in node.names):
                found.append(f"{name}: imports kernel.sql")
            elif isinstance(node, ast.Attribute) and node.attr in (
                "raw",
                "execute_query",
                "execute_query_dict",
                "execute_script",
            ):
                found.append(f"{name}: runs SQL through the ORM's connection ({node.attr})")
    return found


def test_the_console_reads_domain_tables_only_through_the_domains():
    assert offences(CONSOLE) == []


def test_the_scan_finds_a_statement_on_a_domain_table(tmp_path):
    """The scan is not blind: SQL on a ledger table, a query function outside the rollup and
    a dialect branch are each found."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "rollup.py").write_text(
        "from kernel.sql import execute\n"
        "X = 'DELETE FROM console_dashboard_day WHERE district_id = ?'\n"
    )
    assert offences(tmp_path) == []
    (tmp_path / "pages" / "figures.py").write_text(
        "from kernel.db import dialect\n"
        "from kernel.sql import query_rows\n"
        "def q(day):\n"
        "    return f'SELECT {day} FROM ledger_entry e JOIN resident r ON r.id = e.owner_id'\n"
    )
    assert sorted(offences(tmp_path)) == [
        "pages/figures.py: SQL naming the table ledger_entry",
        "pages/figures.py: SQL naming the table resident",
        "pages/figures.py: branches on the database (dialect)",
        "pages/figures.py: runs SQL (kernel.sql.query_rows)",
    ]
