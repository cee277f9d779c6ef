"""Reading a request's input: the JSON body, the file of a multipart form and the query
string, refusing what the models or the database cannot take (deep nesting, control
characters, integers past 64 bits)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from kernel.errors import BadRequest, Invalid, MalformedJSON, UnsupportedMediaType, invalid_from
from kernel.i18n import N_
from kernel.settings import get_settings
from kernel.validation import FieldMessage

INT64_MAX = 2**63 - 1
MAX_JSON_DEPTH = 32
# Control characters other than tab, newline and carriage return; PostgreSQL refuses NUL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class _NumberOutOfRange(ValueError):
    pass


def _json_int(text: str) -> int:
    if len(text) > 20 or not -INT64_MAX - 1 <= (value := int(text)) <= INT64_MAX:
        raise _NumberOutOfRange(text[:24])
    return value


def _json_constant(text: str) -> Any:
    raise json.JSONDecodeError(f"{text} is not JSON", text, 0)


async def read_json(request: Request) -> Any:
    content_type = request.headers.get("content-type", "")
    raw = await request.body()
    if not raw.strip():
        return {}
    if content_type and "json" not in content_type.split(";")[0]:
        raise UnsupportedMediaType(N_("Send the body as application/json."))
    try:
        data = json.loads(
            raw, parse_int=_json_int, parse_float=Decimal, parse_constant=_json_constant
        )
    except _NumberOutOfRange as exc:
        raise Invalid(
            N_("A number in the body is out of range."),
            errors=[
                {
                    "field": "body",
                    "message": FieldMessage(
                        N_("integers fit in 64 bits, not {number}…"), number=str(exc)
                    ),
                }
            ],
        ) from exc
    except RecursionError as exc:
        raise MalformedJSON(
            N_("The body is nested deeper than {MAX_JSON_DEPTH} levels."),
            MAX_JSON_DEPTH=MAX_JSON_DEPTH,
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedJSON(N_("The body is not valid JSON: {exc}"), exc=exc) from exc
    refuse_unsafe_text(data)
    return data


async def read_file(request: Request) -> bytes:
    """The one file of a multipart form, field `file` (the only multipart reader of the API)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UnsupportedMediaType(N_("Send the file as multipart/form-data, field `file`."))
    try:
        async with request.form(max_files=1, max_fields=5) as form:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise Invalid(
                    N_("The form has no file."),
                    errors=[{"field": "file", "message": N_("a file is required")}],
                )
            return await read_bounded(file)
    except (MultiPartException, HTTPException) as exc:
        # Starlette answers a broken body with an HTTPException(400) of its own words.
        message = exc.message if isinstance(exc, MultiPartException) else exc.detail
        raise BadRequest(N_("The multipart body is not valid: {reason}"), reason=message) from exc


async def read_bounded(file: UploadFile) -> bytes:
    """A form's file, read to one byte past the upload limit: enough to refuse it as too large
    without holding more of it."""
    return await file.read(get_settings().max_upload_bytes + 1)


def refuse_unsafe_text(data: Any) -> None:
    """Refuses bodies nested deeper than MAX_JSON_DEPTH and strings with control characters,
    naming the field; walked without recursion."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise Invalid(
                N_("The body is nested deeper than {MAX_JSON_DEPTH} levels."),
                errors=[{"field": where or "body", "message": N_("nested too deeply")}],
                MAX_JSON_DEPTH=MAX_JSON_DEPTH,
            )
        if isinstance(value, str):
            if CONTROL_CHARACTERS.search(value):
                raise Invalid(
                    N_("Text may not contain control characters."),
                    errors=[{"field": where or "body", "message": N_("has a control character")}],
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{where}.{key}" if where else str(key)
                stack.append((str(key), name, depth + 1))
                stack.append((item, name, depth + 1))
        elif isinstance(value, list):
            stack.extend(
                (item, f"{where}.{n}" if where else str(n), depth + 1)
                for n, item in enumerate(value)
            )


def parse(model: type[BaseModel], data: Any, *, prefix: str = "") -> BaseModel:
    if not isinstance(data, dict):
        raise Invalid(
            N_("The body must be a JSON object."),
            errors=[{"field": "body", "message": N_("expected an object")}],
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_from(exc, prefix=prefix) from exc


def query_dict(request: Request, model: type[BaseModel]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        values = request.query_params.getlist(name)
        if not values:
            continue
        annotation = str(info.annotation)
        data[name] = values if annotation.startswith(("list", "typing.List")) else values[-1]
    if any(CONTROL_CHARACTERS.search(v) for v in request.query_params.values()):
        raise Invalid(
            N_("Query parameters may not contain control characters."),
            errors=[
                {"field": f"query.{n}", "message": N_("has a control character")}
                for n, v in request.query_params.multi_items()
                if CONTROL_CHARACTERS.search(v)
            ],
        )
    unknown = set(request.query_params) - set(model.model_fields)
    if unknown:
        raise Invalid(
            N_("Unknown query parameters."),
            errors=[
                {"field": f"query.{n}", "message": N_("not a known parameter")}
                for n in sorted(unknown)
            ],
        )
    return data
