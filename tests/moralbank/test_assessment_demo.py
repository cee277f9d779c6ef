"""`seed-demo` shows the assessment's loop: Yuyao's standard, the four households of 鼓楼社区, the
last quarter standing and posted, the quarter under way open, 周家's result of it published with
周大姐's objection and photo waiting for the community — once, however often it runs."""

from __future__ import annotations

from decimal import Decimal

from app.demo import seed
from kernel import localtime
from moralbank.assessment_demo import OBJECTION
from tests.security.console_session import console_client


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
    # the quarter under way: open for all but 周家, published with an objection (below)
    assert await Assessment.filter(period=now, status="open").count() == 3
    assert await Assessment.filter(period=now, status="published").count() == 1
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


async def test_the_demo_has_an_objection_with_its_photo_on_the_communitys_review_screen(app):
    from accounts.models import Household
    from moralbank.assessment_models import Assessment, AssessmentObjection

    await seed("demo-password-2026")
    await seed("demo-password-2026")
    objection = await AssessmentObjection.get()  # one, however often the demo runs
    assert objection.decision is None and len(objection.photos) == 1
    zhou = await Household.get(name="周家")
    found = await Assessment.get(id=objection.assessment_id)
    assert (found.household_id, found.period) == (zhou.id, localtime.quarter_of(localtime.now()))
    assert found.score == 99  # full marks (100) less the point deducted for waste
    async with console_client(app, "gulou-worker", "demo-password-2026") as worker:
        screen = await worker.get(f"/console/assessment/{found.id}")
        photo = await worker.get(f"/console/oversight/photos/{objection.photos[0]}")
    shown = screen.text.split('class="panel objection"', 1)[1].split("</section>", 1)[0]
    assert OBJECTION[4] in shown
    assert f'href="/console/oversight/photos/{objection.photos[0]}"' in shown
    assert "维持原评" in shown  # waiting for the worker's decision
    assert (photo.status_code, photo.headers["content-type"]) == (200, "image/png")
    assert OBJECTION[3] in screen.text  # the deduction's reason, beside the item
