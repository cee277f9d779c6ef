"""Serves the console: one page that signs staff in and calls the same JSON API."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


routes: list[BaseRoute] = [
    Route("/", index, methods=["GET"], name="console_index"),
    Mount("/static", StaticFiles(directory=STATIC), name="console_static"),
]
