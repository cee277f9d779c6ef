"""Bad input is a clear 4xx, never a 5xx: ids longer than their column, NUL bytes, numbers
past int64, huge and deeply nested JSON."""

from __future__ import annotations

import re

import pytest

from app.main import all_endpoints
from tests.security.conftest import on_postgres

BAD_IDS = {
    "too long": "A" * 300,
    "NUL byte": "01abc%00def",
    "past int64": "70368744177664" * 3,
    "percent-encoded slash": "..%2F..%2Fetc%2Fpasswd",
}
ID_ROUTES = [e for e in all_endpoints() if e.path_params]


def _client_for(world, endpoint):
    roles = endpoint.roles or ("resident",)
    if not endpoint.auth:
        return world.resident.client
    for actor in (world.worker, world.district_admin, world.admin, world.resident):
        if actor.role in roles:
            return actor.client
    return world.admin.client


@pytest.mark.parametrize("what", sorted(BAD_IDS))
async def test_a_bad_path_id_is_a_4xx_on_every_id_route(world, what):
    failures = []
    for endpoint in ID_ROUTES:
        path = re.sub(r"{(\w+)(?::\w+)?}", BAD_IDS[what], endpoint.path)
        if ":int}" in endpoint.path and not BAD_IDS[what].isdigit():
            continue
        response = await _client_for(world, endpoint).request(
            endpoint.method, path, json={} if endpoint.method != "GET" else None
        )
        if response.status_code >= 500:
            failures.append(f"{endpoint.method} {endpoint.path}: {response.status_code}")
    assert not failures, failures


async def _post(client, path, body):
    return await client.post(path, content=body, headers={"content-type": "application/json"})


async def test_nul_bytes_in_json_text_are_a_422(world, client):
    login = await _post(
        client, "/api/v1/auth/login", '{"username": "ro\\u0000ot", "password": "x"}'
    )
    wechat = await _post(client, "/api/v1/auth/wechat", '{"code": "dev-\\u0000"}')
    nickname = await world.resident.client.patch("/api/v1/me", json={"nickname": "甲\x00乙"})
    for response in (login, wechat, nickname):
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["message"] == "含有控制字符"  # Chinese by default
    assert nickname.json()["errors"][0]["field"] == "nickname"


async def test_nul_byte_in_a_public_path_is_a_404(client):
    for path in ("/verify/%00", "/credentials/%00", "/issuers/a%00b"):
        response = await client.get(path)
        assert response.status_code == 404, path


async def test_a_credential_status_past_int64_is_a_404(client):
    response = await client.get("/credentials/status/70368744177664000000000")
    assert response.status_code == 404


async def test_a_five_thousand_digit_integer_is_a_422(world):
    body = '{"nickname": "x", "public_profile": ' + "9" * 5000 + "}"
    response = await world.resident.client.patch(
        "/api/v1/me", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "64 位" in response.json()["errors"][0]["message"]  # the reader's language: Chinese


async def test_a_hundred_thousand_deep_array_is_refused_cleanly(world):
    body = '{"nickname": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = await world.resident.client.patch(
        "/api/v1/me", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"


async def test_json_nested_past_the_limit_is_a_422(world):
    body = '{"nickname": ' + "[" * 40 + "]" * 40 + "}"
    response = await world.resident.client.patch(
        "/api/v1/me", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "嵌套" in response.json()["detail"]  # Chinese by default


async def test_nan_and_infinity_are_not_json(world):
    response = await world.resident.client.patch(
        "/api/v1/me", content='{"nickname": NaN}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


async def test_a_forged_cursor_is_a_422(world):
    import base64

    for forged in ("9" * 40, "A" * 300, "x" * 27):
        cursor = base64.urlsafe_b64encode(forged.encode()).decode().rstrip("=")
        response = await world.admin.client.get("/api/v1/districts", params={"cursor": cursor})
        assert response.status_code == 422, forged
        assert response.json()["errors"][0]["field"] == "query.cursor"


@on_postgres
async def test_ten_residents_verifying_one_id_number_at_once_get_one_201_and_clean_409s(world):
    import asyncio

    residents = [await world.new_resident(f"o-same-id-{n}") for n in range(10)]
    answers = await asyncio.gather(
        *(
            r.client.post(
                "/api/v1/me/real-name", json={"name": "王小明", "id_number": "11010519491231002X"}
            )
            for r in residents
        )
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [409] * 9, statuses
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"id_number_in_use"}
    for r in residents:
        await r.client.aclose()
