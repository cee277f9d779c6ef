"""HTTP helpers: declared endpoints that parse, authorise, open the request's transaction,
replay idempotent retries and shape responses — and describe themselves for OpenAPI."""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
)
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from tortoise.exceptions import ValidationError as TortoiseValidationError
from tortoise.fields import IntField
from tortoise.queryset import QuerySet

from kernel.auth import Principal, Role, authenticate
from kernel.db import transaction
from kernel.errors import (
    Invalid,
    NotFound,
    Problem,
    ProblemResponse,
    invalid_from,
)
from kernel.i18n import N_
from kernel.models import IdempotencyRecord
from kernel.request_input import (
    CONTROL_CHARACTERS,
    INT64_MAX,
    query_dict,
    read_file,
    read_json,
)
from kernel.request_input import (
    parse as parse,
)
from kernel.sql import Rider, db_time, query_rows

T = TypeVar("T")
# Decimals (hours, credits) travel as JSON numbers, not strings.
JsonDecimal = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Handler = Callable[..., Awaitable[Any]]
_ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_8601_text(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_8601.match(value)):
        return value
    raise ValueError("give an ISO 8601 date and time with its offset, e.g. 2026-11-29T09:00+08:00")


# The days the service deals in. Nothing it records lies outside them, and the local-time
# arithmetic on a day or moment near year 1 or 9999 overflows: such a date is a 422 at the edge.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
OUT_OF_RANGE = N_("must be a date from 2000-01-01 to 2100-12-31")


def day_in_range(value: date) -> date:
    """The one date-range check: query models (`Day`, `Moment`) and the console's filters."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(OUT_OF_RANGE)
    return value


def _moment_in_range(value: datetime) -> datetime:
    earliest = datetime.combine(FIRST_DAY, time(), UTC)
    latest = datetime.combine(LAST_DAY, time.max, UTC)
    if not earliest <= value <= latest:
        raise ValueError(OUT_OF_RANGE)
    return value


# A calendar day as the API accepts it: YYYY-MM-DD within FIRST_DAY..LAST_DAY.
Day = Annotated[date, AfterValidator(day_in_range)]
# A moment in time as the API accepts it: ISO 8601 text with an offset, never a bare number
# (`0` is not 1970-01-01 here), within FIRST_DAY..LAST_DAY.
Moment = Annotated[AwareDatetime, BeforeValidator(_iso_8601_text), AfterValidator(_moment_in_range)]
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class Schema(BaseModel):
    """Base for request and response models: unknown request fields are refused."""

    model_config = ConfigDict(extra="forbid", from_attributes=True, str_strip_whitespace=True)

    @classmethod
    def from_model(cls, model: Any, **extras: Any) -> Self:
        """The response read from a model's attributes, with `extras` for the fields the model
        does not hold itself (a name or a code looked up elsewhere, in bulk)."""
        return cls.model_validate(_Overlay(model, extras))


class Answer(Schema):
    """Base for response models. An answer is read from attributes and written by its declared
    fields alone, so the request-side settings (unknown fields refused, strings stripped) have
    nothing to do on it but cost a third of the validation of a page of 20 activities: an
    answer leaves them out. Its types, enumerations and constraints are checked as before, and the
    OpenAPI document still says it has no other fields (`docs/speed.md`, item 9)."""

    model_config = ConfigDict(
        extra="ignore",
        str_strip_whitespace=False,
        json_schema_extra={"additionalProperties": False},
    )


class _Overlay:
    """A model seen with a few extra attributes, for `Schema.from_model`."""

    __slots__ = ("_extras", "_model")

    def __init__(self, model: Any, extras: dict[str, Any]) -> None:
        self._model, self._extras = model, extras

    def __getattr__(self, name: str) -> Any:
        if name in self._extras:
            return self._extras[name]
        return getattr(self._model, name)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class PageQuery(Schema):
    # A cursor is base64url of an id (`encode_cursor`): nothing else can be one.
    cursor: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    limit: int = Field(default=20, ge=1, le=100)


class IdempotencyKeyReused(Problem):
    status, code, title = 422, "idempotency_key_reused", N_("Idempotency key reused")


@dataclass
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    roles: tuple[Role, ...] | None = None
    auth: bool = True
    idempotent: bool = False
    errors: Sequence[type[Problem]] = ()
    # For endpoints answering something other than JSON (a QR code PNG, a PDF).
    media_type: str | None = None
    # The media type the `response` model is served as (e.g. `application/vc`), and other
    # representations the endpoint answers (media type -> JSON schema): by `Accept`, or, for
    # a `media_type` answer, the other types it may be in (a stored image's).
    json_media_type: str = "application/json"
    alternatives: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Statuses a page answers as a page of its own (in `media_type`), not problem+json:
    # status -> what it means (documented so).
    pages: dict[int, str] = field(default_factory=dict)
    # A file upload: the media types the multipart field `file` takes. The handler gets the
    # file's bytes as `file` (`read_file`); the document describes the multipart body.
    upload: tuple[str, ...] = ()
    response_adapter: TypeAdapter[Any] | None = field(default=None, repr=False)

    wants_request: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        assert not (self.upload and self.body), "a body is JSON or a file upload, not both"
        if self.response is not None:
            self.response_adapter = TypeAdapter(self.response)
        self.wants_request = "request" in inspect.signature(self.handler).parameters

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)(?::\w+)?}", self.path)


class Api:
    """A domain's endpoints. `api.post(path, body=Model, response=Model)` decorates a handler
    taking keyword arguments: `who` (the Principal), `body`, `query`, and the path params."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.endpoints: list[Endpoint] = []

    def route(self, method: str, path: str, **options: Any) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            summary = options.pop("summary", None) or inspect.getdoc(handler) or handler.__name__
            self.endpoints.append(Endpoint(method, path, handler, summary, self.tag, **options))
            return handler

        return register

    def get(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **options)

    def patch(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **options)

    def routes(self) -> list[Route]:
        return routes_of([self])


def routes_of(apis: Sequence[Api]) -> list[Route]:
    """One route per path, whatever domain declares its methods: a 405's `Allow` and the
    answer to OPTIONS list every method of the path, not one endpoint's."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for api in apis:
        for endpoint in api.endpoints:
            by_path.setdefault(endpoint.path, {})[endpoint.method] = endpoint
    return [_path_route(path, endpoints) for path, endpoints in by_path.items()]


def _path_route(path: str, endpoints: dict[str, Endpoint]) -> Route:
    handlers = {method: _asgi_endpoint(e) for method, e in endpoints.items()}
    if "GET" in handlers:
        handlers["HEAD"] = handlers["GET"]
    allow = ", ".join(sorted({*handlers, "OPTIONS"}))

    async def dispatch(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": allow})
        return await handlers[request.method](request)

    first = next(iter(endpoints.values()))
    return _PathRoute(path, dispatch, methods=[*endpoints, "OPTIONS"], name=first.handler.__name__)


class _PathRoute(Route):
    """A route whose 405 names its methods in a stable order, and which calls its endpoint
    itself: an exception it raises goes to the edge (`kernel.middleware.RequestEdge`), which
    answers it with the same handlers Starlette's per-route wrapper would."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            raise HTTPException(status_code=405, headers={"Allow": ", ".join(sorted(self.methods))})
        response = await self.endpoint(Request(scope, receive, send))
        await response(scope, receive, send)


def preferred_type(request: Request, offered: Sequence[str]) -> str:
    """The offered media type the request's `Accept` prefers (RFC 9110 §12.5.1): the highest
    quality, the quality of a type being that of the most specific range naming it; on a tie,
    or when `Accept` names none of them, the first offered."""
    ranges: dict[str, float] = {}
    for part in request.headers.get("accept", "").split(",")[:20]:
        kind, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind:
            ranges[kind.lower()] = quality

    def quality_of(media_type: str) -> float:
        for candidate in (media_type, media_type.split("/")[0] + "/*", "*/*"):
            if candidate in ranges:
                return ranges[candidate]
        return 0.0

    best = max(offered, key=quality_of)  # max keeps the first of equals
    return best if quality_of(best) > 0 else offered[0]


def _request_hash(endpoint: Endpoint, request: Request, body: Any) -> str:
    canonical = json.dumps(
        [endpoint.method, endpoint.path, request.path_params, body], sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _respond(endpoint: Endpoint, result: Any) -> Response:
    if isinstance(result, Response):
        return result
    if endpoint.status == 204 or endpoint.response is None:
        return Response(status_code=endpoint.status if endpoint.status != 200 else 204)
    adapter = endpoint.response_adapter
    assert adapter is not None
    # Validated against the response schema (the contract), then written to JSON bytes once
    # by pydantic-core: the same compact UTF-8 text `JSONResponse` writes from a dump.
    content = adapter.dump_json(adapter.validate_python(result, from_attributes=True))
    return Response(content, status_code=endpoint.status, media_type="application/json")


def _refuse_impossible_path_params(params: dict[str, Any]) -> None:
    """A path id that no row can have (control characters, an integer past int64) names
    nothing: 404, before it reaches the database."""
    for value in params.values():
        if isinstance(value, int):
            if not 0 <= value <= INT64_MAX:
                raise NotFound(N_("No such resource."))
        elif CONTROL_CHARACTERS.search(str(value)):
            raise NotFound(N_("No such resource."))


def _lookup_refused(exc: TortoiseValidationError, params: dict[str, Any]) -> Problem:
    """The ORM refuses a value longer than its column before querying: for a path id that
    means no such row (404); anything else the schemas let through is a 422."""
    message = str(exc)
    if any(isinstance(v, str) and f"'{v}'" in message for v in params.values()):
        return NotFound(N_("No such resource."))
    field_name, _, _ = message.partition(":")
    return Invalid(
        N_("A value is longer than allowed."),
        errors=[
            {"field": field_name if " " not in field_name else "body", "message": N_("too long")}
        ],
    )


def _asgi_endpoint(endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        _refuse_impossible_path_params(request.path_params)
        try:
            return await handle(request)
        except TortoiseValidationError as exc:
            raise _lookup_refused(exc, request.path_params) from exc

    async def handle(request: Request) -> Response:
        kwargs: dict[str, Any] = dict(request.path_params)
        if endpoint.wants_request:
            kwargs["request"] = request
        who: Principal | None = None
        if endpoint.auth:
            who = await authenticate(request)
            if endpoint.roles is not None:
                who.require_role(*endpoint.roles)
            kwargs["who"] = who
        raw_body: Any = None
        if endpoint.body is not None:
            raw_body = await read_json(request)
            kwargs["body"] = parse(endpoint.body, raw_body)
        if endpoint.upload:
            kwargs["file"] = await read_file(request)
        if endpoint.query is not None:
            try:
                kwargs["query"] = endpoint.query.model_validate(query_dict(request, endpoint.query))
            except ValidationError as exc:
                raise invalid_from(exc, prefix="query.") from exc
        if endpoint.method not in WRITE_METHODS:
            return _respond(endpoint, await endpoint.handler(**kwargs))
        key = request.headers.get("idempotency-key") if endpoint.idempotent else None
        if key is None:
            return await _in_transaction(endpoint, kwargs)
        if not 1 <= len(key) <= 200:
            raise Invalid(N_("Idempotency-Key must be 1 to 200 characters."))
        assert who is not None
        return await _idempotent(
            endpoint, kwargs, who, key, _request_hash(endpoint, request, raw_body)
        )

    return run


async def _in_transaction(endpoint: Endpoint, kwargs: dict[str, Any]) -> Response:
    # A handler may *return* a Problem: what it did is committed, then the error is answered
    # (e.g. a failed login is recorded, a replayed refresh token revokes its family).
    async with transaction():
        result = await endpoint.handler(**kwargs)
        response = None if isinstance(result, Problem) else _respond(endpoint, result)
    if isinstance(result, Problem):
        raise result
    assert response is not None
    return response


async def _replay(who: Principal, key: str, request_hash: str) -> Response:
    record = await IdempotencyRecord.get(principal=who.subject, key=key)
    if record.request_hash != request_hash:
        raise IdempotencyKeyReused(
            N_("This Idempotency-Key was used for a different request; use a new key.")
        )
    response_class = ProblemResponse if record.status_code >= 400 else JSONResponse
    response = response_class(record.response_body, status_code=record.status_code)
    response.headers["Idempotent-Replayed"] = "true"
    return response


# The key is claimed by the transaction's first statement, before the handler runs; the answer
# is written over the claim before the transaction commits. A claim is only ever seen
# committed with its answer (status 0 never is).
_CLAIM = (
    "INSERT INTO idempotency_record (principal, key, request_hash, status_code, response_body, "
    "created_at) VALUES (?, ?, ?, 0, ?{json_cast}, ?) "
    "ON CONFLICT (principal, key) DO NOTHING RETURNING id"
)
_ANSWER = (
    "UPDATE idempotency_record SET status_code = :answer_status, "
    "response_body = :answer_body{json_cast} WHERE id = :answer_claim AND {posted}"
)
_RESPONSE_BODY = IdempotencyRecord._meta.fields_map["response_body"]


@dataclass
class _Claim:
    """The request's claim of its Idempotency-Key, and its answer once the handler gave it."""

    id: int
    endpoint: Endpoint
    answer: Rider | None = None
    response: Response | None = None


_CLAIMED: ContextVar[_Claim | None] = ContextVar("claimed_key", default=None)


def _stored(status: int, body: Any, claim_id: int) -> Rider:
    return Rider(
        _ANSWER,
        {
            "answer_status": status,
            # as the model stores it
            "answer_body": _RESPONSE_BODY.to_db_value(body, IdempotencyRecord),
            "answer_claim": claim_id,
        },
    )


def answer_with(result: Any) -> Rider | None:
    """The request's answer stored over its Idempotency-Key's claim by the handler's last
    write (a `Rider` of it), for a handler that knows what it answers before that write: one
    statement fewer. The handler must then return this very `result`. None when the request
    has no key. Should the rider not be written (the write took another way), the answer is
    stored after the handler as usual."""
    claim = _CLAIMED.get()
    if claim is None:
        return None
    claim.response = _respond(claim.endpoint, result)
    body = json.loads(bytes(claim.response.body) or b"null")
    claim.answer = _stored(claim.response.status_code, body, claim.id)
    return claim.answer


async def _idempotent(
    endpoint: Endpoint, kwargs: dict[str, Any], who: Principal, key: str, request_hash: str
) -> Response:
    async with transaction():
        # One statement claims the key or finds it taken. A parallel retry's claim waits on
        # the unique key until the first transaction ends: committed, it is replayed; rolled
        # back (nothing happened), the retry claims the key and runs afresh.
        claimed = await query_rows(
            _CLAIM,
            [who.subject, key, request_hash, "null", db_time(datetime.now(UTC))],
        )
        if not claimed:
            return await _replay(who, key, request_hash)
        claim = _Claim(claimed[0]["id"], endpoint)
        token = _CLAIMED.set(claim)
        try:
            # A raised Problem rolls back and is not recorded: nothing happened, so a retry
            # is decided afresh. Successes (and returned Problems, which commit) are replayed.
            result = await endpoint.handler(**kwargs)
        finally:
            _CLAIMED.reset(token)
        if claim.answer is not None and claim.answer.written:
            assert claim.response is not None and not isinstance(result, Problem)
            return claim.response
        if isinstance(result, Problem):
            status, body = result.status, result.body()
        else:
            response = _respond(endpoint, result)
            status, body = response.status_code, json.loads(bytes(response.body) or b"null")
        await _stored(status, body, claim.id).write()
    if isinstance(result, Problem):
        raise result
    return response


def encode_cursor(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


_ULID = re.compile(r"^[0-9a-hjkmnp-tv-z]{26}$")


def decode_cursor(cursor: str, *, integer: bool = False) -> str:
    """The id a cursor of this API points after: for integer ids, digits within int64; for
    the others, a ULID. Anything else (forged, oversized, from another route's kind of id)
    is a 422 before the database sees it."""
    try:
        value = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        decoded = value.decode("ascii")
        if integer:
            if not (decoded.isascii() and decoded.isdigit() and int(decoded) <= INT64_MAX):
                raise ValueError("not an integer id")
        elif not _ULID.match(decoded):
            raise ValueError("not an id")
        return decoded
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid(
            N_("The cursor is not valid."),
            errors=[{"field": "query.cursor", "message": N_("not a cursor from this API")}],
        ) from exc


async def paginate(
    queryset: QuerySet[Any], page: PageQuery, *, newest_first: bool = True
) -> dict[str, Any]:
    """Keyset pagination over the sortable id (a ULID, or an integer serial)."""
    if page.cursor:
        integer = isinstance(queryset.model._meta.pk, IntField)
        after: str | int = decode_cursor(page.cursor, integer=integer)
        if integer:
            after = int(after)
        queryset = queryset.filter(id__lt=after) if newest_first else queryset.filter(id__gt=after)
    rows = await queryset.order_by("-id" if newest_first else "id").limit(page.limit + 1)
    next_cursor = encode_cursor(str(rows[page.limit - 1].id)) if len(rows) > page.limit else None
    return {"items": rows[: page.limit], "next_cursor": next_cursor}
