"""Corrections (never an edit), certificates of service and their public check, the summary."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from activities.models import ServiceRecord
from credits.recognition.stars import star_for, star_thresholds
from tests.activities.conftest import iso, publish

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def _verified_record(world, *, hours=3, length=4, days_ago=3):
    day = datetime.now(SHANGHAI).date() - timedelta(days=days_ago)
    start = datetime.combine(day, time(9), SHANGHAI)
    activity = await publish(
        world, starts_at=iso(start), ends_at=iso(start + timedelta(hours=length))
    )
    attendance = await world.worker.client.post(
        f"/api/v1/activities/{activity['id']}/attendances",
        json={
            "resident": world.resident.id,
            "checked_in_at": iso(start),
            "checked_out_at": iso(start + timedelta(hours=hours)),
            "note": "补录",
        },
    )
    verified = await world.worker.client.post(
        f"/api/v1/attendances/{attendance.json()['id']}/verify", json={"decision": "approve"}
    )
    assert verified.status_code == 200, verified.text
    return activity, verified.json()["record"]


async def _decide(world, correction_id, **body):
    return await world.worker.client.post(f"/api/v1/corrections/{correction_id}/decide", json=body)


async def test_an_accepted_correction_reverses_and_rewrites_never_edits(world):
    _, record_id = await _verified_record(world, hours=3)
    asked = await world.resident.client.post(
        "/api/v1/me/corrections",
        json={"record": record_id, "hours": 2, "reason": "实际只服务两小时"},
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "pending"
    listed = await world.worker.client.get("/api/v1/corrections", params={"status": "pending"})
    assert [c["id"] for c in listed.json()["items"]] == [asked.json()["id"]]
    decided = await _decide(world, asked.json()["id"], decision="accept", reason="核对签到表")
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "accepted"
    records = (await world.resident.client.get("/api/v1/me/service-records")).json()["items"]
    assert sorted((r["kind"], r["hours"]) for r in records) == [
        ("record", 2.0),
        ("record", 3.0),
        ("reversal", -3.0),
    ]
    original = await ServiceRecord.get(id=record_id)
    assert original.hours == 3


async def test_a_missing_record_is_added_by_an_accepted_correction(world):
    now = datetime.now(UTC)
    activity = await publish(
        world,
        starts_at=iso(now - timedelta(days=2)),
        ends_at=iso(now - timedelta(days=2, hours=-3)),
    )
    asked = await world.resident.client.post(
        "/api/v1/me/corrections",
        json={"activity": activity["id"], "hours": 2.5, "reason": "参加了但忘记签到"},
    )
    assert asked.status_code == 201, asked.text
    await _decide(world, asked.json()["id"], decision="accept", reason="组织者确认")
    records = (await world.resident.client.get("/api/v1/me/service-records")).json()["items"]
    assert [(r["kind"], r["hours"], r["backfill"]) for r in records] == [("record", 2.5, True)]


async def test_a_rejected_correction_keeps_the_records_and_the_reason(world):
    _, record_id = await _verified_record(world)
    asked = await world.resident.client.post(
        "/api/v1/me/corrections", json={"record": record_id, "reason": "不是我"}
    )
    decided = await _decide(world, asked.json()["id"], decision="reject", reason="签到照片是本人")
    assert decided.json()["decision_reason"] == "签到照片是本人"
    mine = (await world.resident.client.get("/api/v1/me/corrections")).json()["items"]
    assert mine[0]["status"] == "rejected"
    assert await ServiceRecord.filter(resident_id=world.resident.id).count() == 1


async def test_a_correction_names_exactly_one_record_or_activity(world):
    response = await world.resident.client.post("/api/v1/me/corrections", json={"reason": "错了"})
    assert response.status_code == 422
    assert response.json()["code"] == "correction_target"


async def test_a_correction_of_someone_elses_record_is_not_found(world):
    _, record_id = await _verified_record(world)
    response = await world.other_resident.client.post(
        "/api/v1/me/corrections", json={"record": record_id, "reason": "错了"}
    )
    assert response.status_code == 404


async def test_a_correction_is_decided_once(world):
    _, record_id = await _verified_record(world)
    asked = await world.resident.client.post(
        "/api/v1/me/corrections", json={"record": record_id, "reason": "不是我"}
    )
    await _decide(world, asked.json()["id"], decision="accept", reason="撤销")
    again = await _decide(world, asked.json()["id"], decision="accept", reason="再撤销")
    assert again.status_code == 409
    assert again.json()["code"] == "correction_not_pending"


async def verified_identity(world) -> None:
    """The resident gives a real name and a worker checks their ID card in person."""
    given = await world.resident.client.post(
        "/api/v1/me/real-name", json={"name": "王小明", "id_number": "11010519491231002X"}
    )
    assert given.status_code == 200, given.text
    checked = await world.worker.client.post(
        f"/api/v1/residents/{world.resident.id}/real-name/verify"
    )
    assert checked.status_code == 200, checked.text


async def test_a_certificate_of_service_is_a_pdf_checkable_by_anyone(world, client):
    await _verified_record(world, hours=3)
    await verified_identity(world)
    issued = await world.resident.client.post("/api/v1/me/certificates")
    assert issued.status_code == 201, issued.text
    certificate = issued.json()
    assert certificate["number"].startswith("ZYFW-")
    assert certificate["hours"] == 3
    pdf = await world.resident.client.get(
        certificate["pdf_url"].split("testserver")[-1].replace("http://127.0.0.1:8000", "")
    )
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert b"WenQuanYi" in pdf.content  # the CJK font is embedded

    checked = await client.get(f"/verify/{certificate['number']}")
    assert checked.status_code == 200
    assert checked.json() == {
        "number": certificate["number"],
        "valid": True,
        "holder": "王*明",
        "hours": 3.0,
        "issuer": "一区志愿服务记录单位",
        "issued_at": datetime.now(SHANGHAI).date().isoformat(),
        "revoked": False,
        "revoked_on": None,
        "revoke_reason": None,
    }
    mine = (await world.resident.client.get("/api/v1/me/certificates")).json()["items"]
    assert [c["number"] for c in mine] == [certificate["number"]]
    page = await client.get(f"/verify/{certificate['number']}", headers={"Accept": "text/html"})
    assert "志愿服务证明有效" in page.text
    assert "王*明" in page.text


async def test_an_unknown_certificate_number_is_not_valid(client):
    checked = await client.get("/verify/ZYFW-2026-NOSUCHNUMB")
    assert checked.status_code == 200
    assert checked.json() == {
        "number": "ZYFW-2026-NOSUCHNUMB",
        "valid": False,
        "holder": None,
        "hours": None,
        "issuer": None,
        "issued_at": None,
        "revoked": False,
        "revoked_on": None,
        "revoke_reason": None,
    }


async def test_no_certificate_without_verified_service(world):
    await verified_identity(world)
    response = await world.resident.client.post("/api/v1/me/certificates")
    assert response.status_code == 409
    assert response.json()["code"] == "no_service_records"


async def test_someone_elses_certificate_pdf_is_not_found(world):
    await _verified_record(world)
    await verified_identity(world)
    number = (await world.resident.client.post("/api/v1/me/certificates")).json()["number"]
    response = await world.other_resident.client.get(f"/api/v1/me/certificates/{number}/pdf")
    assert response.status_code == 404


async def test_stars_follow_cumulative_verified_hours(world):
    from decimal import Decimal

    thresholds = await star_thresholds()
    hours = (0, 99.9, 100, 300, 599, 600, 1000, 1500, 9000)
    assert [star_for(Decimal(h), thresholds) for h in hours] == [
        0,
        0,
        1,
        2,
        2,
        3,
        4,
        5,
        5,
    ]


async def test_a_missing_record_cannot_be_claimed_for_an_activity_already_recorded(world):
    activity, _ = await _verified_record(world)
    response = await world.resident.client.post(
        "/api/v1/me/corrections",
        json={"activity": activity["id"], "hours": 1, "reason": "再记一次"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "correction_target"


async def test_a_well_formed_id_number_alone_gets_no_certificate(world):
    await _verified_record(world)
    given = await world.resident.client.post(
        "/api/v1/me/real-name", json={"name": "王小明", "id_number": "11010519491231002X"}
    )
    assert (given.json()["real_name_status"], given.json()["real_name_verified"]) == (
        "number_checked",
        False,
    )
    assert given.json()["missing"] == ["real_name_verification"]
    refused = await world.resident.client.post("/api/v1/me/certificates")
    assert (refused.status_code, refused.json()["code"]) == (409, "real_name_not_verified")
    checked = await world.worker.client.post(
        f"/api/v1/residents/{world.resident.id}/real-name/verify"
    )
    assert checked.json()["real_name_status"] == "verified"
    assert (await world.resident.client.post("/api/v1/me/certificates")).status_code == 201


async def test_a_worker_cannot_verify_someone_without_a_real_name_or_outside_their_communities(
    world,
):
    nothing = await world.worker.client.post(
        f"/api/v1/residents/{world.resident.id}/real-name/verify"
    )
    assert nothing.json()["code"] == "real_name_missing"
    elsewhere = await world.other_worker.client.post(
        f"/api/v1/residents/{world.resident.id}/real-name/verify"
    )
    assert elsewhere.status_code == 404


async def test_a_revoked_certificate_says_so_on_the_check_page(world, client):
    await _verified_record(world)
    await verified_identity(world)
    number = (await world.resident.client.post("/api/v1/me/certificates")).json()["number"]
    revoked = await world.district_admin.client.post(
        f"/api/v1/certificates/{number}/revoke", json={"reason": "服务记录已更正撤销"}
    )
    assert revoked.status_code == 200, revoked.text
    checked = (await client.get(f"/verify/{number}")).json()
    assert (checked["valid"], checked["revoked"], checked["revoke_reason"]) == (
        False,
        True,
        "服务记录已更正撤销",
    )
    page = await client.get(f"/verify/{number}", headers={"Accept": "text/html"})
    assert "已撤销" in page.text and "服务记录已更正撤销" in page.text
    again = await world.district_admin.client.post(
        f"/api/v1/certificates/{number}/revoke", json={"reason": "再次撤销"}
    )
    assert again.json()["code"] == "certificate_revoked"
