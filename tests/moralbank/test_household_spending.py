"""A household's head redeems a reward from the household's credits: held, handed over at the
counter with the pickup code, cancelled or lapsed back to the household; never below zero,
once per Idempotency-Key, and seen by its members as the household's."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from credits.models import LedgerTransaction, Redemption
from kernel.scheduler import run_job
from tests.chinese_text import english_words
from tests.conftest import Actor, World, set_rules_since
from tests.credits.conftest import RULES, credits_of, earn
from tests.credits.test_invariants import assert_ledger_invariants
from tests.moralbank.conftest import form, join
from tests.security.console_session import console_client


async def _funded(world: World, hours: str = "2") -> tuple[dict[str, Any], Actor]:
    """王家 of c1, headed by 甲 with a spouse; the spouse's household action (10 credits an
    hour) earned the household `hours` × 10 credits by the rollup."""
    await set_rules_since(
        "d1", datetime(2001, 1, 1, tzinfo=UTC), **RULES, household_actions=["family-tradition"]
    )
    household = await form(world, world.resident)
    spouse = await world.new_resident("o-spouse")
    await join(world, world.resident, household["id"], spouse)
    await earn(world, spouse.id, hours, action="family-tradition")
    ran = await world.admin.client.post("/api/v1/jobs/household-rollup/run")
    assert ran.json()["status"] == "succeeded", ran.text
    return household, spouse


async def _reward(world: World, cost: object = 5, stock: int = 3, **extra: Any) -> str:
    created = await world.worker.client.post(
        "/api/v1/rewards", json={"title": "大米", "cost": cost, "stock": stock, **extra}
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def _redeem(
    actor: Actor, household: dict[str, Any], reward_id: str, key: str | None = None, **extra: Any
) -> Any:
    return await actor.client.post(
        f"/api/v1/households/{household['id']}/redemptions",
        json={"reward": reward_id, **extra},
        headers={"Idempotency-Key": key} if key else {},
    )


async def _cancel(actor: Actor, household: dict[str, Any], redemption_id: str) -> Any:
    return await actor.client.post(
        f"/api/v1/households/{household['id']}/redemptions/{redemption_id}/cancel"
    )


def _whole(amount: object) -> int:
    """An amount of credits the tests expect to be whole (a fraction fails)."""
    found = Decimal(str(amount))
    assert found == found.to_integral_value(), found
    return int(found)


async def _balance(world: World, household: dict[str, Any]) -> int:
    found = await world.worker.client.get(f"/api/v1/households/{household['id']}")
    return _whole(found.json()["balance"])


async def _stock(world: World, reward_id: str) -> int:
    return int((await world.worker.client.get(f"/api/v1/rewards/{reward_id}")).json()["stock"])


async def _history(actor: Actor, household: dict[str, Any]) -> list[tuple[str, int]]:
    found = await actor.client.get(f"/api/v1/households/{household['id']}/history")
    assert found.status_code == 200, found.text
    return [(e["kind"], _whole(e["amount"])) for e in found.json()["items"]]


async def test_the_head_redeems_from_the_household_and_its_members_see_it(world: World):
    household, spouse = await _funded(world)
    rice = await _reward(world, cost=5)

    held = await _redeem(world.resident, household, rice)

    assert held.status_code == 201, held.text
    assert (held.json()["status"], held.json()["household"]) == ("held", household["id"])
    assert await _balance(world, household) == 15
    assert await _stock(world, rice) == 2
    # The head's own credits are untouched: the household paid.
    assert (await credits_of(world.resident))["balance"] == 0
    assert await _history(spouse, household) == [("hold", -5), ("household", 20)]
    history = await spouse.client.get(f"/api/v1/households/{household['id']}/history")
    assert history.json()["items"][0]["memo"] == "大米"
    for member in (world.resident, spouse):
        listed = await member.client.get(f"/api/v1/households/{household['id']}/redemptions")
        assert [(r["id"], r["household"], r["code"]) for r in listed.json()["items"]] == [
            (held.json()["id"], household["id"], held.json()["code"])
        ]
    # The head made it: it is among their redemptions too, as the household's.
    mine = (await world.resident.client.get("/api/v1/me/redemptions")).json()["items"]
    assert [(r["id"], r["household"]) for r in mine] == [(held.json()["id"], household["id"])]
    staff = (await world.worker.client.get("/api/v1/redemptions")).json()["items"]
    assert [(r["household"], r["household_name"], r["resident"]) for r in staff] == [
        (household["id"], "王家", world.resident.id)
    ]
    await assert_ledger_invariants()


async def test_a_member_still_redeems_from_their_own_credits(world: World):
    household, spouse = await _funded(world)  # the spouse earned 20 credits of their own
    rice = await _reward(world, cost=5)

    own = await spouse.client.post(f"/api/v1/rewards/{rice}/redemptions")

    assert own.status_code == 201, own.text
    assert own.json()["household"] is None
    assert (await credits_of(spouse))["balance"] == 15
    assert await _balance(world, household) == 20
    listed = await world.resident.client.get(f"/api/v1/households/{household['id']}/redemptions")
    assert listed.json()["items"] == []


async def test_only_the_head_spends_the_household_credits(world: World):
    household, spouse = await _funded(world)
    rice = await _reward(world)
    before = await LedgerTransaction.all().count()

    by_member = await _redeem(spouse, household, rice)
    by_outsider = await _redeem(await world.new_resident("o-single"), household, rice)
    by_worker = await world.worker.client.post(
        f"/api/v1/households/{household['id']}/redemptions", json={"reward": rice}
    )

    assert by_member.status_code == 403
    assert by_member.json()["code"] == "not_the_head"
    assert english_words(by_member.json()["detail"]) == []
    assert by_outsider.status_code == 404
    assert by_worker.status_code == 403
    assert (await _balance(world, household), await _stock(world, rice)) == (20, 3)
    assert await LedgerTransaction.all().count() == before
    assert await Redemption.all().count() == 0


async def test_a_household_redeems_only_what_a_member_of_its_community_may(world: World):
    household, _spouse = await _funded(world)
    elsewhere = await world.district_admin.client.post(
        "/api/v1/rewards", json={"title": "二社区专享", "cost": 1, "stock": 1, "community": "d1/c2"}
    )
    district_wide = await world.district_admin.client.post(
        "/api/v1/rewards", json={"title": "公园年卡", "cost": 2, "stock": 1}
    )

    refused = await _redeem(world.resident, household, elsewhere.json()["id"])
    allowed = await _redeem(world.resident, household, district_wide.json()["id"])

    assert refused.status_code == 404
    assert refused.json()["code"] == "reward_not_found"
    assert allowed.status_code == 201, allowed.text
    assert await _balance(world, household) == 18


async def test_redeeming_more_than_the_household_holds_writes_nothing(world: World):
    household, _spouse = await _funded(world, hours="0.3")  # 3 credits
    await earn(world, world.resident.id, "5")  # the head's own 50 do not pay for it
    rice = await _reward(world, cost=5)
    before = await LedgerTransaction.all().count()

    refused = await _redeem(world.resident, household, rice)

    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_credits"
    assert "家庭" in refused.json()["detail"]
    assert english_words(refused.json()["detail"]) == []
    assert (await _balance(world, household), await _stock(world, rice)) == (3, 3)
    assert (await credits_of(world.resident))["balance"] == 50
    assert await LedgerTransaction.all().count() == before
    assert await Redemption.all().count() == 0
    await assert_ledger_invariants()


async def test_the_same_key_redeems_once_and_another_reward_is_refused(world: World):
    household, _spouse = await _funded(world)
    rice = await _reward(world, cost=5)
    oil = await _reward(world, cost=5)

    first = await _redeem(world.resident, household, rice, key="tap-once")
    again = await _redeem(world.resident, household, rice, key="tap-once")
    other = await _redeem(world.resident, household, oil, key="tap-once")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert await _balance(world, household) == 15
    assert await Redemption.all().count() == 1


async def test_parallel_retries_of_one_key_hold_once(world: World):
    household, _spouse = await _funded(world)  # 20 credits: one redemption of 12, not two
    rice = await _reward(world, cost=12, stock=100)

    answers = await asyncio.gather(
        *(_redeem(world.resident, household, rice, key="tap-once") for _ in range(10))
    )

    assert [a.status_code for a in answers] == [201] * 10, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert await _balance(world, household) == 8
    assert await _stock(world, rice) == 99
    await assert_ledger_invariants()


async def test_the_head_on_two_phones_never_takes_the_household_below_zero(world: World):
    household, _spouse = await _funded(world)  # 20 credits: four redemptions of 5
    rice = await _reward(world, cost=5, stock=100)

    answers = await asyncio.gather(*(_redeem(world.resident, household, rice) for _ in range(10)))

    outcomes = Counter(a.json()["code"] if a.status_code >= 400 else a.status_code for a in answers)
    assert outcomes == {201: 4, "insufficient_credits": 6}
    assert await _balance(world, household) == 0
    assert await _stock(world, rice) == 96
    await assert_ledger_invariants()


async def test_the_head_cancels_and_the_credits_return_to_the_household(world: World):
    household, spouse = await _funded(world)
    rice = await _reward(world, cost=5)
    held = (await _redeem(world.resident, household, rice)).json()

    by_member = await _cancel(spouse, household, held["id"])
    as_resident = await world.resident.client.post(f"/api/v1/redemptions/{held['id']}/cancel")
    cancelled = await _cancel(world.resident, household, held["id"])

    assert by_member.status_code == 403
    assert by_member.json()["code"] == "not_the_head"
    assert as_resident.status_code == 409
    assert as_resident.json()["code"] == "redemption_of_household"
    assert english_words(as_resident.json()["detail"]) == []
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "voided"
    assert (await _balance(world, household), await _stock(world, rice)) == (20, 3)
    assert (await credits_of(world.resident))["balance"] == 0
    assert await _history(world.resident, household) == [
        ("void", 5),
        ("hold", -5),
        ("household", 20),
    ]
    history = await spouse.client.get(f"/api/v1/households/{household['id']}/history")
    assert history.json()["items"][0]["memo"] == "户主取消兑换"
    await assert_ledger_invariants()


async def test_a_household_cancels_only_its_own_redemptions(world: World):
    household, spouse = await _funded(world)
    rice = await _reward(world, cost=5)
    own = await spouse.client.post(f"/api/v1/rewards/{rice}/redemptions")  # the spouse's own

    refused = await _cancel(world.resident, household, own.json()["id"])

    assert refused.status_code == 404
    assert (await credits_of(spouse))["balance"] == 15


async def test_headship_handed_over_passes_the_say_over_the_hold(world: World):
    household, spouse = await _funded(world)
    held = (await _redeem(world.resident, household, await _reward(world))).json()
    handed = await world.resident.client.post(
        f"/api/v1/households/{household['id']}/head", json={"resident": spouse.id}
    )
    assert handed.status_code == 200, handed.text

    by_former_head = await _cancel(world.resident, household, held["id"])
    by_new_head = await _cancel(spouse, household, held["id"])

    assert by_former_head.status_code == 403
    assert by_new_head.status_code == 200, by_new_head.text
    assert await _balance(world, household) == 20


async def test_a_worker_hands_a_household_reward_over_with_the_code(world: World):
    household, _spouse = await _funded(world)
    held = (await _redeem(world.resident, household, await _reward(world, cost=5))).json()

    async with console_client(world.app, "c1-worker") as console:
        waiting = await console.get("/console/handover")
        handed = await console.post(
            "/console/handover", data={"code": held["code"]}, follow_redirects=True
        )
        page = await console.get(f"/console/households/{household['id']}")

    assert "家庭“王家”积分兑换" in waiting.text
    assert handed.status_code == 200
    assert "由家庭“王家”的积分兑换" in handed.text
    assert "兑换「大米」" in page.text  # the household's credit history in the console
    found = await world.worker.client.get(f"/api/v1/redemptions/{held['id']}")
    assert found.json()["status"] == "fulfilled"
    again = await world.worker.client.post(
        "/api/v1/redemptions/fulfil", json={"code": held["code"]}
    )
    assert again.status_code == 409
    # The credits held are the district's now; the household's balance stays where the hold
    # left it, and cancelling is too late.
    assert await _balance(world, household) == 15
    late = await _cancel(world.resident, household, held["id"])
    assert late.status_code == 409
    assert late.json()["code"] == "redemption_not_held"
    await assert_ledger_invariants()


async def test_a_lapsed_household_hold_returns_to_the_household(world: World):
    household, spouse = await _funded(world)
    rice = await _reward(world, cost=5)
    held = (await _redeem(world.resident, household, rice)).json()
    await Redemption.filter(id=held["id"]).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )

    run = await run_job("expire-holds")

    assert run is not None and run.stats == {"expired": 1}
    assert (await _balance(world, household), await _stock(world, rice)) == (20, 3)
    listed = await spouse.client.get(f"/api/v1/households/{household['id']}/redemptions")
    assert [(r["id"], r["status"]) for r in listed.json()["items"]] == [(held["id"], "expired")]
    await assert_ledger_invariants()


async def test_a_share_the_household_spent_is_taken_back_once_it_holds_enough(world: World):
    await set_rules_since(
        "d1", datetime(2001, 1, 1, tzinfo=UTC), **RULES, household_actions=["family-tradition"]
    )
    household = await form(world, world.resident)
    earned = await earn(world, world.resident.id, "1", action="family-tradition")  # 10 each
    await world.admin.client.post("/api/v1/jobs/household-rollup/run")
    held = (await _redeem(world.resident, household, await _reward(world, cost=8))).json()
    reversed_ = await world.district_admin.client.post(
        f"/api/v1/credits/transactions/{earned.id}/reverse", json={"reason": "重复登记"}
    )
    assert reversed_.status_code == 201, reversed_.text

    waiting = await world.admin.client.post("/api/v1/jobs/household-rollup/run")
    await _cancel(world.resident, household, held["id"])
    taken = await world.admin.client.post("/api/v1/jobs/household-rollup/run")

    assert waiting.json()["status"] == "succeeded", waiting.text
    assert waiting.json()["stats"]["waiting"] == 1
    assert await _balance(world, household) == 0
    assert taken.json()["stats"] == {"decided": 0, "posted": 0, "reversed": 1, "waiting": 0}
    await assert_ledger_invariants()


async def test_a_redemption_names_nothing_but_the_reward(world: World):
    household, _spouse = await _funded(world)
    rice = await _reward(world)

    named = await world.resident.client.post(
        f"/api/v1/households/{household['id']}/redemptions",
        json={"reward": rice, "household": "elsewhere", "cost": 0},
    )

    assert named.status_code == 422
    assert {e["field"] for e in named.json()["errors"]} == {"household", "cost"}
    assert (await _balance(world, household), await Redemption.all().count()) == (20, 0)


async def test_spending_moves_the_balance_not_the_households_rank(world: World):
    """王家 earned 20 and 李家 10; 王家 spends 15 of its 20 and is still first in c1."""
    wang, _spouse = await _funded(world)
    li_head = await world.new_resident("o-li-head")
    li = await form(world, li_head, name="李家")
    li_son = await world.new_resident("o-li-son")
    await join(world, li_head, li["id"], li_son)
    await earn(world, li_son.id, "1", action="family-tradition")
    ran = await world.admin.client.post("/api/v1/jobs/household-rollup/run")
    assert ran.json()["status"] == "succeeded", ran.text
    rice = await _reward(world, cost=15)

    assert (await _redeem(world.resident, wang, rice)).status_code == 201

    listed = (await world.worker.client.get("/api/v1/households")).json()["items"]
    standing = {h["name"]: (_whole(h["balance"]), h["rank"]) for h in listed}
    assert standing == {"王家": (5, 1), "李家": (10, 2)}
    # Handed over at the counter, the credits are spent for good: the rank still stands.
    code = (await world.resident.client.get("/api/v1/me/redemptions")).json()["items"][0]["code"]
    fulfilled = await world.worker.client.post("/api/v1/redemptions/fulfil", json={"code": code})
    assert fulfilled.status_code == 200, fulfilled.text
    mine = (await world.resident.client.get("/api/v1/me/household")).json()["household"]
    assert (_whole(mine["balance"]), mine["rank"]) == (5, 1)
