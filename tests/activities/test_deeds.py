"""Reported and attested deeds, evidence uploads, review and per-action daily caps."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

import qrcode

from activities.models import Deed
from tests.activities.conftest import iso


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    qrcode.make("evidence").save(buffer)
    return buffer.getvalue()


def _pixels(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


async def _upload(actor, data: bytes, name="photo.png", content_type="image/png"):
    return await actor.client.post("/api/v1/uploads", files={"file": (name, data, content_type)})


def _deed(**overrides):
    body = {
        "action": "neighbourly-harmony",
        "description": "帮邻居修好了漏水的水龙头",
        "occurred_at": iso(datetime.now(UTC) - timedelta(hours=1)),
    }
    body.update(overrides)
    return body


async def test_a_resident_uploads_an_image_and_can_fetch_it(world):
    response = await _upload(world.resident, png_bytes())
    assert response.status_code == 201, response.text
    upload = response.json()
    assert upload["content_type"] == "image/png"
    fetched = await world.resident.client.get(f"/api/v1/uploads/{upload['id']}")
    assert fetched.status_code == 200
    assert _pixels(fetched.content) == _pixels(png_bytes())
    assert (await world.worker.client.get(f"/api/v1/uploads/{upload['id']}")).status_code == 200
    elsewhere = await world.other_resident.client.get(f"/api/v1/uploads/{upload['id']}")
    assert elsewhere.status_code == 404


async def test_a_file_that_is_not_an_image_is_refused_whatever_it_claims(world):
    response = await _upload(world.resident, b"%PDF-1.7 not an image", name="x.png")
    assert response.status_code == 415
    assert response.json()["code"] == "not_an_image"


async def test_an_image_above_the_size_limit_is_refused(world, settings):
    big = png_bytes() + b"\0" * settings.max_upload_bytes
    response = await _upload(world.resident, big)
    assert response.status_code == 413


async def test_an_upload_without_a_file_is_refused(world):
    response = await world.resident.client.post(
        "/api/v1/uploads", files={"photo": ("a.png", png_bytes(), "image/png")}
    )
    assert response.status_code == 422
    json_body = await world.resident.client.post("/api/v1/uploads", json={"file": "x"})
    assert json_body.status_code == 415


async def test_a_resident_reports_a_deed_with_evidence_and_a_worker_approves_it(world):
    upload = (await _upload(world.resident, png_bytes())).json()
    reported = await world.resident.client.post(
        "/api/v1/deeds", json=_deed(evidence=[upload["id"]], lat=29.87, lng=121.54)
    )
    assert reported.status_code == 201, reported.text
    deed = reported.json()
    assert (deed["status"], deed["mode"], deed["evidence"]) == ("pending", "report", [upload["id"]])
    pending = await world.worker.client.get("/api/v1/deeds", params={"status": "pending"})
    assert [d["id"] for d in pending.json()["items"]] == [deed["id"]]
    approved = await world.worker.client.post(
        f"/api/v1/deeds/{deed['id']}/review", json={"decision": "approve"}
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    summary = (await world.resident.client.get("/api/v1/me/summary")).json()
    assert summary["actions"] == {"neighbourly-harmony": 1}


async def test_evidence_must_be_the_residents_own_uploads(world):
    foreign = (await _upload(world.worker, png_bytes())).json()
    response = await world.resident.client.post(
        "/api/v1/deeds", json=_deed(evidence=[foreign["id"]])
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_upload"


async def test_a_deed_in_the_future_is_refused(world):
    response = await world.resident.client.post(
        "/api/v1/deeds", json=_deed(occurred_at=iso(datetime.now(UTC) + timedelta(days=1)))
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_times"


async def test_reports_beyond_the_actions_daily_cap_are_refused(world):
    """Default rules: `finish-your-water` counts once a day."""
    first = await world.resident.client.post(
        "/api/v1/deeds", json=_deed(action="finish-your-water")
    )
    assert first.status_code == 201
    second = await world.resident.client.post(
        "/api/v1/deeds", json=_deed(action="finish-your-water")
    )
    assert second.status_code == 409
    assert second.json()["code"] == "daily_cap_reached"


async def test_a_rejected_report_frees_the_days_place(world):
    first = await world.resident.client.post(
        "/api/v1/deeds", json=_deed(action="finish-your-water")
    )
    rejected = await world.worker.client.post(
        f"/api/v1/deeds/{first.json()['id']}/review",
        json={"decision": "reject", "reason": "照片看不清"},
    )
    assert rejected.json()["review_reason"] == "照片看不清"
    again = await world.resident.client.post(
        "/api/v1/deeds", json=_deed(action="finish-your-water")
    )
    assert again.status_code == 201


async def test_rejecting_a_deed_needs_a_reason(world):
    deed = (await world.resident.client.post("/api/v1/deeds", json=_deed())).json()
    response = await world.worker.client.post(
        f"/api/v1/deeds/{deed['id']}/review", json={"decision": "reject"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "reason_required"


async def test_a_deed_is_reviewed_only_once(world):
    deed = (await world.resident.client.post("/api/v1/deeds", json=_deed())).json()
    url = f"/api/v1/deeds/{deed['id']}/review"
    await world.worker.client.post(url, json={"decision": "approve"})
    again = await world.worker.client.post(url, json={"decision": "reject", "reason": "改主意"})
    assert again.status_code == 409
    assert again.json()["code"] == "deed_not_pending"


async def test_a_burst_of_reports_is_flagged_for_the_reviewer(world):
    actions = ["neighbourly-harmony", "zebra-crossing", "finish-your-water", "neighbourly-harmony"]
    for action in actions:
        await world.resident.client.post("/api/v1/deeds", json=_deed(action=action))
    fifth = await world.resident.client.post("/api/v1/deeds", json=_deed(action="waste-sorting"))
    assert fifth.json()["flags"] == ["burst_of_reports"]
    listed = (await world.worker.client.get("/api/v1/deeds")).json()["items"]
    assert listed[0]["flags"] == ["burst_of_reports"]
    assert listed[1]["flags"] == []


async def test_a_worker_attests_a_deed_in_proxy_mode_with_consent_recorded(world):
    response = await world.worker.client.post(
        "/api/v1/deeds/attest",
        json={
            "resident": world.resident.id,
            "action": "zebra-crossing",
            "description": "路口礼让行人",
            "occurred_at": iso(datetime.now(UTC) - timedelta(minutes=30)),
            "proxy": True,
            "consent": "本人口头同意，由社区代为登记",
        },
    )
    assert response.status_code == 201, response.text
    deed = response.json()
    assert (deed["status"], deed["mode"]) == ("approved", "proxy")
    assert deed["consent"] == "本人口头同意，由社区代为登记"
    mine = (await world.resident.client.get("/api/v1/deeds")).json()["items"]
    assert [d["id"] for d in mine] == [deed["id"]]


async def test_proxy_mode_without_consent_is_refused(world):
    response = await world.worker.client.post(
        "/api/v1/deeds/attest",
        json={
            "resident": world.resident.id,
            "action": "zebra-crossing",
            "description": "路口礼让行人",
            "occurred_at": iso(datetime.now(UTC)),
            "proxy": True,
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "代办模式须记录居民同意：请填写 `consent`"


async def test_a_worker_cannot_attest_for_a_resident_outside_their_communities(world):
    response = await world.worker.client.post(
        "/api/v1/deeds/attest",
        json={
            "resident": world.other_resident.id,
            "action": "zebra-crossing",
            "description": "路口礼让行人",
            "occurred_at": iso(datetime.now(UTC)),
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_resident"


async def test_workers_see_only_deeds_of_their_communities(world):
    await world.resident.client.post("/api/v1/deeds", json=_deed())
    theirs = await world.other_worker.client.get("/api/v1/deeds")
    assert theirs.json()["items"] == []
    assert await Deed.all().count() == 1


async def test_the_daily_cap_holds_when_reports_race(world):
    import asyncio

    responses = await asyncio.gather(
        *(
            world.resident.client.post("/api/v1/deeds", json=_deed(action="finish-your-water"))
            for _ in range(6)
        )
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409, 409]


async def test_a_deed_whose_participation_was_taken_back_frees_the_days_place(world):
    """The cap counts the reported participations the ledger holds (docs/credits.md): one a
    district administrator reversed no longer fills the day, as for problem reports."""
    from credits.models import LedgerTransaction

    first = await world.resident.client.post(
        "/api/v1/deeds", json=_deed(action="finish-your-water")
    )
    approved = await world.worker.client.post(
        f"/api/v1/deeds/{first.json()['id']}/review", json={"decision": "approve"}
    )
    assert approved.status_code == 200, approved.text
    posted = await LedgerTransaction.get(
        ref_type="deed", ref_id=first.json()["id"], kind="participation"
    )
    reversed_ = await world.district_admin.client.post(
        f"/api/v1/credits/transactions/{posted.id}/reverse", json={"reason": "重复上报"}
    )
    assert reversed_.status_code == 201, reversed_.text
    again = await world.resident.client.post(
        "/api/v1/deeds", json=_deed(action="finish-your-water")
    )
    assert again.status_code == 201, again.text
    full = await world.resident.client.post("/api/v1/deeds", json=_deed(action="finish-your-water"))
    assert full.json()["code"] == "daily_cap_reached"  # the deed waiting for review holds it


async def test_a_deed_dated_in_beijing_time_is_capped_by_the_rules_in_force_then(world):
    """A change scheduled for later does not reach a deed of now, whatever offset the deed
    was dated with (SQLite compares moments as text: both sides are in UTC)."""
    beijing = timezone(timedelta(hours=8))
    scheduled = await world.district_admin.client.patch(
        "/api/v1/districts/d1/settings",
        json={
            "report_daily_cap": {"finish-your-water": 2},
            "effective_from": iso(datetime.now(UTC) + timedelta(hours=1)),
        },
    )
    assert scheduled.status_code == 200, scheduled.text
    now_in_beijing = iso(datetime.now(beijing) - timedelta(minutes=1))
    deed = _deed(action="finish-your-water", occurred_at=now_in_beijing)
    assert (await world.resident.client.post("/api/v1/deeds", json=deed)).status_code == 201
    second = await world.resident.client.post("/api/v1/deeds", json=deed)
    assert second.status_code == 409, second.text  # the cap of now: once a day
