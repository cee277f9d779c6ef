"""One JSON log line per request; secrets never reach the log."""

from __future__ import annotations

import json
import logging

from kernel.logs import JsonFormatter


async def test_each_request_logs_route_status_latency_and_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="app.access")
    response = await client.get("/healthz", headers={"x-request-id": "req-12345678"})
    assert response.headers["x-request-id"] == "req-12345678"
    record = next(r for r in caplog.records if r.name == "app.access")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-12345678"
    assert line["route"] == "/healthz" and line["status"] == 200
    assert line["latency_ms"] >= 0


async def test_passwords_tokens_and_id_numbers_are_never_logged(world, client, caplog):
    caplog.set_level(logging.DEBUG)
    login = await client.post(
        "/api/v1/auth/login",
        json={"username": "root", "password": "root-password-123"},
        params={},
    )
    token = login.json()["access_token"]
    await world.resident.client.post(
        "/api/v1/me/real-name", json={"name": "王小明", "id_number": "11010519491231002X"}
    )
    await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    formatter = JsonFormatter()
    logged = "\n".join(formatter.format(r) for r in caplog.records)
    for secret in ("root-password-123", token, "11010519491231002X", login.json()["refresh_token"]):
        assert secret not in logged
