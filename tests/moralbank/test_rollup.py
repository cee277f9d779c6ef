"""The district's rules roll members' credits up to their household: a share, or a household
action's whole; once each, by the rules in force when the participation happened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tests.conftest import World, set_rules_since
from tests.credits.conftest import RULES, earn
from tests.moralbank.conftest import form, join


async def _run(world: World) -> dict[str, int]:
    ran = await world.admin.client.post("/api/v1/jobs/household-rollup/run")
    assert ran.status_code == 200, ran.text
    assert ran.json()["status"] == "succeeded", ran.text
    return dict(ran.json()["stats"])


async def test_members_credits_roll_up_to_the_household_once(world: World):
    await set_rules_since(
        "d1",
        datetime(2001, 1, 1, tzinfo=UTC),
        **RULES,
        household_share_percent=10,
        household_actions=["family-tradition"],
    )
    household = await form(world, world.resident)
    spouse = await world.new_resident("o-spouse")
    await join(world, world.resident, household["id"], spouse)
    outsider = await world.new_resident("o-single")

    await earn(world, world.resident.id, "2")  # 20 credits: 2 to the household
    await earn(world, spouse.id, "1", action="family-tradition")  # 10: all 10 to the household
    await earn(world, outsider.id, "3")  # in no household: nothing

    assert await _run(world) == {"decided": 2, "posted": 2, "reversed": 0, "waiting": 0}
    mine = (await world.resident.client.get("/api/v1/me/household")).json()["household"]
    assert Decimal(str(mine["balance"])) == Decimal("12")
    assert mine["rank"] == 1
    # The members keep their own credits.
    own = (await world.resident.client.get("/api/v1/me/summary")).json()
    assert Decimal(str(own["credits_balance"])) == Decimal("20")

    assert await _run(world) == {"decided": 0, "posted": 0, "reversed": 0, "waiting": 0}
    history = await world.resident.client.get(f"/api/v1/households/{household['id']}/history")
    amounts = sorted(Decimal(str(e["amount"])) for e in history.json()["items"])
    assert amounts == [Decimal("2"), Decimal("10")]
    assert {e["action"] for e in history.json()["items"]} == {"volunteering", "family-tradition"}


async def test_no_share_by_default_and_no_retroactive_change(world: World):
    await set_rules_since("d1", datetime(2001, 1, 1, tzinfo=UTC), **RULES)
    household = await form(world, world.resident)
    await earn(world, world.resident.id, "1")
    assert await _run(world) == {"decided": 1, "posted": 0, "reversed": 0, "waiting": 0}
    # A share from now on does not reach the participation already decided.
    changed = await world.district_admin.client.patch(
        "/api/v1/districts/d1/settings", json={"household_share_percent": 50}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["household_share_percent"] == 50
    assert await _run(world) == {"decided": 0, "posted": 0, "reversed": 0, "waiting": 0}
    await earn(world, world.resident.id, "1", occurred_at=datetime.now(UTC) + timedelta(seconds=1))
    assert await _run(world) == {"decided": 1, "posted": 1, "reversed": 0, "waiting": 0}
    mine = (await world.resident.client.get(f"/api/v1/households/{household['id']}")).json()
    assert Decimal(str(mine["balance"])) == Decimal("5")


async def test_household_actions_must_be_actions_of_the_district(world: World):
    refused = await world.district_admin.client.patch(
        "/api/v1/districts/d1/settings", json={"household_actions": ["no-such-action"]}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "household_actions"


async def test_rank_in_the_community_follows_the_households_credits(world: World):
    await set_rules_since(
        "d1", datetime(2001, 1, 1, tzinfo=UTC), **RULES, household_share_percent=100
    )
    wang = await form(world, world.resident, "王家")
    li_head = await world.new_resident("o-li")
    li = await form(world, li_head, "李家")
    await earn(world, world.resident.id, "1")
    await earn(world, li_head.id, "3")
    await _run(world)
    listed = (await world.worker.client.get("/api/v1/households")).json()["items"]
    ranks = {h["id"]: (h["rank"], Decimal(str(h["balance"]))) for h in listed}
    assert ranks == {li["id"]: (1, Decimal("30")), wang["id"]: (2, Decimal("10"))}


async def test_a_reversed_participation_takes_its_share_back(world: World):
    await set_rules_since(
        "d1", datetime(2001, 1, 1, tzinfo=UTC), **RULES, household_share_percent=50
    )
    household = await form(world, world.resident)
    earned = await earn(world, world.resident.id, "2")  # 20 credits: 10 to the household
    await _run(world)
    reversed_ = await world.district_admin.client.post(
        f"/api/v1/credits/transactions/{earned.id}/reverse", json={"reason": "重复登记"}
    )
    assert reversed_.status_code in (200, 201), reversed_.text
    assert await _run(world) == {"decided": 0, "posted": 0, "reversed": 1, "waiting": 0}
    assert await _run(world) == {"decided": 0, "posted": 0, "reversed": 0, "waiting": 0}
    mine = (await world.resident.client.get(f"/api/v1/households/{household['id']}")).json()
    assert Decimal(str(mine["balance"])) == Decimal("0")
    history = await world.resident.client.get(f"/api/v1/households/{household['id']}/history")
    assert sorted(Decimal(str(e["amount"])) for e in history.json()["items"]) == [
        Decimal("-10"),
        Decimal("10"),
    ]
