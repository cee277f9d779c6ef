"""Finding 6 of issue 19: a date outside 2000-01-01..2100-12-31 overflowed the local-time
arithmetic (500, the connection reset); it is a 422 in Chinese at the edge, for every date
and moment the API and the console take."""

from __future__ import annotations

import pytest

from tests.security.console_session import console_client

FAR = ("0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01")
RANGE_MESSAGE = "日期须在 2000-01-01 至 2100-12-31 之间"


@pytest.mark.parametrize("since", FAR)
async def test_the_oversight_dashboard_refuses_a_far_since(world, since):
    answer = await world.district_admin.client.get(
        "/api/v1/oversight/dashboard", params={"since": since}
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"] == [{"field": "query.since", "message": RANGE_MESSAGE}]


async def test_the_oversight_dashboard_takes_the_first_and_last_day_of_the_range(world):
    for since in ("2000-01-01", "2100-12-31"):
        answer = await world.district_admin.client.get(
            "/api/v1/oversight/dashboard", params={"since": since}
        )
        assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00", "1999-12-31T23:59:59Z"]
)
async def test_a_far_moment_in_a_query_is_refused(world, moment):
    """`from`/`to` of the activity list: the other date query parameters of the API."""
    for name in ("from", "to"):
        answer = await world.resident.client.get("/api/v1/activities", params={name: moment})
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"] == [{"field": f"query.{name}", "message": RANGE_MESSAGE}]


async def test_a_far_moment_in_a_body_is_refused(world):
    answer = await world.resident.client.post(
        "/api/v1/deeds",
        json={
            "action": "neighbourly-harmony",
            "description": "帮邻居修水龙头",
            "occurred_at": "0001-01-01T00:00:00+08:00",
        },
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"] == [{"field": "occurred_at", "message": RANGE_MESSAGE}]


async def test_the_console_dashboard_refuses_a_far_period_in_chinese(world):
    async with console_client(world.app, "d1-admin") as console:
        answer = await console.get(
            "/console/dashboard", params={"from": "0001-01-01", "to": "9999-12-31"}
        )
        assert answer.status_code == 422
        assert f"截止日期：{RANGE_MESSAGE}" in answer.text  # the field named by its label
        early = await console.get("/console/dashboard", params={"from": "1999-12-31"})
        assert early.status_code == 422
        assert f"起始日期：{RANGE_MESSAGE}" in early.text
        fine = await console.get(
            "/console/dashboard", params={"from": "2000-01-01", "to": "2001-12-31"}
        )
        assert fine.status_code == 200


@pytest.mark.parametrize("param", ["since", "until"])
async def test_the_quiz_statistics_refuse_a_far_day(world, param):
    """The fuzzer's find: `since=9999-12-31` overflowed the day's bounds (500)."""
    answer = await world.district_admin.client.get(
        "/api/v1/quiz/stats", params={param: "9999-12-31"}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"] == [{"field": f"query.{param}", "message": RANGE_MESSAGE}]
