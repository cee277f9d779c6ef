"""Builds the Starlette application from every domain's routes; the lifespan starts the
database and the scheduler."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from tortoise.contrib.starlette import RegisterTortoise

import kernel.jobs
import kernel.outbox  # noqa: F401
from accounts.models import Resident
from accounts.routes import APIS as ACCOUNTS_APIS
from app.domains import APIS, tortoise_config
from console.routes import routes as console_routes
from console.web import http_error_page, wants_page
from h5.routes import routes as h5_routes
from kernel import authcache, db
from kernel.errors import EXCEPTION_HANDLERS, handle_http_exception
from kernel.http import Api, Endpoint, routes_of
from kernel.jobs_routes import api as jobs_api
from kernel.keys import get_keyring
from kernel.logs import ensure_logging, flush_logging, quiet_noisy_loggers
from kernel.middleware import Application
from kernel.openapi import build_document
from kernel.outbox import use_sender
from kernel.routing import IndexedRouter
from kernel.scheduler import build_scheduler
from kernel.settings import Settings, configure, get_settings
from kernel.uploads import IMAGE_TYPES
from kernel.wechat_messages import SubscribeMessageSender

log = logging.getLogger("app")
VERSION = "1.0.0"


async def _resident_openid(resident_id: str) -> str | None:
    resident = await Resident.get_or_none(id=resident_id)
    return resident.openid if resident else None


use_sender(SubscribeMessageSender(openid_of=_resident_openid))


def all_apis() -> list[Api]:
    return [*ACCOUNTS_APIS, jobs_api, *APIS]


def all_endpoints() -> list[Endpoint]:
    return [e for api in all_apis() for e in api.endpoints]


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    try:
        await db.ping()
    except Exception:
        log.warning("readiness check: the database does not answer")
        return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "up"})


async def jwks(request: Request) -> Response:
    return JSONResponse(get_keyring().jwks(), headers={"Cache-Control": "public, max-age=300"})


def create_app_behind_proxies() -> Any:
    """The app as granian serves it behind the proxies of `FORWARDED_ALLOW_IPS`: the client's
    address from `X-Forwarded-For` only when the connection comes from one of them (uvicorn
    does this itself, `proxy_headers`)."""
    from granian.utils.proxies import wrap_asgi_with_proxy_headers

    application = create_app()
    return wrap_asgi_with_proxy_headers(application, get_settings().forwarded_allow_ips)


def create_app(settings: Settings | None = None) -> Starlette:
    ensure_logging()  # a worker process of `serve` starts without its log writer
    settings = configure(settings or get_settings())
    get_keyring()  # fail at start, not at the first login, when keys are wrong
    quiet_noisy_loggers()
    endpoints = all_endpoints()
    document = build_document(endpoints, title="Civility platform API", version=VERSION)

    async def http_error(request: Request, exc: Exception) -> Response:
        """A page for a browser outside the API; problem+json for everyone else."""
        assert isinstance(exc, HTTPException)
        if wants_page(request) and exc.status_code in (404, 405):
            return http_error_page(request, exc.status_code)
        return await handle_http_exception(request, exc)

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    @contextlib.asynccontextmanager
    async def lifespan(application: Starlette) -> AsyncIterator[dict[str, Any]]:
        async with (
            RegisterTortoise(application, config=tortoise_config(settings)),
            authcache.listen(
                None if settings.is_sqlite else db.listen_url(settings),
                settings.principal_cache_seconds,
            ),
        ):
            scheduler = build_scheduler() if settings.scheduler_enabled else None
            if scheduler is not None:
                scheduler.start()
            try:
                yield {}
            finally:
                if scheduler is not None:
                    scheduler.shutdown(wait=False)
                flush_logging()  # the last access lines, before a forked worker's exit

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/.well-known/jwks.json", jwks, methods=["GET"]),
        Mount("/console", routes=console_routes),
        Mount("/h5", routes=h5_routes),
    ]
    routes.extend(routes_of(all_apis()))
    application = Application(
        lifespan=lifespan,
        exception_handlers={**EXCEPTION_HANDLERS, HTTPException: http_error},
        edge={
            "max_bytes": settings.max_body_bytes,
            "max_upload_bytes": settings.max_upload_bytes,
            # Images take the upload allowance (a phone photo outgrows any JSON body); a
            # table import keeps the ordinary limit (docs/security.md, 12).
            "upload_paths": frozenset(e.path for e in endpoints if e.upload == IMAGE_TYPES),
        },
    )
    # Tries only the routes that can match a path, in order (`kernel.routing`).
    application.router = IndexedRouter(routes=routes, lifespan=lifespan)
    return application
