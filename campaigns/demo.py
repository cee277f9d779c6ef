"""The campaigns part of `seed-demo`: "文明城市我参与" running in the demo district with its
targets, the district's volunteering activities tagged to it, a bonus from today, an event
(文明观赛) with its gates, and the rollup run once so the dashboard shows progress."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from accounts.models import Community, District, Staff
from accounts.schemas import DistrictRulesPatch
from accounts.service import change_rules
from activities.models import Activity
from campaigns import events, service
from campaigns.models import Campaign, CampaignTag
from campaigns.progress import roll_up
from campaigns.schemas import CampaignIn, EventIn, Targets, ZoneIn
from kernel import localtime
from kernel.auth import Principal

TITLE = "文明城市我参与"
GATES = ("东1号门", "东2号门", "西1号门", "西2号门")


async def seed_campaigns(district: District, communities: list[Community]) -> None:
    """Runs once per district: skipped when its campaign exists."""
    if await Campaign.exists(district_id=district.id, title=TITLE):
        return
    admin = await Staff.get(username="haishu-admin")
    who = Principal(kind="staff", id=admin.id, role="district_admin", district_id=district.id)
    today = localtime.today()
    # From now on, taking part earns 5 credits once (the days before earned none).
    await change_rules(district, DistrictRulesPatch(campaign_bonus=5), by=who)
    campaign = await service.create_campaign(
        CampaignIn(
            title=TITLE,
            description="志愿服务、垃圾分类、礼让斑马线，人人参与文明城市创建",
            starts_on=today - timedelta(days=14),
            ends_on=today + timedelta(days=46),
            actions=["neighbourly-harmony", "waste-sorting", "zebra-crossing"],
            activity_kinds=[],
            targets=Targets(participants=300, hours=1200, deeds=500, quiz_completions=600),
            community_targets=Targets(participants=100, hours=400, deeds=150, quiz_completions=200),
            bonus=True,
            badge_name="文明城市参与者",
        ),
        by=who,
    )
    first, _last = localtime.day_bounds(campaign.starts_on, campaign.ends_on)
    for activity in await Activity.filter(
        district_id=district.id, action="volunteering", starts_at__gte=first
    ):
        await CampaignTag.create(
            campaign_id=campaign.id,
            district_id=district.id,
            community_id=activity.community_id,
            activity_id=activity.id,
            tagged_by=who.subject,
        )
    kickoff = datetime.combine(today + timedelta(days=3), time(19, 30), localtime.zone())
    await events.create_event(
        campaign.id,
        EventIn(
            title="文明观赛 · 宁波奥体中心足球赛",
            starts_at=kickoff.astimezone(UTC),
            ends_at=(kickoff + timedelta(hours=2)).astimezone(UTC),
            zones=[ZoneIn(venue="宁波奥体中心体育场", name=gate) for gate in GATES],
        ),
        by=who,
    )
    await roll_up(campaign, today=today, actor="seed")
