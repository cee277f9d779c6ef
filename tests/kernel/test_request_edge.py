"""The HTTP edge (`RequestEdge`, one layer): the request id, the language, the body limit (by
Content-Length and while streaming), the security headers and the access line, as a client
sees them."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from kernel.logs import JsonFormatter


async def test_a_bad_request_id_is_replaced_and_a_good_one_echoed(client):
    kept = await client.get("/healthz", headers={"x-request-id": "abc.DEF_123-x"})
    assert kept.headers["x-request-id"] == "abc.DEF_123-x"
    for bad in ("short", "has space in it", "x" * 65, "semi;colon-id"):
        answer = await client.get("/healthz", headers={"x-request-id": bad})
        assert answer.headers["x-request-id"] != bad
        assert len(answer.headers["x-request-id"]) >= 8
    fresh = await client.get("/healthz")
    assert fresh.headers["x-request-id"] != kept.headers["x-request-id"]


async def test_an_oversized_body_is_refused_in_the_callers_language_with_the_headers(
    world, settings, client, caplog
):
    caplog.set_level(logging.INFO, logger="app.access")
    body = b'{"nickname": "' + b"x" * (settings.max_body_bytes + 10) + b'"}'
    for language, expected in (("zh-CN", "字节"), ("en", "bytes")):
        answer = await world.resident.client.patch(
            "/api/v1/me",
            content=body,
            headers={"content-type": "application/json", "accept-language": language,
                     "x-request-id": f"too-large-{language}"},
        )  # fmt: skip
        assert answer.status_code == 413
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert expected in answer.json()["detail"]
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-request-id"] == f"too-large-{language}"
    access = [r for r in caplog.records if r.name == "app.access"]
    lines = [json.loads(JsonFormatter().format(r)) for r in access]
    logged = {line["request_id"]: line["status"] for line in lines}
    assert logged["too-large-zh-CN"] == 413 and logged["too-large-en"] == 413


async def test_a_body_streamed_past_the_limit_without_a_length_is_refused(world, settings):
    async def chunks():
        for _ in range(settings.max_body_bytes // 1000 + 2):
            yield b"x" * 1000

    answer = await world.resident.client.patch(
        "/api/v1/me", content=chunks(), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413


async def test_the_console_gets_the_strict_policy_the_api_the_frame_rule_only(client):
    api = await client.get("/healthz")
    assert api.headers["content-security-policy"] == "frame-ancestors 'none'"
    page = await client.get("/console/login")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    # Added once each, never twice.
    assert len(page.headers.get_list("x-frame-options")) == 1
    assert len(page.headers.get_list("content-security-policy")) == 1


async def test_an_unexpected_error_is_a_500_problem_in_chinese_with_the_headers(
    world, app, monkeypatch, caplog
):
    """A bug in an endpoint: the edge answers it (problem+json, the caller's language, the
    security headers and request id), logs its traceback on the error log, and the access
    line says 500; then raises it on for the HTTP server, as Starlette does. The exception's
    text, which may hold anything, is not answered."""
    from activities import listing

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("internal detail 4f1c")

    monkeypatch.setattr(listing, "activities_page", broken)
    caplog.set_level(logging.INFO)
    # A client that, like a phone, sees the answer (the test client would raise the error).
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as phone:
        answer = await phone.get(
            "/api/v1/activities",
            headers={
                "authorization": f"Bearer {world.resident.token}",
                "accept-language": "zh-CN",
                "x-request-id": "unexpected-1",
            },
        )
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["detail"] == "服务端出现问题，请稍后再试。"
    assert "4f1c" not in answer.text
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-request-id"] == "unexpected-1"
    tracebacks = [r for r in caplog.records if r.exc_info and "4f1c" in str(r.exc_info[1])]
    assert tracebacks and tracebacks[0].name != "app.access"
    access = [
        json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "app.access"
    ]
    assert {"request_id": "unexpected-1", "status": 500}.items() <= next(
        line for line in access if line["request_id"] == "unexpected-1"
    ).items()
    with pytest.raises(RuntimeError, match="4f1c"):  # the test client sees the bug too
        await world.resident.client.get("/api/v1/activities")
    # The service goes on answering.
    monkeypatch.undo()
    assert (await world.resident.client.get("/api/v1/activities")).status_code == 200


async def test_an_unknown_console_page_is_answered_as_a_page_by_the_same_handlers(client):
    """The edge's handlers answer outside the API too: a browser asking for a console page
    that does not exist gets the console's 404 page, with the console's strict policy."""
    answer = await client.get("/console/no-such-page", headers={"accept": "text/html"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
