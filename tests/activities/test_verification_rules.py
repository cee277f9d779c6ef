"""Each action's verification rule is applied, not only shown: evidence where it is required,
attestation only where only a worker may record it, activities for check-in-only actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.activities.conftest import iso
from tests.activities.test_deeds import _upload, png_bytes


def _report(action: str, **extra):
    return {
        "action": action,
        "description": "做了一件好事",
        "occurred_at": iso(datetime.now(UTC) - timedelta(hours=1)),
        **extra,
    }


def _attest(world, action: str):
    return {
        "resident": world.resident.id,
        "action": action,
        "description": "社区见证",
        "occurred_at": iso(datetime.now(UTC) - timedelta(hours=1)),
    }


async def test_a_family_tradition_report_without_evidence_is_refused(world):
    response = await world.resident.client.post("/api/v1/deeds", json=_report("family-tradition"))
    assert (response.status_code, response.json()["code"]) == (422, "evidence_required")
    assert response.json()["detail"] == "“甬尚好家风”需要至少一张照片作为佐证。"
    photo = (await _upload(world.resident, png_bytes())).json()
    with_photo = await world.resident.client.post(
        "/api/v1/deeds", json=_report("family-tradition", evidence=[photo["id"]])
    )
    assert with_photo.status_code == 201, with_photo.text


async def test_volunteering_cannot_be_self_reported_or_attested(world):
    reported = await world.resident.client.post("/api/v1/deeds", json=_report("volunteering"))
    assert (reported.status_code, reported.json()["code"]) == (422, "check_in_only")
    attested = await world.worker.client.post(
        "/api/v1/deeds/attest", json=_attest(world, "volunteering")
    )
    assert (attested.status_code, attested.json()["code"]) == (422, "check_in_only")


async def test_keeping_promises_is_recorded_by_a_worker_only(world):
    reported = await world.resident.client.post("/api/v1/deeds", json=_report("keep-promises"))
    assert (reported.status_code, reported.json()["code"]) == (422, "attestation_only")
    attested = await world.worker.client.post(
        "/api/v1/deeds/attest", json=_attest(world, "keep-promises")
    )
    assert attested.status_code == 201, attested.text


async def test_a_frugal_banquet_is_not_reported_as_a_deed(world):
    reported = await world.resident.client.post("/api/v1/deeds", json=_report("frugal-banquets"))
    assert (reported.status_code, reported.json()["code"]) == (422, "event_filing_only")


async def test_actions_show_their_rule_and_its_wording(world):
    actions = {a["code"]: a for a in (await world.resident.client.get("/api/v1/actions")).json()}
    assert actions["volunteering"]["verification_rule"] == "check_in_only"
    assert actions["volunteering"]["verification"] == "参加活动并现场签到，按时长计入。"
    assert actions["family-tradition"]["verification_rule"] == "self_report_with_evidence"
    english = await world.resident.client.get("/api/v1/actions", headers={"Accept-Language": "en"})
    by_code = {a["code"]: a for a in english.json()}
    assert by_code["keep-promises"]["verification"] == "Only a community worker can record it."
