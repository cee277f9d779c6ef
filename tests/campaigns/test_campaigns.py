"""Campaigns: created with targets and a badge, activities and deeds tagged or counted by their
action, the rollup's progress per community, the bonus posted once, the badge by the job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from campaigns.progress import count_quiz_completion
from credits.models import LedgerTransaction
from kernel import localtime
from kernel.db import transaction
from tests.activities.conftest import iso, publish, served
from tests.campaigns.conftest import create_campaign, run
from tests.conftest import set_rules_since


async def _attest(world, action: str) -> dict[str, Any]:
    response = await world.worker.client.post(
        "/api/v1/deeds/attest",
        json={
            "resident": world.resident.id,
            "action": action,
            "description": "扶老人过马路",
            "occurred_at": iso(datetime.now(UTC) - timedelta(minutes=30)),
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _verified_hours(world, activity: dict[str, Any], hours: float) -> None:
    attendance = await served(world, world.resident, activity["id"], hours=hours)
    response = await world.worker.client.post(
        f"/api/v1/attendances/{attendance['id']}/verify", json={"decision": "approve"}
    )
    assert response.status_code == 200, response.text


async def test_a_district_admin_creates_a_campaign_residents_of_the_district_see_it(world):
    campaign = await create_campaign(world.district_admin)
    assert campaign["status"] == "running"
    assert campaign["district"] == "d1"
    assert campaign["badge"] == f"campaign-{campaign['id']}"
    assert campaign["targets"]["participants"] == 10
    seen = (await world.resident.client.get("/api/v1/campaigns")).json()["items"]
    assert [c["id"] for c in seen] == [campaign["id"]]
    assert (await world.other_resident.client.get("/api/v1/campaigns")).json()["items"] == []
    other = await world.other_resident.client.get(f"/api/v1/campaigns/{campaign['id']}")
    assert other.status_code == 404
    badges = (await world.resident.client.get("/api/v1/badges", params={"limit": 100})).json()
    assert campaign["badge"] in [b["code"] for b in badges["items"]]


async def test_a_campaign_counting_an_unknown_action_is_refused_in_chinese(world):
    response = await world.district_admin.client.post(
        "/api/v1/campaigns",
        json={
            "title": "文明出行",
            "starts_on": localtime.today().isoformat(),
            "ends_on": localtime.today().isoformat(),
            "actions": ["no-such-action"],
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_campaign_action"
    assert "no-such-action" in response.json()["detail"]
    assert "行动" in response.json()["detail"]


async def test_workers_and_residents_cannot_create_campaigns(world):
    for actor in (world.worker, world.resident):
        response = await actor.client.post("/api/v1/campaigns", json={"title": "x"})
        assert response.status_code == 403


async def test_tagged_activities_and_counted_deeds_roll_up_per_community(world, long_activity):
    await set_rules_since(
        "d1", datetime(2000, 1, 1, tzinfo=UTC), moral_bank_enabled=True, campaign_bonus=5
    )
    campaign = await create_campaign(world.district_admin)
    activity = await publish(world, **long_activity)
    tagged = await world.worker.client.post(
        f"/api/v1/campaigns/{campaign['id']}/tags", json={"activity": activity["id"]}
    )
    assert tagged.status_code == 201, tagged.text
    again = await world.worker.client.post(
        f"/api/v1/campaigns/{campaign['id']}/tags", json={"activity": activity["id"]}
    )
    assert again.status_code == 409
    await _verified_hours(world, activity, 2)
    await _attest(world, "neighbourly-harmony")  # counted by its action
    await _attest(world, "zebra-crossing")  # not counted

    before = (await world.resident.client.get("/api/v1/me/summary")).json()["credits_balance"]
    first = await run(world, "campaigns-rollup")
    assert (first["participants"], first["posted"]) == (1, 1)
    second = await run(world, "campaigns-rollup")
    assert (second["participants"], second["posted"]) == (0, 0)
    after = (await world.resident.client.get("/api/v1/me/summary")).json()["credits_balance"]
    assert after - before == 5  # the bonus, once
    assert await LedgerTransaction.filter(kind="campaign").count() == 1

    progress = (
        await world.district_admin.client.get(f"/api/v1/campaigns/{campaign['id']}/progress")
    ).json()
    by_code = {c["community"]: c for c in progress["communities"]}
    assert by_code["c1"]["period"] == {
        "participants": 1,
        "hours": 2.0,
        "deeds": 1,
        "quiz_completions": 0,
    }
    assert by_code["c1"]["today"]["hours"] == 2.0
    assert by_code["c1"]["targets"]["participants"] == 5
    assert by_code["c1"]["rank"] == 1
    assert by_code["c2"]["period"]["participants"] == 0
    assert progress["total"]["period"]["deeds"] == 1
    assert progress["total"]["targets"]["hours"] == 100

    mine = (await world.resident.client.get(f"/api/v1/campaigns/{campaign['id']}/me")).json()
    assert (mine["joined"], mine["hours"], mine["deeds"], mine["days"]) == (True, 2.0, 1, 1)
    standing = (
        await world.resident.client.get(f"/api/v1/campaigns/{campaign['id']}/standing")
    ).json()
    assert standing["own_community"] == "c1"
    assert [c["community"] for c in standing["communities"]] == ["c1", "c2"]

    await run(world, "award-badges")
    mine = (await world.resident.client.get("/api/v1/me/badges")).json()["items"]
    assert campaign["badge"] in [b["badge"]["code"] for b in mine]


async def test_a_worker_sees_only_their_communities_progress(world):
    campaign = await create_campaign(world.district_admin)
    await run(world, "campaigns-rollup")
    progress = (
        await world.worker.client.get(f"/api/v1/campaigns/{campaign['id']}/progress")
    ).json()
    assert [c["community"] for c in progress["communities"]] == ["c1"]
    other = await world.other_worker.client.get(f"/api/v1/campaigns/{campaign['id']}/progress")
    assert other.status_code == 404


async def test_without_a_bonus_taking_part_earns_no_credits_but_the_badge(world):
    await set_rules_since(
        "d1", datetime(2000, 1, 1, tzinfo=UTC), moral_bank_enabled=True, campaign_bonus=5
    )
    campaign = await create_campaign(world.district_admin, bonus=False)
    await _attest(world, "neighbourly-harmony")
    before = (await world.resident.client.get("/api/v1/me/summary")).json()["credits_balance"]
    await run(world, "campaigns-rollup")
    after = (await world.resident.client.get("/api/v1/me/summary")).json()["credits_balance"]
    assert after == before
    await run(world, "award-badges")
    mine = (await world.resident.client.get("/api/v1/me/badges")).json()["items"]
    assert campaign["badge"] in [b["badge"]["code"] for b in mine]


async def test_an_activity_outside_the_period_or_district_is_not_tagged(world, long_activity):
    today = localtime.today()
    campaign = await create_campaign(
        world.district_admin,
        starts_on=(today + timedelta(days=5)).isoformat(),
        ends_on=(today + timedelta(days=9)).isoformat(),
    )
    assert campaign["status"] == "upcoming"
    activity = await publish(world, **long_activity)
    outside = await world.worker.client.post(
        f"/api/v1/campaigns/{campaign['id']}/tags", json={"activity": activity["id"]}
    )
    assert outside.status_code == 422
    assert outside.json()["code"] == "not_taggable"
    foreign = await world.other_worker.client.post(
        f"/api/v1/campaigns/{campaign['id']}/tags", json={"activity": activity["id"]}
    )
    assert foreign.status_code == 404


async def test_quiz_completions_count_toward_a_campaign_once_per_attempt(world):
    campaign = await create_campaign(world.district_admin)
    now = datetime.now(UTC)
    async with transaction():
        for _ in range(2):
            assert await count_quiz_completion(
                campaign_id=campaign["id"],
                resident_id=world.resident.id,
                attempt_id="01quizattempt0000000000001",
                completed_at=now,
            )
        refused = await count_quiz_completion(
            campaign_id=campaign["id"],
            resident_id=world.other_resident.id,
            attempt_id="01quizattempt0000000000002",
            completed_at=now,
        )
    assert refused is False
    await run(world, "campaigns-rollup")
    progress = (
        await world.district_admin.client.get(f"/api/v1/campaigns/{campaign['id']}/progress")
    ).json()
    assert progress["total"]["period"]["quiz_completions"] == 1
    assert progress["total"]["period"]["participants"] == 1


async def test_a_city_wide_campaign_counts_in_every_district(world):
    campaign = await create_campaign(world.admin, actions=["zebra-crossing"], bonus=False)
    assert campaign["district"] is None
    seen = (await world.other_resident.client.get("/api/v1/campaigns")).json()["items"]
    assert [c["id"] for c in seen] == [campaign["id"]]
    await _attest(world, "zebra-crossing")
    await run(world, "campaigns-rollup")
    progress = (await world.admin.client.get(f"/api/v1/campaigns/{campaign['id']}/progress")).json()
    assert progress["total"]["period"]["participants"] == 1
