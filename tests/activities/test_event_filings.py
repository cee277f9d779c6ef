"""Frugal banquets (移风易俗) are filed before they happen and confirmed by a worker
afterwards; credits come with the confirmation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from activities.models import EventFiling
from tests.conftest import set_rules_since

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _today() -> date:
    return datetime.now(SHANGHAI).date()


async def _file(world, planned_on: date, action: str = "frugal-banquets"):
    return await world.resident.client.post(
        "/api/v1/filings",
        json={
            "action": action,
            "description": "孙子满月酒，只办三桌",
            "planned_on": str(planned_on),
        },
    )


async def test_a_family_files_a_banquet_ahead_and_a_worker_confirms_it_afterwards(world):
    await set_rules_since(
        "d1",
        datetime(2001, 1, 1, tzinfo=UTC),
        moral_bank_enabled=True,
        credits_per_report={"default": 2, "frugal-banquets": 20},
    )
    filed = await _file(world, _today() + timedelta(days=10))
    assert filed.status_code == 201, filed.text
    assert filed.json()["status"] == "filed"
    early = await world.worker.client.post(
        f"/api/v1/filings/{filed.json()['id']}/decide", json={"decision": "confirm"}
    )
    assert (early.status_code, early.json()["code"]) == (409, "filing_not_due")
    await EventFiling.filter(id=filed.json()["id"]).update(planned_on=_today() - timedelta(days=1))
    confirmed = await world.worker.client.post(
        f"/api/v1/filings/{filed.json()['id']}/decide", json={"decision": "confirm"}
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["deed"]
    credits = (await world.resident.client.get("/api/v1/me/credits")).json()
    assert credits["balance"] == 20
    again = await world.worker.client.post(
        f"/api/v1/filings/{filed.json()['id']}/decide",
        json={"decision": "decline", "reason": "不实"},
    )
    assert again.json()["code"] == "filing_decided"


async def test_a_declined_filing_earns_nothing_and_says_why(world):
    filed = await _file(world, _today())
    no_reason = await world.worker.client.post(
        f"/api/v1/filings/{filed.json()['id']}/decide", json={"decision": "decline"}
    )
    assert no_reason.status_code == 422
    declined = await world.worker.client.post(
        f"/api/v1/filings/{filed.json()['id']}/decide",
        json={"decision": "decline", "reason": "实际办了二十桌"},
    )
    assert (declined.json()["status"], declined.json()["decision_reason"]) == (
        "declined",
        "实际办了二十桌",
    )
    mine = (await world.resident.client.get("/api/v1/me/filings")).json()["items"]
    assert [f["status"] for f in mine] == ["declined"]


async def test_a_filing_for_a_past_day_or_another_action_is_refused(world):
    past = await _file(world, _today() - timedelta(days=1))
    assert (past.status_code, past.json()["code"]) == (422, "invalid_times")
    other = await _file(world, _today(), action="neighbourly-harmony")
    assert (other.status_code, other.json()["code"]) == (422, "not_a_filed_action")


async def test_workers_see_the_filings_of_their_communities_only(world):
    filed = await _file(world, _today())
    assert [
        f["id"] for f in (await world.worker.client.get("/api/v1/filings")).json()["items"]
    ] == [filed.json()["id"]]
    assert (await world.other_worker.client.get("/api/v1/filings")).json()["items"] == []
