"""Every decision staff take on a resident's participation waits in the resident's inbox, in
Chinese: hours confirmed (or counted differently, and why), attendance rejected, a report
approved or not, a correction decided, a filed event confirmed or declined, a certificate
revoked."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.activities.conftest import iso, publish

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def _inbox(actor) -> list[dict[str, Any]]:
    answer = await actor.client.get("/api/v1/me/notifications")
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def _backfilled(world, *, hours: int = 3) -> dict[str, Any]:
    start = datetime.combine(datetime.now(SHANGHAI).date() - timedelta(days=2), time(9), SHANGHAI)
    activity = await publish(world, starts_at=iso(start), ends_at=iso(start + timedelta(hours=4)))
    attendance = await world.worker.client.post(
        f"/api/v1/activities/{activity['id']}/attendances",
        json={
            "resident": world.resident.id,
            "checked_in_at": iso(start),
            "checked_out_at": iso(start + timedelta(hours=hours)),
            "note": "补录",
        },
    )
    assert attendance.status_code == 201, attendance.text
    body: dict[str, Any] = attendance.json()
    return body


async def _verify(world, attendance_id: str, **body):
    decided = await world.worker.client.post(
        f"/api/v1/attendances/{attendance_id}/verify", json=body
    )
    assert decided.status_code == 200, decided.text
    answer: dict[str, Any] = decided.json()
    return answer


async def test_a_resident_reads_in_their_inbox_that_their_hours_were_confirmed(world):
    await _verify(world, (await _backfilled(world))["id"], decision="approve")
    [notice] = await _inbox(world.resident)
    assert notice["topic"] == "attendance_approved"
    assert notice["text"] == "您参加“河道清洁”的 3 小时服务已确认。"
    assert await _inbox(world.other_resident) == []


async def test_hours_counted_differently_from_the_check_in_come_with_the_reason(world):
    attendance = await _backfilled(world)
    await _verify(world, attendance["id"], decision="approve", hours=2, reason="中途离开一小时")
    [notice] = await _inbox(world.resident)
    assert notice["text"] == "您参加“河道清洁”的服务时长按 2 小时确认：中途离开一小时"


async def test_a_rejected_attendance_reaches_the_inbox_with_its_reason(world):
    await _verify(world, (await _backfilled(world))["id"], decision="reject", reason="当天未到场")
    [notice] = await _inbox(world.resident)
    assert notice["text"] == "您参加“河道清洁”的签到记录未获确认：当天未到场"
    english = await world.resident.client.get(
        "/api/v1/me/notifications", headers={"Accept-Language": "en"}
    )
    assert english.json()["items"][0]["text"] == (
        "Your attendance at “河道清洁” was not confirmed: 当天未到场"
    )


async def test_a_reviewed_report_reaches_the_inbox_approved_or_not(world):
    ids = []
    for description in ("扶老人过马路", "帮邻居修水龙头"):
        reported = await world.resident.client.post(
            "/api/v1/deeds",
            json={
                "action": "neighbourly-harmony",
                "description": description,
                "occurred_at": iso(datetime.now(UTC) - timedelta(hours=1)),
            },
        )
        assert reported.status_code == 201, reported.text
        ids.append(reported.json()["id"])
    approved = await world.worker.client.post(
        f"/api/v1/deeds/{ids[0]}/review", json={"decision": "approve"}
    )
    rejected = await world.worker.client.post(
        f"/api/v1/deeds/{ids[1]}/review", json={"decision": "reject", "reason": "照片看不清"}
    )
    assert (approved.status_code, rejected.status_code) == (200, 200)
    texts = [n["text"] for n in await _inbox(world.resident)]
    assert texts == [
        "您提交的“邻里讲和谐”未通过审核：照片看不清",
        "您提交的“邻里讲和谐”已审核通过：扶老人过马路",
    ]


async def test_a_decided_correction_reaches_the_inbox(world):
    attendance = await _backfilled(world)
    record = (await _verify(world, attendance["id"], decision="approve"))["record"]
    asked = await world.resident.client.post(
        "/api/v1/me/corrections", json={"record": record, "hours": 2, "reason": "实际两小时"}
    )
    decided = await world.worker.client.post(
        f"/api/v1/corrections/{asked.json()['id']}/decide",
        json={"decision": "accept", "reason": "核实属实"},
    )
    assert decided.status_code == 200, decided.text
    newest = (await _inbox(world.resident))[0]
    assert (newest["topic"], newest["text"]) == (
        "correction_accepted",
        "您关于“河道清洁”的更正申请已受理：核实属实",
    )


async def test_a_filed_banquet_confirmed_or_declined_reaches_the_inbox(world):
    today = datetime.now(SHANGHAI).date()
    filed = []
    for _ in range(2):
        answer = await world.resident.client.post(
            "/api/v1/filings",
            json={
                "action": "frugal-banquets",
                "description": "满月酒三桌",
                "planned_on": str(today),
            },
        )
        assert answer.status_code == 201, answer.text
        filed.append(answer.json()["id"])
    await world.worker.client.post(
        f"/api/v1/filings/{filed[0]}/decide", json={"decision": "confirm"}
    )
    await world.worker.client.post(
        f"/api/v1/filings/{filed[1]}/decide", json={"decision": "decline", "reason": "办了二十桌"}
    )
    texts = [n["text"] for n in await _inbox(world.resident)]
    assert texts == [
        f"您报备的 {today}“办酒不铺张”未获确认：办了二十桌",
        f"您报备的 {today}“办酒不铺张”已确认。",
    ]


async def test_a_revoked_certificate_reaches_the_holders_inbox(world):
    await _verify(world, (await _backfilled(world))["id"], decision="approve")
    await world.resident.client.post(
        "/api/v1/me/real-name", json={"name": "王小明", "id_number": "11010519491231002X"}
    )
    await world.worker.client.post(f"/api/v1/residents/{world.resident.id}/real-name/verify")
    issued = await world.resident.client.post("/api/v1/me/certificates")
    assert issued.status_code == 201, issued.text
    number = issued.json()["number"]
    revoked = await world.district_admin.client.post(
        f"/api/v1/certificates/{number}/revoke", json={"reason": "记录已更正"}
    )
    assert revoked.status_code == 200, revoked.text
    newest = (await _inbox(world.resident))[0]
    assert newest["text"] == f"您的志愿服务证明 {number} 已被撤销：记录已更正"


async def test_residents_signed_up_are_told_when_an_activity_moves_but_not_when_it_is_renamed(
    world,
):
    start = datetime.combine(datetime.now(SHANGHAI).date() + timedelta(days=2), time(9), SHANGHAI)
    activity = await publish(world, starts_at=iso(start), ends_at=iso(start + timedelta(hours=2)))
    enrolled = await world.resident.client.post(f"/api/v1/activities/{activity['id']}/enrollments")
    assert enrolled.status_code == 201, enrolled.text
    renamed = await world.worker.client.patch(
        f"/api/v1/activities/{activity['id']}", json={"title": "月湖河道清洁"}
    )
    assert renamed.status_code == 200, renamed.text
    assert await _inbox(world.resident) == []
    later = start + timedelta(hours=5)
    moved = await world.worker.client.patch(
        f"/api/v1/activities/{activity['id']}",
        json={"starts_at": iso(later), "ends_at": iso(later + timedelta(hours=2))},
    )
    assert moved.status_code == 200, moved.text
    [notice] = await _inbox(world.resident)
    assert notice["text"] == (
        f"活动“月湖河道清洁”有变更：时间改为 {later:%Y-%m-%d} 14:00 至 16:00，地点：鼓楼步行街。"
    )
    assert await _inbox(world.other_resident) == []
