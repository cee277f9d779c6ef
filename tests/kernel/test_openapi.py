"""The OpenAPI document describes every route the service answers, from the same models."""

from __future__ import annotations

import re


async def test_openapi_is_3_1_and_lists_every_api_route(app, client):
    from starlette.routing import Route

    document = (await client.get("/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    documented = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    served = {
        (route.path, method)
        for route in app.routes
        if isinstance(route, Route) and route.path.startswith("/api/")
        for method in route.methods or ()
        if method not in ("HEAD", "OPTIONS")  # answered for every path, not operations
    }
    assert served and served <= documented


async def test_every_schema_reference_resolves(client):
    document = (await client.get("/openapi.json")).json()
    text = str(document)
    for name in set(re.findall(r"#/components/schemas/([A-Za-z0-9_.\[\]-]+)", text)):
        assert name in document["components"]["schemas"], name


async def test_request_models_in_the_document_match_validation(client):
    document = (await client.get("/openapi.json")).json()
    login = document["paths"]["/api/v1/auth/login"]["post"]
    ref = login["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    schema = document["components"]["schemas"][ref]
    assert set(schema["required"]) == {"username", "password"}
    assert schema["additionalProperties"] is False


async def test_binary_answers_and_declared_errors_are_documented(client):
    document = (await client.get("/openapi.json")).json()
    png = document["paths"]["/api/v1/activities/{activity_id}/checkin-code.png"]["get"]
    assert "image/png" in png["responses"]["200"]["content"]
    pdf = document["paths"]["/api/v1/me/certificates/{number}/pdf"]["get"]
    assert "application/pdf" in pdf["responses"]["200"]["content"]
    redeem = document["paths"]["/api/v1/rewards/{reward_id}/redemptions"]["post"]
    assert "insufficient_credits" in redeem["responses"]["409"]["description"]
    assert "out_of_stock" in redeem["responses"]["409"]["description"]
