"""The console's scope matrix: every console route that takes an id answers 404 to staff of
another community or district (and changes nothing), like the API's routes."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta

import httpx

from activities.checkin import qr_png
from tests.console.conftest import Live
from tests.console.test_console import publish
from tests.security.console_session import live_console_client


def console_client(live: Live, username: str) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """An HTTP client signed in to the console (cookie session) as `username`."""
    return live_console_client(live.base, username)


async def _things_of_c1(live: Live) -> dict[str, str]:
    """An activity, an attendance, a deed with a photo, a correction, a reward of c1/d1."""
    now = datetime.now(UTC)
    later = now + timedelta(days=20)
    upcoming = await publish(
        live,
        title="范围测试",
        starts_at=later.isoformat(),
        ends_at=(later + timedelta(hours=1)).isoformat(),
    )
    past = await publish(
        live,
        title="范围测试（已结束）",
        starts_at=(now - timedelta(days=200, hours=3)).isoformat(),
        ends_at=(now - timedelta(days=200)).isoformat(),
    )
    start = now - timedelta(days=200, hours=3)
    attendance = await live.call(
        "c1-worker",
        "POST",
        f"/api/v1/activities/{past['id']}/attendances",
        json={
            "resident": live.ids["o-chen"],
            "checked_in_at": start.isoformat(),
            "checked_out_at": (start + timedelta(hours=1)).isoformat(),
            "note": "范围测试",
        },
    )
    assert attendance.status_code == 201, attendance.text
    upload = await live.call(
        "o-chen",
        "POST",
        "/api/v1/uploads",
        files={"file": ("p.png", qr_png("范围"), "image/png")},
    )
    deed = await live.call(
        "o-chen",
        "POST",
        "/api/v1/deeds",
        json={
            "action": "zebra-crossing",
            "description": "范围测试的申报",
            "occurred_at": (now - timedelta(minutes=5)).isoformat(),
            "evidence": [upload.json()["id"]],
        },
    )
    assert deed.status_code == 201, deed.text
    correction = await live.call(
        "o-chen",
        "POST",
        "/api/v1/me/corrections",
        json={"activity": upcoming["id"], "hours": 1, "reason": "范围测试"},
    )
    reward = await live.call(
        "c1-worker", "POST", "/api/v1/rewards", json={"title": "范围奖品", "cost": 1, "stock": 1}
    )
    assert reward.status_code == 201, reward.text
    staff = await live.call("d1-admin", "GET", "/api/v1/staff?limit=100")
    c1_worker = next(s["id"] for s in staff.json()["items"] if s["username"] == "c1-worker")
    return {
        "activity": str(upcoming["id"]),
        "attendance": str(attendance.json()["id"]),
        "deed": str(deed.json()["id"]),
        "upload": str(upload.json()["id"]),
        "correction": str(correction.json()["id"]) if correction.status_code == 201 else "x",
        "reward": str(reward.json()["id"]),
        "staff": str(c1_worker),
    }


async def test_console_routes_with_ids_answer_404_outside_the_callers_scope(live):
    ids = await _things_of_c1(live)
    reads = [
        f"/console/activities/{ids['activity']}",
        f"/console/activities/{ids['activity']}/edit",
        f"/console/activities/{ids['activity']}/checkin",
    ]
    writes = [
        (f"/console/activities/{ids['activity']}/edit", {"title": "越权"}),
        (f"/console/activities/{ids['activity']}/cancel", {"reason": "越权"}),
        (f"/console/activities/{ids['activity']}/backfill", {"note": "越权"}),
        (f"/console/activities/{ids['activity']}/checkin", {"then": "stay"}),
        (f"/console/attendances/{ids['attendance']}/verify", {"decision": "reject", "reason": "x"}),
        (f"/console/deeds/{ids['deed']}/review", {"decision": "reject", "reason": "越权"}),
        (f"/console/rewards/{ids['reward']}/withdraw", {"reason": "越权"}),
        (f"/console/rewards/{ids['reward']}/restock", {"quantity": "5"}),
    ]
    if ids["correction"] != "x":
        writes.append(
            (
                f"/console/corrections/{ids['correction']}/decide",
                {"decision": "reject", "reason": "越权"},
            )
        )
    for outsider in ("c2-worker", "c3-worker"):
        async with console_client(live, outsider) as client:
            for path in reads:
                answer = await client.get(path, headers={"X-Console-Fetch": "1"})
                assert answer.status_code == 404, (outsider, path, answer.status_code)
            for path, form in writes:
                answer = await client.post(path, data=form, headers={"X-Console-Fetch": "1"})
                assert answer.status_code == 404, (outsider, path, answer.status_code)
    # Evidence photos are for staff of their district (the domain's rule): not another's.
    async with console_client(live, "c3-worker") as client:
        answer = await client.get(f"/console/uploads/{ids['upload']}")
        assert answer.status_code == 404
    async with console_client(live, "d2-admin") as client:
        for action in ("disable", "enable"):
            answer = await client.post(
                f"/console/staff/{ids['staff']}/{action}", headers={"X-Console-Fetch": "1"}
            )
            assert answer.status_code == 404, (action, answer.status_code)
        for path in reads:
            answer = await client.get(path, headers={"X-Console-Fetch": "1"})
            assert answer.status_code == 404, ("d2-admin", path, answer.status_code)
    # Nothing changed: the activity still runs, the attendance and deed still wait.
    activity = await live.call("c1-worker", "GET", f"/api/v1/activities/{ids['activity']}")
    assert activity.json()["title"] == "范围测试" and activity.json()["status"] == "published"
    deeds = await live.call("o-chen", "GET", "/api/v1/deeds")
    assert {d["id"]: d["status"] for d in deeds.json()["items"]}[ids["deed"]] == "pending"
    reward = await live.call("c1-worker", "GET", f"/api/v1/rewards/{ids['reward']}")
    assert reward.json()["stock"] == 1 and reward.json().get("withdrawn_at") is None


async def test_worker_cannot_reach_the_back_office(live):
    async with console_client(live, "c1-worker") as client:
        for path in ("/console/settings", "/console/staff", "/console/badges", "/console/jobs"):
            answer = await client.get(path)
            assert answer.status_code == 403, path
            assert "无权" in answer.text


async def test_the_console_speaks_english_when_the_browser_asks_for_it(live):
    async with httpx.AsyncClient(base_url=live.base) as client:
        english = await client.get("/console/login", headers={"Accept-Language": "en-GB"})
        chinese = await client.get("/console/login")
    assert "Sign in" in english.text and "Username" in english.text
    assert "登录" in chinese.text and "用户名" in chinese.text
