"""The bare reference stack of bench/http.py: Starlette and a raw asyncpg pool, one query per
request, no authentication, no ORM, no middleware.

    DATABASE_URL=postgres://… uvicorn bench.reference_app:app"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
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


app = Starlette(
    routes=[Route("/select", select), Route("/insert", insert, methods=["POST"])], lifespan=lifespan
)
