"""The OpenAPI 3.1 document, built from the same endpoint declarations and pydantic models
that validate requests and shape responses, so it cannot drift from the code."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import models_json_schema

from kernel.errors import (
    BadRequest,
    Forbidden,
    Invalid,
    NotFound,
    PayloadTooLarge,
    Problem,
    UnsupportedMediaType,
)
from kernel.http import Endpoint

REF = "#/components/schemas/{model}"
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}},
    }


# What `kernel.http` refuses in any text of a request: control characters other than tab
# and newlines. Every request string the document leaves open says so.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"

DECIMAL_TEXT = "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$"


def _refuse_control_characters(schema: Any) -> None:
    """Adds NO_CONTROL_CHARACTERS to every free-text string (and free map key) of a request
    schema, so the document accepts only what the validators accept."""
    if isinstance(schema, list):
        for item in schema:
            _refuse_control_characters(item)
        return
    if not isinstance(schema, dict):
        return
    branches = schema.get("anyOf", [])
    if any(b.get("type") == "number" for b in branches):  # a Decimal: a number, or its text
        for branch in branches:
            if branch.get("type") == "string" and "pattern" not in branch:
                branch["pattern"] = DECIMAL_TEXT
    if schema.get("type") == "string" and not {"pattern", "enum", "const", "format"} & set(schema):
        schema["pattern"] = NO_CONTROL_CHARACTERS
    if isinstance(schema.get("additionalProperties"), dict) and "propertyNames" not in schema:
        schema["propertyNames"] = {"type": "string", "pattern": NO_CONTROL_CHARACTERS}
    for value in schema.values():
        if isinstance(value, dict | list):
            _refuse_control_characters(value)


def build_document(endpoints: list[Endpoint], *, title: str, version: str) -> dict[str, Any]:
    components: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}
    models = {m for e in endpoints for m in (e.body, e.query) if m is not None}
    if models:
        _, defs = models_json_schema([(m, "validation") for m in models], ref_template=REF)
        request_defs = defs.get("$defs", {})
        _refuse_control_characters(request_defs)
        components.update(request_defs)

    def response_schema(annotation: Any) -> dict[str, Any]:
        schema = TypeAdapter(annotation).json_schema(ref_template=REF, mode="serialization")
        components.update(schema.pop("$defs", {}))
        return schema

    paths: dict[str, dict[str, Any]] = {}
    for e in endpoints:
        operation: dict[str, Any] = {
            "operationId": e.handler.__name__,
            "summary": e.summary.splitlines()[0],
            "description": e.summary,
            "tags": [e.tag],
            "parameters": [
                {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                for p in e.path_params
            ],
            "responses": {},
        }
        if e.query is not None:
            # The model's own schema: each parameter keeps its bounds (`limit` 1..100) and
            # patterns, which the field's bare type would lose.
            query_schema = e.query.model_json_schema(ref_template=REF)
            components.update(query_schema.pop("$defs", {}))
            required = set(query_schema.get("required", []))
            for name, schema in query_schema["properties"].items():
                schema.pop("title", None)
                _refuse_control_characters(schema)
                operation["parameters"].append(
                    {"name": name, "in": "query", "required": name in required, "schema": schema}
                )
        if e.idempotent:
            operation["parameters"].append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "A retry with the same key returns the first response.",
                    "schema": {"type": "string", "maxLength": 200},
                }
            )
        if e.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": REF.format(model=e.body.__name__)}}
                },
            }
        if e.upload:
            operation["requestBody"] = _file_upload(e.upload)
        if e.auth:
            operation["security"] = [{"bearer": []}]
            if e.roles:
                operation["description"] += f"\n\nRoles: {', '.join(e.roles)}."
        if e.media_type is not None:
            operation["responses"][str(e.status)] = {
                "description": "Success",
                "content": {
                    e.media_type: {"schema": {"type": "string", "format": "binary"}},
                    **{kind: {"schema": schema} for kind, schema in e.alternatives.items()},
                },
            }
        elif e.response is not None and e.status != 204:
            operation["responses"][str(e.status)] = {
                "description": "Success",
                "content": {
                    e.json_media_type: {"schema": response_schema(e.response)},
                    **{kind: {"schema": schema} for kind, schema in e.alternatives.items()},
                },
            }
        else:
            operation["responses"][str(e.status if e.status != 200 else 204)] = {
                "description": "Success, no content"
            }
        for error in [*e.errors, *_generic_errors(e)]:
            described = operation["responses"].get(str(error.status))
            line = f"`{error.code}`: {error.title}"
            if described is not None and f"`{error.code}`" in described["description"]:
                continue
            if described is None:
                operation["responses"][str(error.status)] = _problem(line)
            else:
                described["description"] += f"; {line}"
        for status, meaning in e.pages.items():
            # The page itself; problem+json when the kernel refuses the request before the
            # page is reached (a path with control characters or too long is a 404 there).
            problem = _problem("")["content"]
            operation["responses"][str(status)] = {
                "description": meaning,
                "content": {e.media_type or "text/html": {"schema": {"type": "string"}}, **problem},
            }
        operation["responses"]["4XX"] = _problem("A problem with the request (problem+json)")
        if e.auth:
            operation["responses"]["401"] = _problem("Not authenticated")
        paths.setdefault(_openapi_path(e.path), {})[e.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def _file_upload(media_types: tuple[str, ...]) -> dict[str, Any]:
    """A multipart body with one binary field, `file`, of the given media types."""
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                },
                "encoding": {"file": {"contentType": ", ".join(media_types)}},
            }
        },
    }


def _generic_errors(e: Endpoint) -> list[type[Problem]]:
    """What every endpoint of this shape may answer, declared or not: an id outside the
    caller's scope is 404, a role the endpoint does not admit 403, a refused body or query 422;
    a file upload what its reader refuses (`kernel.request_input.read_file`)."""
    generic: list[type[Problem]] = []
    if e.upload:
        generic += [BadRequest, PayloadTooLarge, UnsupportedMediaType, Invalid]
    if e.path_params:
        generic.append(NotFound)
    if e.auth and e.roles:
        generic.append(Forbidden)
    if (e.body is not None or e.query is not None) and Invalid not in generic:
        generic.append(Invalid)
    return generic


def _openapi_path(path: str) -> str:
    import re

    return re.sub(r"{(\w+):\w+}", r"{\1}", path)
