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
        if method != "HEAD"
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
