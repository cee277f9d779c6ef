"""The reference stacks of bench/http.py, beside the service on the same database.

- `/select`, `/insert` (the *bare* reference): Starlette and a raw asyncpg pool, one query per
  request, no authentication, no ORM, no middleware.
- `/same/{path}` (the *same-work* reference): what the service must do for a read and nothing
  else: check the bearer token (its Ed25519 signature with PyJWT, issuer, audience, expiry; a
  token seen before is looked up by its hash as the service's `authcache` does), know the
  caller's district (one lookup per resident, then remembered, as the service's principal
  cache), run the very statement the service sends for that read (rendered by `kernel.sql` from
  the service's own templates and scope conditions) and write its rows as JSON in one pass.
  No middleware, no router beyond Starlette's, no ORM, no transaction. The distance from the
  service is the framework's share (the HTTP edge, routing, the endpoint machinery, the
  response schemas, the access log).

    DATABASE_URL=postgres://… SIGNING_KEYS='["<pem>"]' uvicorn bench.reference_app:app"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import asyncpg
import jwt
import pydantic_core
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

pool: asyncpg.Pool | None = None


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global pool
    size = int(os.environ.get("DATABASE_POOL_SIZE", "10"))
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=size)
    try:
        yield
    finally:
        await pool.close()


async def select(request: Request) -> JSONResponse:
    assert pool is not None
    row = await pool.fetchrow(
        "SELECT id, nickname, district_id FROM resident WHERE id = $1",
        request.query_params.get("id", ""),
    )
    return JSONResponse(dict(row) if row else {})


async def insert(request: Request) -> JSONResponse:
    assert pool is not None
    body = await request.json()
    await pool.execute(
        "INSERT INTO bench_reference (resident_id, payload) VALUES ($1, $2)",
        body.get("resident", ""),
        request.headers.get("idempotency-key", ""),
    )
    return JSONResponse({"ok": True}, status_code=201)


# --- the same-work reference ------------------------------------------------------------------

_public_keys: dict[str, Any] = {}
_claims: dict[bytes, dict[str, Any]] = {}
_districts: dict[str, str | None] = {}


def _keys() -> dict[str, Any]:
    if not _public_keys:
        from kernel.keys import SigningKey

        for pem in json.loads(os.environ["SIGNING_KEYS"]):
            key = SigningKey.from_pem(pem)
            _public_keys[key.kid] = key.public
    return _public_keys


def _verified(request: Request) -> dict[str, Any] | None:
    """The token's claims, its signature checked once (then remembered by its hash)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    key = hashlib.sha256(token.encode()).digest()
    claims = _claims.get(key)
    if claims is None:
        try:
            header = jwt.get_unverified_header(token)
            public = _keys().get(str(header.get("kid")))
            if public is None:
                return None
            claims = jwt.decode(
                token, public, algorithms=["EdDSA"], audience="civility-api",
                issuer="civility-platform", options={"require": ["exp", "iat", "sub", "jti"]},
            )  # fmt: skip
        except jwt.PyJWTError:
            return None
        _claims[key] = claims
    return claims if claims["exp"] > time.time() else None


async def _principal(claims: Mapping[str, Any]) -> Any:
    from kernel.auth import Principal

    assert pool is not None
    kind, _, subject_id = str(claims["sub"]).partition(":")
    if subject_id not in _districts:
        _districts[subject_id] = await pool.fetchval(
            "SELECT district_id FROM resident WHERE id = $1", subject_id
        )
    district = _districts[subject_id]
    return Principal(kind=kind, id=subject_id, role=claims["role"], district_id=district)  # type: ignore[arg-type]


def _statement(path: str, who: Any, request: Request) -> tuple[str, list[Any]]:
    """The statement the service sends for this read, with its values, for PostgreSQL."""
    from kernel.sql import Fragment, _compiled

    params: dict[str, Any]
    parts: dict[str, Fragment]
    if path == "summary":
        from credits.recognition.queries import SUMMARY
        from credits.totals import OF_RESIDENT

        template, params = SUMMARY, {"resident": who.id}
        parts = {"residents": Fragment(OF_RESIDENT)}
    elif path == "activities":
        from activities.listing import _statement as listing
        from activities.scope import readable_activities

        template = listing(who, ["{readable}"], "\nORDER BY a.id DESC LIMIT :limit")
        params = {"resident": who.id, "limit": 21}
        parts = {"readable": readable_activities(who).sql("a")}
    else:  # honour
        from accounts.scope import readable_districts
        from credits.recognition.queries import HONOUR_ROLL
        from credits.recognition.scope import readable_honour_rolls

        template = HONOUR_ROLL
        params = {"code": request.path_params.get("code", ""), "period": None}
        parts = {
            "rolls": readable_honour_rolls(who).sql("h"),
            "in_period": Fragment(""),
            "districts": readable_districts(who).sql("d"),
        }
    for fragment in parts.values():
        params.update(fragment.values)
    texts = tuple(sorted((name, f.text) for name, f in parts.items()))
    sql, names = _compiled(template, "postgres", True, texts)
    return sql, [params[name] for name in names]


async def same(request: Request) -> Response:
    assert pool is not None
    claims = _verified(request)
    if claims is None:
        return JSONResponse({"status": 401}, status_code=401)
    who = await _principal(claims)
    sql, values = _statement(request.path_params.get("path", "honour"), who, request)
    rows = await pool.fetch(sql, *values)
    body = pydantic_core.to_json({"items": [dict(row) for row in rows]})
    return Response(body, media_type="application/json")


app = Starlette(
    routes=[
        Route("/select", select),
        Route("/insert", insert, methods=["POST"]),
        Route("/same/honour/{code}", same, methods=["GET"]),
        Route("/same/{path:str}", same, methods=["GET"]),
    ],
    lifespan=lifespan,
)
