"""A district's oversight rules are versioned: a change adds a version, the old one is kept."""

from __future__ import annotations

from oversight.models import OversightRulesVersion
from tests.oversight.conftest import SITE


async def test_a_district_adds_its_own_problem_category(world):
    refused = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={"category": "shared-bikes", "description": "共享单车乱停", **SITE},
    )
    assert refused.json()["code"] == "unknown_category"
    rules = (await world.district_admin.client.get("/api/v1/oversight/rules")).json()
    changed = await world.district_admin.client.patch(
        "/api/v1/oversight/rules",
        json={
            "categories": [*rules["categories"], {"code": "shared-bikes", "name": "共享单车乱停"}]
        },
    )
    assert changed.status_code == 200, changed.text
    accepted = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={"category": "shared-bikes", "description": "共享单车乱停", **SITE},
    )
    assert accepted.status_code == 201, accepted.text
    assert await OversightRulesVersion.filter(district_id=world.district_id).count() == 1


async def test_black_must_stay_below_red(world):
    response = await world.district_admin.client.patch(
        "/api/v1/oversight/rules", json={"black_below_score": 95}
    )
    assert response.status_code == 422
    other = (await world.other_worker.client.get("/api/v1/oversight/rules")).json()
    assert other["black_below_score"] == 60.0


async def test_a_rules_change_dated_in_the_past_is_refused_and_nothing_is_written(world):
    response = await world.district_admin.client.patch(
        "/api/v1/oversight/rules",
        json={"black_below_score": 50, "effective_from": "2020-01-01T00:00:00+08:00"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "retroactive_rules_change"
    assert await OversightRulesVersion.filter(district_id=world.district_id).count() == 0
