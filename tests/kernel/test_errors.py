"""Bad input of every kind gets a clean 4xx problem+json answer, never a 5xx."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


def _is_problem(response, status, code):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["title"] and body["detail"] and body["type"].endswith(code)
    return body


async def test_unknown_route_is_404_problem(client):
    _is_problem(await client.get("/api/v1/nothing-here"), 404, "not_found")


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize("path", ["/lists/haishu", "/console/no-such-page", "/console/activitiez"])
async def test_a_browser_on_a_page_path_that_names_nothing_gets_a_chinese_page(client, path):
    response = await client.get(path, headers=BROWSER)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<html lang="zh-CN">' in page
    assert "<h1>没有这个页面</h1>" in page and f"{path} 没有页面。" in page


async def test_the_api_answers_problem_json_even_to_a_browser(client):
    _is_problem(await client.get("/api/v1/nothing-here", headers=BROWSER), 404, "not_found")
    _is_problem(await client.get("/lists/haishu"), 404, "not_found")  # a program's request


async def test_wrong_method_is_405_problem(client):
    _is_problem(await client.put("/api/v1/auth/login", json={}), 405, "method_not_allowed")


async def test_body_that_is_not_json_is_400(client):
    response = await client.post(
        "/api/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    _is_problem(response, 400, "malformed_json")


async def test_body_in_another_media_type_is_415(client):
    response = await client.post(
        "/api/v1/auth/login", content=b"username=a", headers={"content-type": "text/plain"}
    )
    _is_problem(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("payload", [b"[]", b"42", b'"text"', b"null"])
async def test_json_that_is_not_an_object_is_422(client, payload):
    response = await client.post(
        "/api/v1/auth/login", content=payload, headers={"content-type": "application/json"}
    )
    _is_problem(response, 422, "validation_failed")


async def test_validation_errors_list_each_field(client):
    response = await client.post("/api/v1/auth/login", json={"username": ""})
    body = _is_problem(response, 422, "validation_failed")
    assert {e["field"] for e in body["errors"]} == {"username", "password"}


async def test_oversized_body_is_413_by_content_length(client, settings):
    response = await client.post(
        "/api/v1/auth/login",
        content=b"x" * (settings.max_body_bytes + 1),
        headers={"content-type": "application/json"},
    )
    _is_problem(response, 413, "payload_too_large")


async def test_oversized_streamed_body_is_413(client, settings):
    async def chunks():
        for _ in range(settings.max_body_bytes // 10_000 + 2):
            yield b" " * 10_000

    response = await client.post(
        "/api/v1/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    _is_problem(response, 413, "payload_too_large")


async def test_unknown_query_parameters_are_422(world):
    response = await world.admin.client.get("/api/v1/districts", params={"colour": "red"})
    body = _is_problem(response, 422, "validation_failed")
    assert body["errors"][0]["field"] == "query.colour"


async def test_readyz_is_503_when_the_database_is_gone(app, client):
    from tortoise import connections

    await connections.get("default").close()
    if connections.get("default").capabilities.dialect == "sqlite":
        connections.get("default").filename = "/nonexistent/dir/db.sqlite3"
    else:
        connections.get("default").port = 1
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert (await client.get("/healthz")).status_code == 200
