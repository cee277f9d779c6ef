"""One error shape for everything: application/problem+json (RFC 9457) with a stable `code`."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("app.errors")

PROBLEM_TYPE_BASE = "https://civility.example/problems/"


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


class Problem(Exception):
    """A domain error. Subclasses set `status`, `code` and `title`; `detail` says what happened."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.headers = headers

    def body(self) -> dict[str, Any]:
        return problem_body(self.status, self.code, self.title, self.detail, self.errors)


def problem_body(
    status: int, code: str, title: str, detail: str, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return body


class BadRequest(Problem):
    status, code, title = 400, "bad_request", "Bad request"


class MalformedJSON(Problem):
    status, code, title = 400, "malformed_json", "The body is not valid JSON"


class Unauthenticated(Problem):
    status, code, title = 401, "unauthenticated", "Authentication required"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(Problem):
    status, code, title = 403, "forbidden", "Not allowed for your role"


class NotFound(Problem):
    status, code, title = 404, "not_found", "Not found"


class Conflict(Problem):
    status, code, title = 409, "conflict", "Conflicts with the current state"


class PayloadTooLarge(Problem):
    status, code, title = 413, "payload_too_large", "The body is too large"


class UnsupportedMediaType(Problem):
    status, code, title = 415, "unsupported_media_type", "Unsupported media type"


class Invalid(Problem):
    status, code, title = 422, "validation_failed", "The request is not valid"


class RateLimited(Problem):
    status, code, title = 429, "rate_limited", "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


def invalid_from(exc: ValidationError, *, prefix: str = "") -> Invalid:
    """Turns pydantic's errors into the per-field list API.md promises."""
    errors = []
    for error in exc.errors(include_url=False):
        loc = ".".join(str(part) for part in error["loc"] if part != "__root__")
        field = f"{prefix}{loc}" if loc else prefix.rstrip(".") or "body"
        errors.append({"field": field, "message": error["msg"]})
    return Invalid("Some fields are missing or wrong; see `errors`.", errors=errors)


async def handle_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return ProblemResponse(exc.body(), status_code=exc.status, headers=exc.headers)


_HTTP_CODES = {
    400: ("bad_request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    413: ("payload_too_large", "The body is too large"),
}


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, title = _HTTP_CODES.get(exc.status_code, ("http_error", "HTTP error"))
    detail = exc.detail if exc.detail and exc.detail != title else title
    if exc.status_code == 404:
        detail = f"No resource at {request.url.path}"
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    return ProblemResponse(
        problem_body(exc.status_code, code, title, str(detail)),
        status_code=exc.status_code,
        headers=dict(exc.headers or {}),
    )


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return ProblemResponse(
        problem_body(500, "internal_error", "Internal error", "Something went wrong on our side."),
        status_code=500,
    )


EXCEPTION_HANDLERS = {
    Problem: handle_problem,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
