"""A district administrator changes the district's rules: merged per key, checked against the
district's actions, never dated into the past, and answered with what each action earns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accounts.models import DistrictRulesVersion

SETTINGS = "/api/v1/districts/d1/settings"


async def test_changing_one_action_keeps_the_others_and_the_default(world):
    admin = world.district_admin.client
    first = await admin.patch(SETTINGS, json={"credits_per_hour": {"volunteering": 12}})
    assert first.status_code == 200, first.text
    second = await admin.patch(SETTINGS, json={"credits_per_hour": {"caring-kitchen": 15}})
    assert second.json()["credits_per_hour"] == {
        "default": 10,
        "volunteering": 12,
        "caring-kitchen": 15,
    }


async def test_a_report_map_without_default_keeps_the_previous_default(world):
    admin = world.district_admin.client
    response = await admin.patch(
        SETTINGS,
        json={"moral_bank_enabled": True, "credits_per_report": {"zebra-crossing": 3}},
    )
    assert response.json()["credits_per_report"] == {"default": 2, "zebra-crossing": 3}
    earning = {e["action"]: e for e in response.json()["earnings"]}
    assert earning["waste-sorting"]["credits_per_report"] == 2


async def test_removing_the_default_is_refused(world):
    response = await world.district_admin.client.patch(
        SETTINGS, json={"credits_per_report": {"default": None}}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "default_required"


async def test_an_action_can_be_dropped_back_to_the_default(world):
    admin = world.district_admin.client
    await admin.patch(SETTINGS, json={"credits_per_hour": {"volunteering": 12}})
    response = await admin.patch(SETTINGS, json={"credits_per_hour": {"volunteering": None}})
    assert response.json()["credits_per_hour"] == {"default": 10}


async def test_an_unknown_action_code_is_refused_and_nothing_changes(world):
    admin = world.district_admin.client
    before = await DistrictRulesVersion.filter(district_id=world.district_id).count()
    response = await admin.patch(SETTINGS, json={"credits_per_hour": {"nonexistent-action": 5}})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unknown_action"
    assert body["errors"][0]["field"] == "credits_per_hour.nonexistent-action"
    assert await DistrictRulesVersion.filter(district_id=world.district_id).count() == before


async def test_a_district_s_own_action_may_be_given_credits(world):
    created = await world.district_admin.client.post(
        "/api/v1/actions",
        json={"code": "river-patrol", "name": "护河巡查", "description": "巡河"},
    )
    assert created.status_code == 201, created.text
    response = await world.district_admin.client.patch(
        SETTINGS, json={"credits_per_hour": {"river-patrol": 20}}
    )
    assert response.status_code == 200, response.text


async def test_an_empty_change_writes_nothing(world):
    before = await DistrictRulesVersion.filter(district_id=world.district_id).count()
    response = await world.district_admin.client.patch(SETTINGS, json={})
    assert response.status_code == 200
    assert response.json()["written"] is False
    same = await world.district_admin.client.patch(SETTINGS, json={"geofence_radius_m": 300})
    assert same.json()["written"] is False
    assert await DistrictRulesVersion.filter(district_id=world.district_id).count() == before


async def test_a_change_dated_in_the_past_is_refused(world):
    three_days_ago = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    response = await world.district_admin.client.patch(
        SETTINGS, json={"moral_bank_enabled": True, "effective_from": three_days_ago}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "retroactive_rules_change"


async def test_the_answer_says_what_a_two_hour_activity_earns(world):
    response = await world.district_admin.client.patch(
        SETTINGS,
        json={"moral_bank_enabled": True, "credits_per_hour": {"volunteering": 12}},
        headers={"Accept-Language": "en"},
    )
    earning = {e["action"]: e for e in response.json()["earnings"]}
    assert "A 2-hour" in earning["volunteering"]["example"]
    assert "earns 24 credits" in earning["volunteering"]["example"]
    chinese = await world.district_admin.client.get("/api/v1/districts/d1")
    volunteering = next(e for e in chinese.json()["earnings"] if e["action"] == "volunteering")
    assert "24 积分" in volunteering["example"]


async def test_a_closed_moral_bank_says_nothing_earns_credits(world):
    detail = await world.district_admin.client.get(
        "/api/v1/districts/d1", headers={"Accept-Language": "en"}
    )
    assert all("earns no credits" in e["example"] for e in detail.json()["earnings"])


async def test_preview_shows_the_outcome_and_writes_nothing(world):
    before = await DistrictRulesVersion.filter(district_id=world.district_id).count()
    response = await world.district_admin.client.post(
        f"{SETTINGS}/preview",
        json={"moral_bank_enabled": True, "credits_per_hour": {"volunteering": 7}},
    )
    assert response.status_code == 200, response.text
    assert response.json()["written"] is False
    earning = {e["action"]: e for e in response.json()["earnings"]}
    assert earning["volunteering"]["credits_per_hour"] == 7
    assert await DistrictRulesVersion.filter(district_id=world.district_id).count() == before


async def test_a_participation_names_the_rules_version_it_was_computed_by(world):
    from decimal import Decimal

    from credits.service import record_participation
    from kernel.db import transaction

    changed = await world.district_admin.client.patch(SETTINGS, json={"moral_bank_enabled": True})
    version = changed.json()["version"]
    async with transaction():
        posted = await record_participation(
            district_id=world.district_id,
            resident_id=world.resident.id,
            action="volunteering",
            hours=Decimal(1),
            source="service_record",
            source_id="record-1",
            occurred_at=datetime.now(UTC),
            actor="staff:test",
        )
    shown = await world.district_admin.client.get(f"/api/v1/credits/transactions/{posted.id}")
    assert shown.json()["rules_version"] == version
    versions = await world.district_admin.client.get(f"{SETTINGS}/versions")
    assert version in [v["id"] for v in versions.json()["items"]]
