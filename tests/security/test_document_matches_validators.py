"""The OpenAPI document accepts only what the validators accept (schemathesis's "schema-valid
request rejected"): query bounds and patterns, text without control characters, decimals as
numbers or number text, cursors as base64url."""

from __future__ import annotations

import re

from jsonschema import Draft202012Validator


def _parameter(document, path, name):
    [found] = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
    return found["schema"]


def _accepts(document, model, value) -> bool:
    schema = {"$ref": f"#/components/schemas/{model}", "components": document["components"]}
    return bool(Draft202012Validator(schema).is_valid(value))


async def test_the_document_bounds_what_the_validators_bound(client):
    document = (await client.get("/openapi.json")).json()
    limit = _parameter(document, "/api/v1/districts", "limit")
    assert (limit["minimum"], limit["maximum"]) == (1, 100)
    [cursor] = [
        s
        for s in _parameter(document, "/api/v1/districts", "cursor")["anyOf"]
        if s.get("type") == "string"
    ]
    assert not re.match(cursor["pattern"], "a\x00b") and re.match(cursor["pattern"], "MDFq")
    assert _accepts(
        document,
        "StaffCreate",
        {"username": "worker-1", "password": "a-good-password", "role": "worker", "district": "d1"},
    )
    assert not _accepts(
        document,
        "StaffCreate",
        {
            "username": "worker-1",
            "password": "a-good-\x02-password",
            "role": "worker",
            "district": "d1",
        },
    )
    assert not _accepts(document, "AdjustmentIn", {"reason": "更正", "amount": "", "resident": "r"})
    assert not _accepts(document, "DistrictRulesPatch", {"geofence_radius_m": 5})
