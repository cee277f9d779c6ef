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


async def test_file_uploads_describe_their_multipart_body_and_refusals(client):
    """A generated client sends the file: each upload declares `multipart/form-data` with a
    binary `file` field, and the one status of each refusal."""
    document = (await client.get("/openapi.json")).json()
    for path in ("/api/v1/uploads", "/api/v1/oversight/photos"):
        upload = document["paths"][path]["post"]
        body = upload["requestBody"]
        assert body["required"] is True and list(body["content"]) == ["multipart/form-data"]
        form = body["content"]["multipart/form-data"]
        assert form["schema"]["required"] == ["file"]
        assert form["schema"]["properties"]["file"] == {"type": "string", "format": "binary"}
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
