"""The green card by the district's rule on stars: once a quarter's results all stand, each star
of a community earns its household's head a card where the rule in force at the quarter's end
says so — once, however often or concurrently the job runs, never for a head who holds a card,
never again after the card was revoked — and a rule changed now never reaches a period over."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from decimal import Decimal

from kernel import localtime
from moralbank.assessment_demo import YUYAO_STANDARD
from tests.conftest import World, set_rules_since
from tests.moralbank.assessment_world import household, verified
from tests.security.console_session import console_client

LAST_QUARTER = localtime.previous_quarter(localtime.quarter_of(localtime.now()))


async def _stars(world: World) -> dict[str, str]:
    """Yuyao's standard since 2020 (three stars a community, 90 points at least) and c1's last
    quarter standing: 王家 (headed by 甲) 100, 李家 95, 空户 (everyone left) 96, 张家 80."""
    from accounts.models import District
    from kernel.auth import Principal
    from moralbank.assessment_models import Assessment
    from moralbank.assessment_schemas import AssessmentStandardIn
    from moralbank.assessment_standards import define_standard

    d1, c1 = world.district_id, world.community_id
    standard = await define_standard(
        await District.get(id=d1),
        AssessmentStandardIn.model_validate(
            {**YUYAO_STANDARD, "effective_from": datetime(2020, 1, 1, tzinfo=UTC)}
        ),
        by=Principal(kind="staff", id="test", role="platform_admin"),
        history=True,
    )
    li, zhang = await verified(world, "o-li"), await verified(world, "o-zhang")
    homes = {
        "王家": await household("王家", c1, d1, world.resident.id),
        "李家": await household("李家", c1, d1, li.id),
        "空户": await household("空户", c1, d1, zhang.id),
        "张家": await household("张家", c1, d1, (await world.new_resident("o-zhang-2")).id),
    }
    from accounts.models import Household

    await Household.filter(id=homes["空户"]).update(head_id=None)
    for name, score in (("王家", 100), ("李家", 95), ("空户", 96), ("张家", 80)):
        await Assessment.create(
            district_id=d1,
            community_id=c1,
            household_id=homes[name],
            period=LAST_QUARTER,
            standard_id=standard.id,
            status="standing",
            score=Decimal(score),
            opened_by="test",
        )
    return {"li": li.id, **homes}


async def _run(world: World) -> dict[str, int]:
    ran = await world.admin.client.post("/api/v1/jobs/green-card-stars/run")
    assert ran.status_code == 200, ran.text
    assert ran.json()["status"] == "succeeded", ran.text
    return dict(ran.json()["stats"])


async def _cards_of(world: World) -> list[dict[str, str]]:
    mine = await world.resident.client.get("/api/v1/me/green-cards")
    assert mine.status_code == 200, mine.text
    return list(mine.json()["items"])


async def test_each_star_earns_its_head_one_card_by_the_rule_and_a_revoked_one_stays_revoked(
    world, app
):
    from kernel.scheduler import run_job
    from moralbank.partner_models import GreenCard, GreenCardStar

    homes = await _stars(world)
    held = await world.district_admin.client.post(
        "/api/v1/green-cards", json={"resident": homes["li"], "reason": "照顾孤寡老人"}
    )
    assert held.status_code == 201, held.text
    assert await _run(world) == {"granted": 0, "held": 0, "no_head": 0}  # the rule is off
    assert await _cards_of(world) == []

    await set_rules_since("d1", datetime(2001, 1, 1, tzinfo=UTC), green_card_on_star="quarterly")
    runs = await asyncio.gather(run_job("green-card-stars"), run_job("green-card-stars"))
    assert sorted(run.stats["granted"] for run in runs if run and run.stats) == [0, 1]
    (card,) = await _cards_of(world)
    assert (card["basis"], card["status"]) == ("star", "active")
    period = localtime.period_name(LAST_QUARTER)
    assert card["grant_reason"] == (
        f"王家获评一社区{period}道德之星（100分），按本区道德绿卡规则发放。"
    )
    decided = {
        s.household_id: (s.outcome, s.card_id)
        for s in await GreenCardStar.filter(period=LAST_QUARTER)
    }
    assert decided == {
        homes["王家"]: ("granted", card["id"]),
        homes["李家"]: ("held", held.json()["id"]),
        homes["空户"]: ("no_head", None),
    }
    assert await GreenCard.filter(resident_id=homes["li"]).count() == 1
    inbox = (await world.resident.client.get("/api/v1/me/notifications")).json()["items"]
    told = [n["text"] for n in inbox if n["topic"] == "green_card_granted"]
    assert told == [  # once, though the job ran twice at once
        f"您获得了道德绿卡：王家获评一社区{period}道德之星（100分），按本区道德绿卡规则发放。"
        "向合作商家出示绿卡二维码，即可享受商家礼遇。"
    ]

    async with console_client(app, "d1-admin") as console:
        screen = await console.get(f"/console/moral-bank/green-cards/{card['id']}")
    assert screen.status_code == 200, screen.text
    assert "本区道德之星绿卡规则" in screen.text and period in screen.text

    revoked = await world.district_admin.client.post(
        f"/api/v1/green-cards/{card['id']}/revocation", json={"reason": "违反村规民约"}
    )
    assert revoked.status_code == 200, revoked.text
    assert await _run(world) == {"granted": 0, "held": 0, "no_head": 0}
    assert [(c["id"], c["status"]) for c in await _cards_of(world)] == [(card["id"], "revoked")]


async def test_a_rule_changed_now_never_reaches_a_quarter_that_is_over(world, app):
    await _stars(world)
    admin = world.district_admin.client
    async with console_client(app, "d1-admin") as console:
        saved = await console.post(
            "/console/settings?district=d1", data={"green_card_on_star": "quarterly", "do": "save"}
        )
        assert saved.status_code == 303, saved.text
        rules = await console.get("/console/settings")
    assert rules.status_code == 200, rules.text
    shown = re.search(r'id="green-card-on-star">([^<]+)<', rules.text)
    assert shown is not None and shown.group(1) == "任一季度道德之星的户主获发道德绿卡"
    assert await _run(world) == {"granted": 0, "held": 0, "no_head": 0}
    backdated = await admin.patch(
        "/api/v1/districts/d1/settings",
        json={"green_card_on_star": "quarterly", "effective_from": "2020-01-01T00:00:00+08:00"},
    )
    assert backdated.status_code == 422
    assert backdated.json()["code"] == "retroactive_rules_change"
    # A rule of the year in force at the quarter's end: a quarter's star earns nothing.
    await set_rules_since("d1", datetime(2001, 1, 1, tzinfo=UTC), green_card_on_star="yearly")
    assert await _run(world) == {"granted": 0, "held": 0, "no_head": 0}
    assert await _cards_of(world) == []
