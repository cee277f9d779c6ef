"""Schemathesis hooks for the fuzz suite (loaded through SCHEMATHESIS_HOOKS): credentials are
served as `application/vc`, and the document is given boundary examples to try first."""

from __future__ import annotations

import json
from typing import Any

import schemathesis

# What the attack of issue 19 found and random generation rarely draws: dates far outside
# any sane range, the edges of the accepted one, and 64-bit integers at and past their edges.
DATES = ["0001-01-01", "1999-12-31", "2000-01-01", "2100-12-31", "2101-01-01", "9999-12-31"]
MOMENTS = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2000-01-01T00:00:00+14:00"]
INTEGERS = [-(2**63), -1, 0, 2**31, 2**46, 2**53 + 1, 2**63 - 1, 2**63, 2**64]


def boundary_examples(schema: dict[str, Any], *, in_path: bool = False) -> list[Any]:
    """The boundary values a schema admits: the edges it declares, else the ones above. A
    path parameter is text on the wire, so an id there is tried as an int64's edges too."""
    kind, form = schema.get("type"), schema.get("format")
    if kind == "string" and form == "date":
        return DATES
    if kind == "string" and form == "date-time":
        return MOMENTS
    if kind == "integer":
        edges = [schema[bound] for bound in ("minimum", "maximum") if bound in schema]
        return edges or INTEGERS
    if kind == "string" and in_path and not {"format", "pattern", "enum"} & schema.keys():
        return [str(number) for number in INTEGERS]
    return []


def _add_examples(node: Any, *, in_path: bool = False) -> None:
    if isinstance(node, list):
        for item in node:
            _add_examples(item)
        return
    if not isinstance(node, dict):
        return
    if extra := boundary_examples(node, in_path=in_path):
        known = node.get("examples", [])
        node["examples"] = known + [value for value in extra if value not in known]
    path_parameter = node.get("in") == "path"
    for key, value in node.items():
        if key not in ("examples", "example", "default", "enum", "const"):
            _add_examples(value, in_path=path_parameter and key == "schema")


@schemathesis.hook
def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:
    _add_examples(raw_schema.get("paths", {}))
    _add_examples(raw_schema.get("components", {}).get("schemas", {}))


@schemathesis.deserializer("application/vc")
def verifiable_credential(ctx: Any, response: Any) -> Any:
    return json.loads(response.content)
