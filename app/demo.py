"""`seed-demo`: a believable demo district, safe to run again (it finds what it made)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from accounts.models import Community, District, Resident, Staff, StaffCommunity
from accounts.principals import resident_principal
from accounts.residents import set_phone
from accounts.schemas import DistrictRulesPatch, StaffCreate
from accounts.service import change_rules, create_community, create_district, rules_at
from accounts.staff import create_staff, set_platform_admin
from activities import attendance, deeds, enrolment, records, service
from activities.models import Activity
from campaigns.demo import seed_campaigns
from credits import rewards
from credits.recognition.schemas import BadgeCreate, Criterion
from credits.recognition.service import create_badge
from kernel import localtime
from kernel.auth import Principal
from kernel.db import transaction
from moralbank.assessment_demo import seed_assessment
from moralbank.demo import seed_household_redemption, seed_households
from moralbank.partners_demo import seed_partners
from oversight.demo import seed_oversight
from quiz.demo import seed_quiz

DISTRICT = ("haishu", "海曙区")
COMMUNITIES = [("gulou", "鼓楼社区"), ("yuehu", "月湖社区"), ("nanmen", "南门社区")]
RESIDENTS = [
    ("demo-resident-1", "小王"),
    ("demo-resident-2", "李阿姨"),
    ("demo-resident-3", "陈师傅"),
]
# The numbers residents shared through WeChat's phone button (one chose not to), so workers
# can try finding a resident by the last four digits.
PHONES = {"demo-resident-1": "13800001234", "demo-resident-3": "13900005678"}
# (community, title, action, days from today, local start hour, hours, capacity, place)
ACTIVITIES = [
    ("gulou", "鼓楼步行街文明劝导", "volunteering", -12, 9, 3, 20, (29.8753, 121.5440, "鼓楼")),
    ("gulou", "月湖沿岸垃圾分类宣传", "waste-sorting", -5, 14, 2, 15, (29.8690, 121.5410, "月湖")),
    (
        "yuehu",
        "爱心暖厨房助餐",
        "caring-kitchen",
        -3,
        10,
        4,
        8,
        (29.8672, 121.5397, "月湖社区食堂"),
    ),
    ("gulou", "周末河道清洁", "volunteering", 2, 8, 3, 30, (29.8760, 121.5452, "中山公园")),
    ("nanmen", "敬老院陪伴", "volunteering", 5, 14, 2, 2, (29.8601, 121.5488, "南门敬老院")),
]


async def seed(password: str) -> dict[str, Any]:
    system = Principal(kind="staff", id="seed", role="platform_admin")
    async with transaction():
        await set_platform_admin("admin", password)
        district = await District.get_or_none(code=DISTRICT[0]) or await create_district(
            code=DISTRICT[0], name=DISTRICT[1], by=system
        )
        communities = []
        for code, name in COMMUNITIES:
            community = await Community.get_or_none(district_id=district.id, code=code)
            communities.append(community or await create_community(district, code=code, name=name))
        for username, role, community_codes in (
            ("haishu-admin", "district_admin", []),
            ("gulou-worker", "worker", ["gulou"]),
            ("yuehu-worker", "worker", ["yuehu", "nanmen"]),
        ):
            if not await Staff.exists(username=username):
                await create_staff(
                    StaffCreate(
                        username=username,
                        password=password,
                        role=role,
                        district=district.code,
                        communities=community_codes,
                    ),
                    by=system,
                )
        for index, (openid, nickname) in enumerate(RESIDENTS):
            if not await Resident.exists(openid=openid):
                community = communities[index % len(communities)]
                resident = await Resident.create(
                    openid=openid,
                    nickname=nickname,
                    district=district,
                    community=community,
                    public_profile=index != 1,
                )
                if openid in PHONES:
                    await set_phone(resident, PHONES[openid])
        await _seed_participation(district, communities)
        oversight_logins = await seed_oversight(district, communities, password)
        await seed_households(district, communities)
        await seed_assessment(district, communities)
        await seed_household_redemption(district)
        await seed_campaigns(district, communities)
        await seed_quiz(district)
        await seed_partners(district, communities, password)
    return {
        "staff_logins": {
            name: password for name in ("admin", "haishu-admin", "gulou-worker", "yuehu-worker")
        }
        | oversight_logins,
        "resident_logins": [f"dev-{openid}" for openid, _ in RESIDENTS],
        "how": "POST /api/v1/auth/login {username,password}; POST /api/v1/auth/wechat {code}",
    }


async def _seed_participation(district: District, communities: list[Community]) -> None:
    """The moral bank on (back-filled hours earn), past activities with verified hours,
    upcoming ones with enrolments, and deeds reported, attested and reviewed. Skipped when
    the activities exist already."""
    if await Activity.exists(district_id=district.id):
        return
    system = Principal(kind="staff", id="seed", role="platform_admin")
    if not (await rules_at(district.id)).moral_bank_enabled:
        await change_rules(
            district,
            DistrictRulesPatch(
                moral_bank_enabled=True,
                # The demo's past hours come from paper sign-in sheets (back-filled).
                backfill_earns_credits=True,
                effective_from=datetime(2000, 1, 1, tzinfo=UTC),
            ),
            by=system,
            seeding=True,
        )
    by_code = {c.code: c for c in communities}
    reviewer = Principal(kind="staff", id="seed", role="district_admin", district_id=district.id)
    residents = await Resident.filter(district_id=district.id).order_by("openid")
    today = localtime.today()
    for code, title, action, days, hour, hours, capacity, place in ACTIVITIES:
        community = by_code[code]
        worker = await Staff.filter(
            community_links__community_id=community.id, role="worker"
        ).first()
        links = await StaffCommunity.filter(staff_id=worker.id) if worker else []
        organiser = Principal(
            kind="staff",
            id=worker.id if worker else "seed",
            role="worker",
            district_id=district.id,
            community_ids=frozenset(link.community_id for link in links),
        )
        starts_at = localtime.at(today + timedelta(days=days), time(hour))
        activity = await service.create_activity(
            who=organiser,
            title=title,
            description=f"{title}，欢迎居民报名参加。",
            action=action,
            community=code,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            capacity=capacity,
            lat=place[0],
            lng=place[1],
            radius_m=300,
            address=place[2],
        )
        for resident in residents:
            who = resident_principal(resident)
            if activity.status == "published":
                await enrolment.enrol(activity.id, who=who)
                continue
            present = await attendance.backfill_attendance(
                activity.id,
                who=organiser,
                resident_id=resident.id,
                checked_in_at=activity.starts_at,
                checked_out_at=activity.ends_at,
                note="演示数据：现场签到表",
            )
            await records.verify_attendance(present.id, by=reviewer, decision="approve")
    first, second = residents[0], residents[1]
    first_who = resident_principal(first)
    reported = await deeds.report_deed(
        who=first_who,
        action="neighbourly-harmony",
        description="帮独居的王奶奶修好了漏水的水龙头",
        occurred_at=datetime.now(UTC) - timedelta(days=1),
        evidence=[],
        lat=None,
        lng=None,
    )
    await deeds.review_deed(reported.id, by=reviewer, decision="approve", reason=None)
    await deeds.report_deed(
        who=first_who,
        action="finish-your-water",
        description="会议结束后带走未喝完的矿泉水",
        occurred_at=datetime.now(UTC) - timedelta(hours=3),
        evidence=[],
        lat=None,
        lng=None,
    )
    await deeds.attest_deed(
        who=reviewer,
        resident_id=second.id,
        action="zebra-crossing",
        description="在鼓楼路口礼让行人",
        occurred_at=datetime.now(UTC) - timedelta(days=2),
        proxy=True,
        consent="李阿姨无智能手机，口头同意由社区代为登记",
    )
    await _seed_console_demo(district, reviewer, residents)


# (title, description, cost, stock)
REWARDS = [
    ("环保购物袋", "可重复使用的帆布购物袋", Decimal(20), 30),
    ("公交一日票", "宁波公交一日通票", Decimal(50), 10),
    ("社区理发券", "社区便民理发服务一次", Decimal(30), 15),
]


async def _seed_console_demo(
    district: District, reviewer: Principal, residents: list[Resident]
) -> None:
    """What a newcomer to the console should find: rewards in stock, a redemption waiting for
    pickup, deeds waiting for review, and residents one hour short of a badge."""
    offered = [
        await rewards.create_reward(
            title=title, description=text, cost=cost, stock=stock, community=None, by=reviewer
        )
        for title, text, cost, stock in REWARDS
    ]
    third = residents[2]
    await rewards.redeem(
        offered[0].id,
        who=resident_principal(third),
    )
    second = residents[1]
    await deeds.report_deed(
        who=resident_principal(second),
        action="waste-sorting",
        description="在小区垃圾分类点帮助邻居正确分类投放",
        occurred_at=datetime.now(UTC) - timedelta(hours=5),
        evidence=[],
        lat=None,
        lng=None,
    )
    # Every demo resident has 9 verified hours: this badge is one hour away.
    await create_badge(
        BadgeCreate(
            code="haishu-rising-volunteer",
            name="海曙志愿新星",
            description="累计经核实的志愿服务时长达到 10 小时。",
            criterion=Criterion(kind="hours_total", threshold=Decimal(10)),
        ),
        by=reviewer,
    )
