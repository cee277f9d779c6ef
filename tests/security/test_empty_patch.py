"""An empty PATCH changes nothing and writes nothing: no new version, history row or
outbox message, and the resource reads as before — on every PATCH route of the document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import Tortoise

from tests.activities.conftest import publish
from tests.moralbank_partners.conftest import CONTACT, TERMS


async def _row_counts() -> dict[str, int]:
    counts = {}
    for app_models in Tortoise.apps.values():
        for name, model in app_models.items():
            counts[name] = await model.all().count()
    return counts


async def test_an_empty_patch_writes_nothing_on_any_patch_route(world):
    soon = datetime.now(UTC) + timedelta(days=2)
    activity = await publish(
        world, starts_at=soon.isoformat(), ends_at=(soon + timedelta(hours=2)).isoformat()
    )
    reward = await world.worker.client.post(
        "/api/v1/rewards", json={"title": "环保袋", "cost": 2, "stock": 10}
    )
    reward_id = reward.json()["id"]
    merchant = await world.district_admin.client.post(
        "/api/v1/green-card-merchants",
        json={"name": "汤圆店", "address": "鼓楼步行街", "courtesy": "九折"},
    )
    merchant_id = merchant.json()["id"]
    partner = await world.district_admin.client.post(
        "/api/v1/partners", json={"name": "海曙农商银行", "contact": CONTACT, "terms": TERMS}
    )
    partner_id = partner.json()["partner"]["id"]
    # Each PATCH route: who may patch it, and where it reads back.
    routes: dict[str, tuple[Any, str]] = {
        "/api/v1/me": (world.resident, "/api/v1/me"),
        "/api/v1/districts/{code}/settings": (world.admin, "/api/v1/districts/d1"),
        "/api/v1/activities/{activity_id}": (
            world.worker,
            f"/api/v1/activities/{activity['id']}",
        ),
        "/api/v1/rewards/{reward_id}": (world.worker, f"/api/v1/rewards/{reward_id}"),
        "/api/v1/oversight/rules": (world.district_admin, "/api/v1/oversight/rules"),
        "/api/v1/districts/{code}/communities/{community_code}": (
            world.admin,
            "/api/v1/districts/d1/communities",
        ),
        "/api/v1/green-card-merchants/{merchant_id}": (
            world.district_admin,
            f"/api/v1/green-card-merchants/{merchant_id}",
        ),
        "/api/v1/partners/{partner_id}": (world.district_admin, f"/api/v1/partners/{partner_id}"),
    }
    document = (await world.admin.client.get("/openapi.json")).json()
    patchable = {path for path, operations in document["paths"].items() if "patch" in operations}
    assert patchable == set(routes), "a PATCH route this test does not know"
    ids = {
        "code": "d1",
        "community_code": "c1",
        "activity_id": activity["id"],
        "reward_id": reward_id,
        "merchant_id": merchant_id,
        "partner_id": partner_id,
    }
    for template, (who, readback) in routes.items():
        empty_bodies: tuple[dict[str, Any] | None, ...] = ({}, None)
        for body in empty_bodies:
            before, counts = (await who.client.get(readback)).json(), await _row_counts()
            answer = await who.client.patch(template.format(**ids), json=body)
            assert answer.status_code == 200, (template, answer.text)
            assert await _row_counts() == counts, template
            assert (await who.client.get(readback)).json() == before, template
