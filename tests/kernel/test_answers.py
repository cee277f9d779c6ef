"""Requests and answers have their own model bases (`kernel.http.Schema`, `kernel.http.Answer`):
a model a request reads refuses unknown fields and strips its strings; a model that only
answers skips both (`docs/speed.md`, item 9). Walked over every endpoint's declared types."""

from __future__ import annotations

import inspect
import typing
from typing import Any

from pydantic import BaseModel

from kernel.http import Answer, Schema


def _models(annotation: Any, found: set[type[BaseModel]], seen: set[int]) -> None:
    if id(annotation) in seen:
        return
    seen.add(id(annotation))
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, found, seen)
        return
    for argument in typing.get_args(annotation):
        _models(argument, found, seen)


def _read_and_answered() -> tuple[set[type[BaseModel]], set[type[BaseModel]]]:
    from app.main import all_endpoints

    read: set[type[BaseModel]] = set()
    answered: set[type[BaseModel]] = set()
    for endpoint in all_endpoints():
        for declared in (endpoint.body, endpoint.query):
            if declared is not None:
                _models(declared, read, set())
        if endpoint.response is not None:
            _models(endpoint.response, answered, set())
    return read, answered


def test_no_request_is_read_by_an_answer_model() -> None:
    """An `Answer` would drop a field the client misspelt instead of refusing it."""
    read, _ = _read_and_answered()
    lax = sorted(m.__qualname__ for m in read if issubclass(m, Answer))
    assert lax == []
    assert all(m.model_config.get("extra") == "forbid" for m in read if issubclass(m, Schema))


def test_every_model_that_only_answers_skips_the_request_settings() -> None:
    read, answered = _read_and_answered()
    slow = sorted(
        m.__qualname__
        for m in answered - read
        if issubclass(m, Schema) and m.__bases__ == (Schema,) and m.__name__.endswith("Out")
    )
    assert slow == []
    assert sum(issubclass(m, Answer) for m in answered) >= 100


def test_an_answer_is_documented_as_having_no_other_fields() -> None:
    from activities.schemas.activities import ActivityOut

    schema = ActivityOut.model_json_schema(mode="serialization")
    assert schema["additionalProperties"] is False
    assert ActivityOut.model_config.get("str_strip_whitespace") is False
