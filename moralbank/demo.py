"""The households of `seed-demo`: three families of 海曙区 (two in 鼓楼社区, one in 月湖社区)
with their members' history, the district's household rules, the rollup of what their
members earned, and a reward 王家's head redeemed from the household's credits, waiting at
the counter. Safe to run again: it finds the households and the redemption it made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from accounts.models import Community, District, Household, HouseholdMembership, Resident
from accounts.principals import resident_principal
from accounts.schemas import DistrictRulesPatch
from accounts.service import change_rules, rules_at
from activities import deeds
from credits import rewards
from credits.models import Redemption, Reward
from kernel.auth import Principal
from moralbank import households

# (community, household, head's openid, [(openid, nickname)] of the other members)
HOUSEHOLDS = [
    (
        "gulou",
        "王家",
        "demo-resident-1",
        [("demo-household-1", "王奶奶"), ("demo-household-2", "王小弟")],
    ),
    (
        "gulou",
        "赵家",
        "demo-household-3",
        [("demo-household-4", "赵阿姨")],
    ),
    ("yuehu", "李家", "demo-resident-2", [("demo-household-5", "李叔叔")]),
]
NICKNAMES = {"demo-household-3": "赵大爷"}
# Who was in 王家 and moved away: the history keeps her time in it.
MOVED = ("demo-household-6", "王小妹")
SINCE = timedelta(days=60)
# The moral-bank supermarket's (道德超市) shelf in 鼓楼社区: what 王家 redeems (title, text, cost).
SUPERMARKET = ("道德超市·大米 5 公斤", "鼓楼社区道德超市，凭领取码到社区服务中心领取", Decimal(30))


async def seed_households(district: District, communities: list[Community]) -> None:
    if await Household.exists(district_id=district.id):
        return
    system = Principal(kind="staff", id="seed", role="platform_admin")
    if (await rules_at(district.id)).household_share_percent == 0:
        await change_rules(
            district,
            DistrictRulesPatch(
                household_share_percent=20,
                household_actions=["family-tradition"],
                effective_from=datetime(2000, 1, 2, tzinfo=UTC),
            ),
            by=system,
            seeding=True,
        )
    by_code = {c.code: c for c in communities}
    joined = datetime.now(UTC) - SINCE
    for code, name, head_openid, others in HOUSEHOLDS:
        community = by_code[code]
        head = await _resident(district, community, head_openid, NICKNAMES.get(head_openid))
        household = await Household.create(
            district_id=district.id, community_id=community.id, name=name, head_id=head.id
        )
        for openid, nickname in [(head_openid, None), *others]:
            member = await _resident(district, community, openid, nickname)
            await enrol_member(household, member, joined)
        if name == "王家":
            moved = await _resident(district, community, *MOVED)
            await enrol_member(household, moved, joined)
            await HouseholdMembership.filter(resident_id=moved.id, status="member").update(
                status="ended",
                left_at=datetime.now(UTC) - timedelta(days=10),
                end_kind="removed",
                ended_by="staff:seed",
                end_note="已迁往江北区",
            )
            await Resident.filter(id=moved.id).update(household_id=None)
            grandma = await Resident.get(openid="demo-household-1")
            worker = Principal(
                kind="staff",
                id="seed",
                role="district_admin",
                district_id=district.id,
            )
            await deeds.attest_deed(
                who=worker,
                resident_id=grandma.id,
                action="family-tradition",
                description="王家家训“勤俭持家、与邻为善”入选社区好家风",
                occurred_at=datetime.now(UTC) - timedelta(days=3),
                proxy=True,
                consent="王奶奶无智能手机，口头同意由社区代为登记",
            )
    await households.roll_up()


async def _resident(
    district: District, community: Community, openid: str, nickname: str | None
) -> Resident:
    found = await Resident.get_or_none(openid=openid)
    if found is not None:
        return found
    return await Resident.create(
        openid=openid,
        nickname=nickname or openid,
        district_id=district.id,
        community_id=community.id,
    )


async def enrol_member(household: Household, resident: Resident, joined: datetime) -> None:
    """A demo member of a household since `joined`, registered by the community."""
    await HouseholdMembership.create(
        district_id=household.district_id,
        household_id=household.id,
        resident_id=resident.id,
        status="member",
        joined_at=joined,
        started_by="staff:seed",
        start_note="按户籍登记建立",
    )
    await Resident.filter(id=resident.id).update(household_id=household.id)


async def seed_household_redemption(district: District) -> None:
    """王家's head (小王) redeems the supermarket's rice from the household's credits, held for
    pickup, so a worker of 鼓楼社区 can hand it over with the code 小王 is shown. Once: a
    household that has redeemed anything is left as it is."""
    wang = await Household.get_or_none(district_id=district.id, name="王家")
    if wang is None or wang.head_id is None or await Redemption.exists(household_id=wang.id):
        return
    admin = Principal(kind="staff", id="seed", role="district_admin", district_id=district.id)
    title, text, cost = SUPERMARKET
    community = await Community.get(id=wang.community_id)
    rice = await Reward.get_or_none(district_id=district.id, title=title) or (
        await rewards.create_reward(
            title=title, description=text, cost=cost, stock=20, community=community.code, by=admin
        )
    )
    head = await Resident.get(id=wang.head_id)
    await households.redeem(
        wang.id,
        rice.id,
        by=resident_principal(head),
    )
