"""The award-badges job over the ledger, as residents and administrators notice it."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from activities.service import TEN_ACTIONS
from credits import service as ledger
from kernel.db import transaction
from kernel.models import Notification
from kernel.scheduler import run_job
from tests.recognition.test_credentials import JWT, status_bit, verify_offline

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning")
_sources = itertools.count(1)


async def participate(
    district_id: str, resident_id: str, *, action: str = "volunteering", hours: str = "0"
) -> str:
    """A verified attendance (or approved deed) as activities posts it; returns its source id."""
    source_id = f"record-{next(_sources)}"
    async with transaction():
        await ledger.record_participation(
            district_id=district_id,
            resident_id=resident_id,
            action=action,
            hours=Decimal(hours),
            source="service_record",
            source_id=source_id,
            occurred_at=datetime.now(UTC),
            actor="staff:test",
        )
    return source_id


async def award(world) -> dict[str, Any]:
    response = await world.admin.client.post("/api/v1/jobs/award-badges/run")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "succeeded", response.json()["error"]
    return dict(response.json()["stats"])


async def my_badges(actor) -> dict[str, dict[str, Any]]:
    response = await actor.client.get("/api/v1/me/badges", params={"limit": 100})
    return {b["badge"]["code"]: b for b in response.json()["items"]}


async def notices(resident_id: str, topic: str) -> list[dict[str, Any]]:
    return [
        n.payload
        for n in await Notification.filter(recipient_id=resident_id, topic=topic).order_by("id")
    ]


async def test_crossing_100_verified_hours_earns_the_one_star_badge_and_a_verifiable_credential(
    world, client
):
    for _ in range(11):
        await participate(world.district_id, world.resident.id, hours="9")
    await award(world)
    assert set(await my_badges(world.resident)) == {"action-volunteering"}  # 11 attendances

    await participate(world.district_id, world.resident.id, hours="1.5")
    stats = await award(world)
    assert stats["awarded"] == 1
    badges = await my_badges(world.resident)
    assert set(badges) == {"star-1", "action-volunteering"}
    url = badges["star-1"]["credential_url"]
    token = (await client.get(url.removeprefix("http://127.0.0.1:8000"), headers=JWT)).text
    credential = await verify_offline(client, token)
    assert credential["credentialSubject"]["achievement"]["name"] == "一星志愿者"
    assert credential["issuer"]["name"] == "一区"

    [upgrade] = await notices(world.resident.id, "star_upgraded")
    assert upgrade["star"] == 1 and upgrade["credential_url"] == url
    [badge_notice] = await notices(world.resident.id, "badge_awarded")
    assert badge_notice["badge_code"] == "action-volunteering"


async def test_each_badge_is_awarded_once_however_often_and_concurrently_the_job_runs(world):
    await participate(world.district_id, world.resident.id, hours="120")
    runs = await asyncio.gather(*(run_job("award-badges") for _ in range(3)))
    assert all(run is not None and run.status == "succeeded" for run in runs)
    await award(world)
    assert sum(run.stats["awarded"] for run in runs if run) == 1
    assert list(await my_badges(world.resident)) == ["star-1"]
    assert len(await notices(world.resident.id, "star_upgraded")) == 1


async def test_crossing_several_star_levels_at_once_is_one_upgrade_notice(world):
    await participate(world.district_id, world.resident.id, hours="650")
    await award(world)
    assert {"star-1", "star-2", "star-3"} <= set(await my_badges(world.resident))
    assert [n["star"] for n in await notices(world.resident.id, "star_upgraded")] == [3]


async def test_action_badges_count_participations_and_all_ten_needs_every_action(world):
    actions = [code for code in TEN_ACTIONS if code != "finish-your-water"]
    for action in actions:
        await participate(world.district_id, world.resident.id, action=action)
    for _ in range(9):
        await participate(world.district_id, world.resident.id, action="zebra-crossing")
    await award(world)
    assert set(await my_badges(world.resident)) == {"action-zebra-crossing"}

    await participate(world.district_id, world.resident.id, action="finish-your-water")
    await award(world)
    assert set(await my_badges(world.resident)) == {"action-zebra-crossing", "all-ten-actions"}


async def test_a_district_badge_counts_only_what_was_done_in_that_district(world):
    created = await world.district_admin.client.post(
        "/api/v1/badges",
        json={
            "code": "first-steps",
            "name": "起步",
            "criterion": {"kind": "hours_total", "threshold": 5},
        },
    )
    assert created.status_code == 201
    await participate(world.district_id, world.resident.id, hours="6")
    await participate(world.other_district_id, world.other_resident.id, hours="6")
    await award(world)
    assert "first-steps" in await my_badges(world.resident)
    assert "first-steps" not in await my_badges(world.other_resident)


async def test_a_resident_who_moved_sees_the_progress_the_job_judges_them_by(world):
    """Progress toward a district's badge counts what was done in that district, as the job
    does; a platform badge counts every district, for both alike."""
    created = await world.district_admin.client.post(
        "/api/v1/badges",
        json={
            "code": "first-steps",
            "name": "起步",
            "criterion": {"kind": "hours_total", "threshold": 5},
        },
    )
    assert created.status_code == 201
    mover = world.other_resident
    await participate(world.other_district_id, mover.id, hours="6")
    moved = await mover.client.patch("/api/v1/me", json={"community": "d1/c1"})
    assert moved.status_code == 200, moved.text
    await participate(world.district_id, mover.id, hours="1")
    progress = {p["code"]: p for p in (await mover.client.get("/api/v1/me/badges/progress")).json()}
    assert (progress["first-steps"]["current"], progress["first-steps"]["remaining"]) == (1, 4)
    assert progress["star-1"]["current"] == 7
    await award(world)
    assert "first-steps" not in await my_badges(mover)  # as the progress said


async def test_credits_earned_counts_earnings_not_what_was_spent(world):
    patched = await world.district_admin.client.patch(
        "/api/v1/districts/d1/settings",
        json={"moral_bank_enabled": True, "credits_per_hour": {"default": 10}},
    )
    assert patched.status_code == 200, patched.text
    await world.district_admin.client.post(
        "/api/v1/badges",
        json={
            "code": "credits-50",
            "name": "积分五十",
            "criterion": {"kind": "credits_earned", "threshold": 50},
        },
    )
    await participate(world.district_id, world.resident.id, hours="4")
    await award(world)
    assert "credits-50" not in await my_badges(world.resident)
    await participate(world.district_id, world.resident.id, hours="1")
    await award(world)
    assert "credits-50" in await my_badges(world.resident)


async def test_a_reversal_below_the_threshold_revokes_the_badge_for_good(world, client):
    kept = await participate(world.district_id, world.resident.id, hours="60")
    false_record = await participate(world.district_id, world.resident.id, hours="45")
    await award(world)
    url = (await my_badges(world.resident))["star-1"]["credential_url"]

    async with transaction():
        await ledger.reverse_participation(
            source="service_record",
            source_id=false_record,
            reason="虚报时长（欺诈）",
            actor="staff:test",
        )
    stats = await award(world)
    assert stats["revoked"] == 1
    star = (await my_badges(world.resident))["star-1"]
    assert star["revoked_at"] is not None
    assert "不满足" in star["revocation_reason"]
    [revoked_notice] = await notices(world.resident.id, "badge_revoked")
    assert revoked_notice["badge_code"] == "star-1"

    credential = await verify_offline(
        client, (await client.get(url.removeprefix("http://127.0.0.1:8000"), headers=JWT)).text
    )
    status = credential["credentialStatus"]
    status_list = await verify_offline(
        client,
        (
            await client.get(
                status["statusListCredential"].removeprefix("http://127.0.0.1:8000"), headers=JWT
            )
        ).text,
    )
    assert status_bit(status_list, int(status["statusListIndex"])) == 1

    await participate(world.district_id, world.resident.id, hours="50")
    stats = await award(world)
    assert stats["awarded"] == 0 and stats["revoked"] == 0
    assert (await my_badges(world.resident))["star-1"]["revoked_at"] is not None
    assert kept


async def test_reruns_read_only_changed_residents_and_a_new_badge_reads_everyone(world):
    await participate(world.district_id, world.resident.id, hours="6")
    assert (await award(world))["pass"] == "full"
    quiet = await award(world)
    assert quiet["pass"] == "incremental" and quiet["candidates"] == 0

    created = await world.district_admin.client.post(
        "/api/v1/badges",
        json={
            "code": "five-hours",
            "name": "五小时",
            "criterion": {"kind": "hours_total", "threshold": 5},
        },
    )
    assert created.status_code == 201
    after_new_badge = await award(world)
    assert after_new_badge["pass"] == "full" and after_new_badge["awarded"] == 1
    assert "five-hours" in await my_badges(world.resident)

    for _ in range(10):
        await participate(world.district_id, world.resident.id, action="waste-sorting")
    incremental = await award(world)
    assert incremental["pass"] == "incremental" and incremental["awarded"] == 1
    assert "action-waste-sorting" in await my_badges(world.resident)


async def test_summary_lists_the_badges_held_and_drops_a_revoked_one(world):
    source = await participate(world.district_id, world.resident.id, hours="120")
    await award(world)
    summary = (await world.resident.client.get("/api/v1/me/summary")).json()
    assert summary["star"] == 1
    assert summary["badges"] == [{"code": "star-1", "name": "一星志愿者"}]
    async with transaction():
        await ledger.reverse_participation(
            source="service_record", source_id=source, reason="fraud", actor="staff:test"
        )
    await award(world)
    after = (await world.resident.client.get("/api/v1/me/summary")).json()
    assert after["badges"] == [] and after["star"] == 0
