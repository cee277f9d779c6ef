"""The OpenAPI 3.1 document, built from the same endpoint declarations and pydantic models
that validate requests and shape responses, so it cannot drift from the code."""

from __future__ import annotations

import re
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import JsonSchemaMode

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


class SchemaNameClash(Exception):
    """Two different models would be one component schema: rename one of them."""


# A page of items (`Page[ActivityOut]`, pydantic's `Page_ActivityOut_`) is `ActivityPage`;
# a model whose request and response schemas differ (pydantic's `Criterion-Input` and
# `Criterion-Output`: a decimal is a number or its text coming in, a number going out) is
# `CriterionIn` and `CriterionOut`, as the project names its request and response models.
_NAMES = ((re.compile(r"^Page_(\w+?)(?:Out)?_$"), r"\1Page"), (re.compile(r"-(In|Out)put$"), r"\1"))


def _component_name(name: str) -> str:
    for pattern, replacement in _NAMES:
        name = pattern.sub(replacement, name)
    return name


def _component_names(defs: dict[str, Any]) -> dict[str, str]:
    """Each schema's name in the document: the model's class name, a page `<Item>Page`.
    pydantic names a model by its module path (`credits__schemas__EntryOut`) only when
    another model has the same class name: that is refused, so names stay stable."""
    clashes = sorted(name for name in defs if "__" in name)
    if clashes:
        raise SchemaNameClash(f"models sharing a class name: {', '.join(clashes)}")
    names = {name: _component_name(name) for name in defs}
    given = [*names.values(), "Problem"]
    taken = [name for name in given if given.count(name) > 1]
    if taken:
        raise SchemaNameClash(f"schema names given twice: {', '.join(sorted(set(taken)))}")
    return names


def _renamed(schema: Any, names: dict[str, str]) -> Any:
    if isinstance(schema, list):
        return [_renamed(item, names) for item in schema]
    if not isinstance(schema, dict):
        return schema
    renamed = {key: _renamed(value, names) for key, value in schema.items()}
    ref = renamed.get("$ref")
    if isinstance(ref, str) and ref.startswith(REF.format(model="")):
        renamed["$ref"] = REF.format(model=names[ref.rsplit("/", 1)[1]])
    return renamed


def _referenced(schema: Any, defs: dict[str, Any], found: set[str]) -> set[str]:
    """The names of the component schemas `schema` reaches, directly or through others."""
    if isinstance(schema, list):
        for item in schema:
            _referenced(item, defs, found)
    elif isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF.format(model="")):
            name = ref.rsplit("/", 1)[1]
            if name not in found:
                found.add(name)
                _referenced(defs.get(name), defs, found)
        for value in schema.values():
            _referenced(value, defs, found)
    return found


def _schemas(endpoints: list[Endpoint]) -> tuple[dict[Any, Any], dict[str, Any]]:
    """Every body, query and response schema, with the models they name as components, in
    one generation: a model is one component, or two (`-Input`, `-Output`) where what it
    accepts and what it answers differ. Returns (type, mode) -> schema, and the components."""
    inputs: dict[tuple[Any, JsonSchemaMode], TypeAdapter[Any]] = {}
    for e in endpoints:
        for model in (e.body, e.query):
            if model is not None:
                inputs.setdefault((model, "validation"), TypeAdapter(model))
        if e.response is not None:
            inputs.setdefault((e.response, "serialization"), TypeAdapter(e.response))
    schemas, top = TypeAdapter.json_schemas(
        [(key, mode, adapter) for (key, mode), adapter in inputs.items()],
        ref_template=REF,
    )
    defs = top.get("$defs", {})
    names = _component_names(defs)
    # The title is the name too: generators name a class by a schema's title.
    defs = {names[n]: {**_renamed(schema, names), "title": names[n]} for n, schema in defs.items()}
    schemas = {key: _renamed(schema, names) for key, schema in schemas.items()}
    # Request texts refuse control characters; a model only answered keeps its own schema.
    requests = [s for (_, mode), s in schemas.items() if mode == "validation"]
    answers = [s for (_, mode), s in schemas.items() if mode == "serialization"]
    answered = _referenced(answers, defs, set())
    for name in _referenced(requests, defs, set()) - answered:
        _refuse_control_characters(defs[name])
    return schemas, defs


def build_document(endpoints: list[Endpoint], *, title: str, version: str) -> dict[str, Any]:
    """The document; a model is a named component schema (`#/components/schemas/ActivityOut`,
    a page of them `ActivityPage`) that operations reference, so generated clients name their
    classes after ours."""
    schemas, defs = _schemas(endpoints)
    components: dict[str, Any] = {"Problem": PROBLEM_SCHEMA, "FileUpload": FILE_UPLOAD, **defs}

    def response_schema(annotation: Any) -> dict[str, Any]:
        return dict(schemas[(annotation, "serialization")])

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
            query_schema.pop("$defs", None)  # the same models are components already
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
                "content": {"application/json": {"schema": schemas[(e.body, "validation")]}},
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


# Every upload's body: one binary field, `file` (its media types are the operation's).
FILE_UPLOAD = {
    "title": "FileUpload",
    "type": "object",
    "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}},
}


def _file_upload(media_types: tuple[str, ...]) -> dict[str, Any]:
    """A multipart body with one binary field, `file`, of the given media types."""
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"$ref": REF.format(model="FileUpload")},
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
    return re.sub(r"{(\w+):\w+}", r"{\1}", path)
