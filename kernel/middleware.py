"""Pure ASGI middleware: a request id and one JSON log line per request; a body size limit;
security headers on every response."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kernel.errors import PayloadTooLarge, ProblemResponse
from kernel.i18n import N_
from kernel.ids import new_id

access_log = logging.getLogger("app.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLog:
    """Logs method, route template (never the query string), status and latency."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else new_id()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            access_log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "route": getattr(route, "path", None) or "(unmatched)",
                    "status": status,
                    "latency_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )


class BodyLimit:
    """Refuses bodies over the limit with 413, by Content-Length or while streaming."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        max_upload_bytes: int,
        upload_paths: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/")
        # Only the endpoints declared as file uploads take files (`upload_paths`); there a
        # multipart body carries its own envelope, so it is allowed a little room past the
        # file. Everywhere else a body labelled multipart gets the ordinary limit.
        upload = multipart and scope["path"] in self.upload_paths
        limit = self.max_upload_bytes + 64 * 1024 if upload else self.max_bytes
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise PayloadTooLarge(N_("The body is larger than {limit} bytes."), limit=limit)
            return message

        await self.app(scope, counting_receive, send)


def _too_large(limit: int) -> Any:
    problem = PayloadTooLarge(N_("The body is larger than {limit} bytes."), limit=limit)
    return ProblemResponse(problem.body(), status_code=413)


# Every response: no MIME sniffing, no referrer leaving the site, never framed.
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
)
DEFAULT_CSP = b"frame-ancestors 'none'"
# The console's pages: only its own scripts, styles and API; QR codes arrive as blob: URLs.
CONSOLE_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    b"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    b"frame-ancestors 'none'"
)


class SecurityHeaders:
    """Adds the security headers to every HTTP response, the strict CSP under `/console/`.
    A header the endpoint set itself is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        console = scope["path"] == "/console" or scope["path"].startswith("/console/")
        csp = CONSOLE_CSP if console else DEFAULT_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in (*SECURITY_HEADERS, (b"content-security-policy", csp)):
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
