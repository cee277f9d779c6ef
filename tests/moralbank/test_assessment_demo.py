"""`seed-demo` shows the assessment's loop: Yuyao's standard, the four households of 鼓楼社区, the
last quarter standing and posted, the quarter under way open — once, however often it runs."""

from __future__ import annotations

from decimal import Decimal

from app.demo import seed
from kernel import localtime


async def test_the_demo_has_a_past_quarter_standing_and_the_current_one_open(app, client):
    from accounts.models import Household, HouseholdMembership
    from credits.models import LedgerTransaction
    from moralbank.assessment import standing
    from moralbank.assessment_models import Assessment, AssessmentStandard

    await seed("demo-password-2026")
    await seed("demo-password-2026")
    now = localtime.quarter_of(localtime.now())
    last = localtime.previous_quarter(now)
    assert await AssessmentStandard.all().count() == 1
    households = {h.name: h.id for h in await Household.all()}
    # the households' demo (王家, 赵家 of 鼓楼, 李家 of 月湖) and the assessment's neighbours
    assert set(households) == {"王家", "赵家", "李家", "周家", "吴家"}
    zhou = await Household.get(name="周家")
    assert zhou.head_id is not None
    assert await HouseholdMembership.exists(household_id=zhou.id, status="member")
    assert await standing(households["王家"]) is not None
    score, period, _version = await standing(households["周家"]) or (None, None, None)
    assert (score, period) == (Decimal(98), last)
    assert await Assessment.filter(period=now, status="open").count() == 4
    assert await LedgerTransaction.filter(kind="assessment").count() == 4
    login = await client.post(
        "/api/v1/auth/login", json={"username": "gulou-worker", "password": "demo-password-2026"}
    )
    token = login.json()["access_token"]
    stars = await client.get(
        "/api/v1/assessment-stars",
        params={"period": last},
        headers={"Authorization": f"Bearer {token}"},
    )
    ranked = {(s["household_name"], s["rank"]) for s in stars.json()["communities"][0]["stars"]}
    assert ranked == {("王家", 1), ("赵家", 1), ("吴家", 1)}  # 周家 (a deduction) is fourth
