"""The demo district's moral assessment: Yuyao's standard, a few households of a community
with members, a past quarter assessed, reviewed, published and standing, and in the quarter
under way one household's result published with its objection and photo waiting."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from PIL import Image, ImageDraw

from accounts.models import Community, District, Household, Resident
from kernel import localtime
from kernel.auth import Principal
from moralbank import assessment
from moralbank.assessment_models import Assessment, AssessmentObjection, AssessmentStandard
from moralbank.assessment_schemas import AssessmentReviewIn, AssessmentStandardIn
from moralbank.assessment_standards import define_standard
from moralbank.demo import enrol_member
from oversight.photos import store_photo

YUYAO_STANDARD: dict[str, Any] = {
    "categories": [
        {
            "code": "law-civility",
            "name": "遵纪守法·行为文明",
            "items": [
                {
                    "code": "law",
                    "name": "遵守法律法规",
                    "max_points": 10,
                    "deduction": "有违法行为的，每次扣5分",
                },
                {
                    "code": "traffic",
                    "name": "文明出行",
                    "max_points": 8,
                    "deduction": "交通违法的，每次扣2分",
                },
                {
                    "code": "manners",
                    "name": "文明礼仪",
                    "max_points": 6,
                    "deduction": "有不文明行为的，每次扣2分",
                },
                {
                    "code": "environment",
                    "name": "爱护环境",
                    "max_points": 6,
                    "deduction": "乱扔乱倒、损坏公物的，每次扣2分",
                },
                {
                    "code": "waste",
                    "name": "垃圾分类",
                    "max_points": 6,
                    "deduction": "未分类投放的，每次扣1分",
                },
            ],
        },
        {
            "code": "public-good",
            "name": "热心公益·支持发展",
            "items": [
                {
                    "code": "volunteering",
                    "name": "参加志愿服务",
                    "max_points": 8,
                    "deduction": "本季度未参加志愿服务的，扣4分",
                },
                {
                    "code": "public-affairs",
                    "name": "支持村社建设",
                    "max_points": 8,
                    "deduction": "阻挠公共建设的，每次扣4分",
                },
                {
                    "code": "charity",
                    "name": "扶贫济困",
                    "max_points": 8,
                    "deduction": "有能力而拒不参与互助的，扣2分",
                },
            ],
        },
        {
            "code": "honesty-diligence",
            "name": "诚实守信·勤劳致富",
            "items": [
                {
                    "code": "honesty",
                    "name": "诚实守信",
                    "max_points": 8,
                    "deduction": "有失信行为的，每次扣4分",
                },
                {
                    "code": "repayment",
                    "name": "按时还贷",
                    "max_points": 6,
                    "deduction": "逾期还款的，每次扣3分",
                },
                {
                    "code": "diligence",
                    "name": "勤劳致富",
                    "max_points": 6,
                    "deduction": "好逸恶劳、游手好闲的，扣3分",
                },
            ],
        },
        {
            "code": "family-neighbours",
            "name": "家庭和睦·邻里团结",
            "items": [
                {
                    "code": "harmony",
                    "name": "家庭和睦",
                    "max_points": 6,
                    "deduction": "家庭纠纷经调解的，每次扣2分",
                },
                {
                    "code": "filial",
                    "name": "孝老爱亲",
                    "max_points": 6,
                    "deduction": "不赡养老人的，扣6分",
                },
                {
                    "code": "neighbourly",
                    "name": "邻里团结",
                    "max_points": 4,
                    "deduction": "邻里纠纷经调解的，每次扣2分",
                },
                {
                    "code": "customs",
                    "name": "移风易俗",
                    "max_points": 4,
                    "deduction": "大操大办的，扣2分",
                },
            ],
        },
    ],
    "vetoes": [
        {"code": "crime", "name": "违法犯罪受到刑事处罚"},
        {"code": "vice", "name": "参与黄赌毒或邪教活动"},
        {"code": "defaulter", "name": "被列为失信被执行人"},
    ],
    "neighbour_quota": 5,
    "objection_days": 7,
    "credits_per_point": 1,
    "stars_per_community": 3,
    "star_min_score": 90,
}


def full_marks() -> dict[str, int]:
    """Every item of Yuyao's standard at its maximum."""
    return {
        item["code"]: item["max_points"]
        for category in YUYAO_STANDARD["categories"]
        for item in category["items"]
    }


# (household, member's openid, nickname, points deducted with the reason)
HOUSEHOLDS = [
    ("王家", "demo-resident-1", "小王", None),
    ("赵家", "demo-household-3", "赵大爷", None),
    ("周家", "demo-neighbour-1", "周大姐", ("traffic", 6, "本季度电动车闯红灯一次")),
    ("吴家", "demo-neighbour-2", "吴先生", None),
]
# The quarter under way: the community deducts from 周家 and publishes, 周大姐 objects with a
# photo (household, item deducted, points, reason, the statement).
OBJECTION = (
    "周家",
    "waste",
    5,
    "厨余垃圾混投一次",
    "那袋垃圾是帮楼上老人代扔的，我家每天都分好类再投放，照片是我家的分类垃圾桶。",
)
SEED = Principal(kind="staff", id="seed", role="platform_admin")
REVIEWER = Principal(kind="staff", id="seed", role="worker")


async def seed_assessment(district: District, communities: list[Community]) -> None:
    """In the first community: Yuyao's standard (in force since 2020), three households with a
    member each (a household of the demo with that name is reused), the last quarter assessed
    by each household and its neighbours, reviewed, published and standing (posted), and the
    quarter under way opened. Safe to run again."""
    community = communities[0]
    if not await AssessmentStandard.exists(district_id=district.id):
        await define_standard(
            district,
            AssessmentStandardIn.model_validate(
                {**YUYAO_STANDARD, "effective_from": datetime(2020, 1, 1, tzinfo=UTC)}
            ),
            by=SEED,
            history=True,
        )
    homes = [await _household(district, community, *home[:3]) for home in HOUSEHOLDS]
    last = localtime.previous_quarter(localtime.quarter_of(localtime.now()))
    if not await Assessment.exists(community_id=community.id, period=last):
        await _assess(community, last, homes)
    now = localtime.quarter_of(localtime.now())
    await assessment.open_period(community, now, by=SEED)
    await _objection(district, now, homes)


async def _household(
    district: District, community: Community, name: str, openid: str, nickname: str
) -> tuple[Household, Resident]:
    """The demo's household of that name (moralbank/demo.py seeds most), or a new one headed by
    the member, who joins it as every member does (the membership history)."""
    member = await Resident.get_or_none(openid=openid) or await Resident.create(
        openid=openid, nickname=nickname, district=district, community=community
    )
    household = await Household.get_or_none(
        district_id=district.id, community_id=community.id, name=name
    )
    if household is None:
        household = await Household.create(
            district_id=district.id, community_id=community.id, name=name, head_id=member.id
        )
    if member.household_id is None:
        await enrol_member(household, member, datetime.now(UTC) - timedelta(days=200))
    if member.real_name_verified_at is None:
        member.real_name_verified_at = datetime.now(UTC)
        member.real_name_verified_by = "staff:seed"
        await member.save(update_fields=["real_name_verified_at", "real_name_verified_by"])
    return household, member


async def _assess(
    community: Community, period: str, homes: list[tuple[Household, Resident]]
) -> None:
    """Marks by each household for itself and its neighbours, the community's review (with a
    deduction and its reason), publication, a closed window and the standing posted."""
    await assessment.open_period(community, period, by=SEED)
    opened = {
        a.household_id: a for a in await Assessment.filter(community_id=community.id, period=period)
    }
    marks = {code: Decimal(value) for code, value in full_marks().items()}
    for (household, _member), home in zip(homes, HOUSEHOLDS, strict=True):
        found = opened[household.id]
        for _other, assessor in homes:
            await assessment.mark(found.id, who=_as_resident(assessor), points=marks)
        items = [{"code": code, "points": value, "reason": ""} for code, value in marks.items()]
        deduction = home[3]
        if deduction is not None:
            code, points, reason = deduction
            items = [
                {"code": code, "points": points, "reason": reason} if i["code"] == code else i
                for i in items
            ]
        review = AssessmentReviewIn.model_validate({"items": items})
        await assessment.review(found, review, by=REVIEWER)
        await assessment.publish(found, by=REVIEWER)
    await Assessment.filter(community_id=community.id, period=period).update(
        objection_deadline=datetime.now(UTC) - timedelta(days=1)
    )
    await assessment.stand_due(datetime.now(UTC))


async def _objection(
    district: District, period: str, homes: list[tuple[Household, Resident]]
) -> None:
    """周家's result of the quarter under way, reviewed with a deduction and published; 周大姐
    objects with a photo she took, waiting for the community's decision. Once in the district,
    and only while that result is still open (a demo in use is left as it is)."""
    if await AssessmentObjection.exists(district_id=district.id):
        return
    name, code, points, reason, statement = OBJECTION
    household, member = next(home for home in homes if home[0].name == name)
    found = await Assessment.get_or_none(household_id=household.id, period=period)
    if found is None or found.status != "open":
        return
    items = [
        {"code": item, "points": points, "reason": reason}
        if item == code
        else {"code": item, "points": most, "reason": ""}
        for item, most in full_marks().items()
    ]
    review = AssessmentReviewIn.model_validate({"items": items})
    await assessment.review(found, review, by=REVIEWER)
    await assessment.publish(found, by=REVIEWER)
    objector = _as_resident(member)
    photo = await store_photo(_sorted_bins(), who=objector)
    await assessment.object_to(found, who=objector, statement=statement, photos=[photo.id])


def _sorted_bins() -> bytes:
    """A photo of four sorting bins in their colours (可回收物, 有害垃圾, 厨余垃圾, 其他垃圾)."""
    picture = Image.new("RGB", (640, 480), (226, 220, 206))
    draw = ImageDraw.Draw(picture)
    colours = [(30, 90, 170), (200, 40, 40), (40, 140, 70), (90, 90, 90)]
    for index, colour in enumerate(colours):
        left = 40 + index * 150
        draw.rectangle((left, 170, left + 110, 420), fill=colour)
        draw.rectangle((left - 6, 150, left + 116, 180), fill=tuple(c // 2 for c in colour))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def _as_resident(member: Resident) -> Principal:
    """The member as the mini-program signs them in (a neighbour's mark needs their rights)."""
    return Principal(
        kind="resident",
        id=member.id,
        role="resident",
        district_id=member.district_id,
        community_ids=frozenset({member.community_id or ""}),
    )
