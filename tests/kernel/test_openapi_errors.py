"""Every endpoint lists the problems a client must handle: each `Problem` its handler, or a
service function it calls, visibly raises or returns is declared in `errors=` and so appears
in the OpenAPI document with its code. The generic answers every endpoint may give are
documented by the document builder itself and need no declaration: 401 (no or bad token),
403 (a role the endpoint does not admit), 404 `not_found` (an id outside the caller's scope,
on every route taking one), 422 `validation_failed` (a body or query the models refuse) and
the body-reading errors (malformed JSON, wrong media type, too large, idempotency key
reused)."""

from __future__ import annotations

import ast
import builtins
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

from kernel.errors import (
    Forbidden,
    Invalid,
    MalformedJSON,
    NotFound,
    PayloadTooLarge,
    Problem,
    Unauthenticated,
    UnsupportedMediaType,
)
from kernel.http import IdempotencyKeyReused

GENERIC: set[type[Problem]] = {
    Unauthenticated,
    Forbidden,
    NotFound,
    Invalid,
    MalformedJSON,
    UnsupportedMediaType,
    PayloadTooLarge,
    IdempotencyKeyReused,
}
# Raised only when our own code builds a posting that does not balance: a bug, not something a
# client can cause or handle.
INTERNAL = {"unbalanced_transaction"}
OURS = ("app.", "kernel.", "accounts.", "activities.", "credits.")
NOT_OURS = ("oversight.", "console.")


def _resolve(node: ast.expr, names: dict[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return names.get(node.id, getattr(builtins, node.id, None))
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, names)
        if not (inspect.ismodule(base) or inspect.isclass(base)):
            return None
        return getattr(base, node.attr, None)
    return None


def _problem_class(node: ast.expr | None, names: dict[str, Any]) -> type[Problem] | None:
    if isinstance(node, ast.Call):
        node = node.func
    found = _resolve(node, names) if node is not None else None
    return found if isinstance(found, type) and issubclass(found, Problem) else None


def raised_by(func: Callable[..., Any], seen: set[Any] | None = None) -> set[type[Problem]]:
    """The problems `func` raises or returns, and those of the functions of ours it calls."""
    seen = set() if seen is None else seen
    func = inspect.unwrap(func)
    if func in seen or not inspect.isfunction(func):
        return set()
    seen.add(func)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return set()
    names = func.__globals__
    found: set[type[Problem]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise | ast.Return):
            problem = _problem_class(node.exc if isinstance(node, ast.Raise) else node.value, names)
            if problem is not None:
                found.add(problem)
        if isinstance(node, ast.Call):
            callee = _resolve(node.func, names)
            module = getattr(callee, "__module__", "") or ""
            if inspect.isfunction(callee) and module.startswith(OURS) and module != "kernel.http":
                found |= raised_by(callee, seen)
    return found


def _our_endpoints() -> list[Any]:
    from app.main import all_endpoints

    return [
        e
        for e in all_endpoints()
        if e.handler.__module__.startswith(OURS) and not e.handler.__module__.startswith(NOT_OURS)
    ]


def test_every_endpoint_declares_the_problems_its_service_can_answer() -> None:
    undeclared = {}
    for endpoint in _our_endpoints():
        declared = set(endpoint.errors)
        missing = {
            p.__name__
            for p in raised_by(endpoint.handler) - GENERIC
            if p.code not in INTERNAL
            if not any(
                issubclass(d, p) or (issubclass(p, d) and p.code == d.code) for d in declared
            )
        }
        if missing:
            undeclared[f"{endpoint.method} {endpoint.path}"] = sorted(missing)
    assert not undeclared, "\n".join(f"{k}: {v}" for k, v in undeclared.items())


async def test_the_document_lists_the_codes_a_client_must_handle(client) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]

    def codes(path: str, method: str) -> str:
        return " ".join(r["description"] for r in paths[path][method]["responses"].values())

    redeem = codes("/api/v1/rewards/{reward_id}/redemptions", "post")
    assert "insufficient_credits" in redeem and "out_of_stock" in redeem
    assert "login_failed" in codes("/api/v1/auth/login", "post")
    assert "id_number_in_use" in codes("/api/v1/me/real-name", "post")
    reward = paths["/api/v1/rewards/{reward_id}"]["get"]["responses"]
    assert "not_found" in reward["404"]["description"]
    assert (
        "validation_failed" in paths["/api/v1/rewards"]["post"]["responses"]["422"]["description"]
    )
