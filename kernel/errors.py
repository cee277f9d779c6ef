"""One error shape for everything: application/problem+json (RFC 9457) with a stable `code`."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from kernel.i18n import N_, translate
from kernel.validation import FieldMessage, field_message

log = logging.getLogger("app.errors")

PROBLEM_TYPE_BASE = "https://civility.example/problems/"


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


class Problem(Exception):
    """A domain error. Subclasses set `status`, `code` and `title`; `detail` says what happened.

    `title` and `detail` are message templates (English msgids, marked with `N_`) filled with
    `params`, rendered in the request's language when the answer is written:

        raise NoSuchReward(N_("No reward `{reward}` for you."), reward=reward_id)
    """

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = N_("Bad request")

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> None:
        self.template = detail or self.title
        self.params = params
        super().__init__(self.template.format(**params) if params else self.template)
        self.errors = errors
        self.headers = headers

    @property
    def detail(self) -> str:
        """The detail in the request's language (Chinese by default)."""
        return translate(self.template, **self.params)

    def body(self) -> dict[str, Any]:
        errors = self.errors
        if errors is not None:
            errors = [
                {**error, "message": _rendered(error["message"])} if "message" in error else error
                for error in errors
            ]
        return problem_body(self.status, self.code, translate(self.title), self.detail, errors)


def _rendered(message: str) -> str:
    return message.render() if isinstance(message, FieldMessage) else translate(message)


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
    status, code, title = 400, "bad_request", N_("Bad request")


class MalformedJSON(Problem):
    status, code, title = 400, "malformed_json", N_("The body is not valid JSON")


class Unauthenticated(Problem):
    status, code, title = 401, "unauthenticated", N_("Authentication required")

    def __init__(self, detail: str | None = None, **params: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **params)


class Forbidden(Problem):
    status, code, title = 403, "forbidden", N_("Not allowed for your role")


class NotFound(Problem):
    status, code, title = 404, "not_found", N_("Not found")


class Conflict(Problem):
    status, code, title = 409, "conflict", N_("Conflicts with the current state")


class PayloadTooLarge(Problem):
    status, code, title = 413, "payload_too_large", N_("The body is too large")


class UnsupportedMediaType(Problem):
    status, code, title = 415, "unsupported_media_type", N_("Unsupported media type")


class Invalid(Problem):
    status, code, title = 422, "validation_failed", N_("The request is not valid")


class RateLimited(Problem):
    status, code, title = 429, "rate_limited", N_("Too many requests")

    def __init__(self, detail: str, *, retry_after: int, **params: Any) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))}, **params)


def invalid_from(exc: ValidationError, *, prefix: str = "") -> Invalid:
    """Turns pydantic's errors into the per-field list API.md promises."""
    errors = []
    for error in exc.errors(include_url=False):
        loc = ".".join(str(part) for part in error["loc"] if part != "__root__")
        field = f"{prefix}{loc}" if loc else prefix.rstrip(".") or "body"
        errors.append({"field": field, "message": field_message(error)})
    return Invalid(N_("Some fields are missing or wrong; see `errors`."), errors=errors)


async def handle_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return ProblemResponse(exc.body(), status_code=exc.status, headers=exc.headers)


_HTTP_CODES = {
    400: ("bad_request", N_("Bad request")),
    401: ("unauthenticated", N_("Authentication required")),
    403: ("forbidden", N_("Forbidden")),
    404: ("not_found", N_("Not found")),
    405: ("method_not_allowed", N_("Method not allowed")),
    413: ("payload_too_large", N_("The body is too large")),
}


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, title = _HTTP_CODES.get(exc.status_code, ("http_error", N_("HTTP error")))
    detail = translate(exc.detail) if exc.detail and exc.detail != title else translate(title)
    if exc.status_code == 404:
        detail = translate(N_("No resource at {path}"), path=request.url.path)
    elif exc.status_code == 405:
        detail = translate(
            N_("{method} is not allowed on {path}"),
            method=request.method,
            path=request.url.path,
        )
    return ProblemResponse(
        problem_body(exc.status_code, code, translate(title), str(detail)),
        status_code=exc.status_code,
        headers=dict(exc.headers or {}),
    )


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return ProblemResponse(
        problem_body(
            500,
            "internal_error",
            translate(N_("Internal error")),
            translate(N_("Something went wrong on our side.")),
        ),
        status_code=500,
    )


async def handle_client_abort(request: Request, exc: Exception) -> Response:
    """The client closed the connection before its body arrived (a dropped mobile link, a
    cancelled upload): nothing was done and no one is left to answer. Logged as the client's
    abort, not as our error; the status is nginx's 499 for the access log."""
    log.info("client closed the connection mid-request on %s %s", request.method, request.url.path)
    return Response(status_code=499)


EXCEPTION_HANDLERS = {
    ClientDisconnect: handle_client_abort,
    Problem: handle_problem,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
