"""The kernel (`kernel`) knows no domain: the shell registers their models, routes and jobs."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "kernel"
# The shell (`app`) sits above every domain; log names `app.*` are the service's, not modules.
DOMAINS = ("activities", "credits", "oversight", "accounts", "console")
SHELL = ("app.main", "app.domains", "app.cli", "app.demo", "app.__main__")


def _named_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)  # a module named in a string, as Tortoise takes them
    return names


def test_the_kernel_neither_imports_nor_names_a_domain_module():
    offending = {
        f"{path.name}: {name}"
        for path in sorted(CORE.rglob("*.py"))
        for name in _named_modules(path)
        if any(name == domain or name.startswith(domain + ".") for domain in DOMAINS + SHELL)
    }
    assert offending == set()
