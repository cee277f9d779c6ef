"""The HTTP edge, one pure ASGI layer (`RequestEdge`) doing what every request needs before
and after its endpoint: a request id (echoed as `X-Request-Id`), the request's language from
`Accept-Language`, a body size limit, the security headers on every response, and one JSON
access log line (method, route template, status, latency; never the query string).

One layer, not one middleware per concern: each layer is another coroutine frame, another
`send` wrapper and another pass over the headers on every request; here the headers are read
once and the response's start message is amended once. The layer also answers the exceptions
an endpoint raises, by the application's handlers (`kernel.errors.EXCEPTION_HANDLERS`), in
place of Starlette's two error layers (`Application`): between the HTTP server and the router
there is this one layer and nothing else."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kernel.errors import PayloadTooLarge, ProblemResponse
from kernel.i18n import N_, negotiate, use_locale
from kernel.ids import new_id
from kernel.logs import access

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

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
# What the edge adds to a response, by where it is.
_API_HEADERS = (*SECURITY_HEADERS, (b"content-security-policy", DEFAULT_CSP))
_CONSOLE_HEADERS = (*SECURITY_HEADERS, (b"content-security-policy", CONSOLE_CSP))


Handler = Callable[[Request, Exception], Awaitable[Response]]


class RequestEdge:
    """Request id, language, body limit, security headers and the access log, in one layer.

    - `X-Request-Id`: the client's when it is 8–64 safe characters, else a new one; on the
      response and in the log line.
    - The language (`kernel.i18n`) for the request, from `Accept-Language`.
    - A body over the limit is refused with 413: by `Content-Length` before the endpoint
      runs, or while it streams. Only the endpoints declared as file uploads
      (`upload_paths`) take the upload limit, for a multipart body, with a little room for
      its envelope; everywhere else (a body labelled multipart included) the ordinary one.
    - The security headers on every response, the strict CSP under `/console/`; a header the
      endpoint set itself is kept.
    - An exception the endpoint raises is answered by the first of `handlers` (by exception
      class, as Starlette looks them up) matching it; any other by the `Exception` handler
      (500), and then raised on, as Starlette's `ServerErrorMiddleware` does. Routes
      answered by Starlette's own wrapper (the console's pages) find the same handlers in the
      scope, as under Starlette's `ExceptionMiddleware`.
    - The access line is written when the response is over (or the request failed: 500)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        max_upload_bytes: int,
        upload_paths: frozenset[str] = frozenset(),
        handlers: Mapping[Any, Handler] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes
        self.upload_paths = upload_paths
        by_class: dict[Any, Handler] = dict(handlers or {})
        self.unexpected: Handler | None = by_class.pop(Exception, None) or by_class.pop(500, None)
        self.handlers = by_class
        # What Starlette's per-route wrapper reads: the handlers by class, none by status.
        self.in_scope: tuple[dict[Any, Handler], dict[int, Handler]] = (by_class, {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = language = content_type = length = b""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value
            elif name == b"accept-language":
                language = value
            elif name == b"content-type":
                content_type = value
            elif name == b"content-length":
                length = value
        request_id = incoming.decode("latin-1")
        if not _REQUEST_ID.match(request_id):
            request_id = new_id()
        scope.setdefault("state", {})["request_id"] = request_id
        path = scope["path"]
        console = path == "/console" or path.startswith("/console/")
        added = _CONSOLE_HEADERS if console else _API_HEADERS
        id_header = (b"x-request-id", request_id.encode())
        scope["starlette.exception_handlers"] = self.in_scope
        status = 500
        answered = False  # the response's start is sent

        async def edge_send(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status, answered = message["status"], True
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in added if h[0] not in present)
                headers.append(id_header)
                message["headers"] = headers
            await send(message)

        try:
            with use_locale(negotiate(language.decode("latin-1"))):
                upload = content_type.startswith(b"multipart/") and path in self.upload_paths
                limit = self.max_upload_bytes + 64 * 1024 if upload else self.max_bytes
                if length and length.isdigit() and int(length) > limit:
                    await _too_large(limit)(scope, receive, edge_send)
                    return
                seen = 0

                async def counting_receive() -> Message:
                    nonlocal seen
                    message = await receive()
                    if message["type"] == "http.request":
                        seen += len(message.get("body", b""))
                        if seen > limit:
                            raise PayloadTooLarge(
                                N_("The body is larger than {limit} bytes."), limit=limit
                            )
                    return message

                try:
                    await self.app(scope, counting_receive, edge_send)
                except Exception as exc:
                    handler = self._handler_of(exc)
                    unexpected = handler is None
                    handler = handler or self.unexpected
                    if handler is None or answered:
                        raise
                    response = await handler(Request(scope, receive), exc)
                    await response(scope, receive, edge_send)
                    if unexpected:  # a bug: answered, then raised on, as Starlette does, for
                        raise  # the HTTP server (and a test's client) to see it
                    exc.__traceback__ = None  # (a reused exception would keep every traceback)
        finally:
            route = scope.get("route")
            access(
                request_id,
                scope["method"],
                getattr(route, "path", None) or "(unmatched)",
                status,
                round((time.perf_counter() - started) * 1000, 2),
            )

    def _handler_of(self, exc: Exception) -> Handler | None:
        """The handler of the exception's class, or of its nearest base that has one."""
        for kind in type(exc).__mro__:
            if kind in self.handlers:
                return self.handlers[kind]
        return None


class Application(Starlette):
    """Starlette with `RequestEdge` as the one layer before the router: it answers the
    exceptions by the application's `exception_handlers` itself, so Starlette's
    `ServerErrorMiddleware` and `ExceptionMiddleware` (two more frames and `send` wrappers on
    every request) are left out."""

    def __init__(self, *, edge: Mapping[str, Any], **options: Any) -> None:
        super().__init__(**options)
        self.edge = edge

    def build_middleware_stack(self) -> ASGIApp:
        return RequestEdge(self.router, handlers=self.exception_handlers, **self.edge)


def _too_large(limit: int) -> Any:
    problem = PayloadTooLarge(N_("The body is larger than {limit} bytes."), limit=limit)
    return ProblemResponse(problem.body(), status_code=413)
