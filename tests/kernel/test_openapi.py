"""The OpenAPI document describes every route the service answers, from the same models."""

from __future__ import annotations

import re

import pytest


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


async def test_file_uploads_describe_their_multipart_body_and_refusals(client):
    """A generated client sends the file: each upload declares `multipart/form-data` with a
    binary `file` field, and the one status of each refusal."""
    document = (await client.get("/openapi.json")).json()
    for path in ("/api/v1/uploads", "/api/v1/oversight/photos"):
        upload = document["paths"][path]["post"]
        body = upload["requestBody"]
        assert body["required"] is True and list(body["content"]) == ["multipart/form-data"]
        form = body["content"]["multipart/form-data"]
        # One named body for every upload, so a generated client has one model for it.
        assert form["schema"] == {"$ref": "#/components/schemas/FileUpload"}
        schema = document["components"]["schemas"]["FileUpload"]
        assert schema["required"] == ["file"]
        assert schema["properties"]["file"] == {"type": "string", "format": "binary"}
        assert form["encoding"]["file"]["contentType"] == "image/jpeg, image/png, image/webp"
        answers = {status: r["description"] for status, r in upload["responses"].items()}
        assert "`upload_too_large`" in answers["413"], path
        assert "`not_an_image`" in answers["415"] and "`unsupported_media_type`" in answers["415"]
        assert "`upload_quota_reached`" in answers["429"], path
        assert "`bad_request`" in answers["400"] and "`validation_failed`" in answers["422"]
    table = document["paths"]["/api/v1/oversight/units/import"]["post"]["requestBody"]
    assert table["content"]["multipart/form-data"]["encoding"]["file"]["contentType"] == (
        "text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    uploads = document["paths"]["/api/v1/uploads"]["post"]["responses"]
    assert "`unknown_community`" in uploads["422"]["description"]
    # And the routes serving them answer the image, in the type it was stored as.
    for path in ("/api/v1/uploads/{upload_id}", "/api/v1/oversight/photos/{photo_id}"):
        served = document["paths"][path]["get"]["responses"]["200"]["content"]
        assert set(served) == {"image/jpeg", "image/png", "image/webp"}, path


async def test_models_are_named_component_schemas_the_operations_reference(client):
    """A generated client names its classes after the schemas: `ActivityOut`, a page of them
    `ActivityPage`, not `ListActivitiesPageActivityOut` from an inline schema."""
    document = (await client.get("/openapi.json")).json()
    schemas = document["components"]["schemas"]

    def answer(path: str, method: str = "get", status: str = "200") -> str:
        content = document["paths"][path][method]["responses"][status]["content"]
        return str(content["application/json"]["schema"]["$ref"])

    assert answer("/api/v1/activities") == "#/components/schemas/ActivityPage"
    assert schemas["ActivityPage"]["properties"]["items"]["items"] == {
        "$ref": "#/components/schemas/ActivityOut"
    }
    assert answer("/api/v1/me/summary") == "#/components/schemas/SummaryOut"
    assert answer("/api/v1/uploads", "post", "201") == "#/components/schemas/UploadOut"
    assert answer("/api/v1/deeds", "post", "201") == "#/components/schemas/DeedOut"
    assert answer("/api/v1/oversight/categories") == "#/components/schemas/CategoryList"
    assert answer("/api/v1/auth/wechat", "post") == "#/components/schemas/TokenPair"
    # A decimal is a number or its text coming in, a number going out: two named schemas.
    assert {"CriterionIn", "CriterionOut", "LedgerEntryOut", "ListEntryOut"} <= set(schemas)
    for name, schema in schemas.items():
        assert re.fullmatch(r"[A-Z][A-Za-z]+", name), name
        assert schema.get("title", name) == name


def test_two_models_of_one_name_fail_the_document_at_build_time():
    from pydantic import BaseModel

    from kernel.http import Endpoint
    from kernel.openapi import SchemaNameClash, build_document

    def twin(number: int) -> type[BaseModel]:
        return type("ThingOut", (BaseModel,), {"__annotations__": {f"field_{number}": int}})

    async def handler() -> None: ...

    endpoints = [
        Endpoint("GET", f"/api/v1/things/{number}", handler, "A thing.", "t", response=twin(number))
        for number in (1, 2)
    ]
    with pytest.raises(SchemaNameClash, match="ThingOut"):
        build_document(endpoints, title="t", version="1")
