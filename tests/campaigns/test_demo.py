"""`seed-demo` shows a running campaign "文明城市我参与" in 海曙区 with targets, tagged
activities, an event with its gates, and the rollup's progress; safe to run again."""

from __future__ import annotations

from app.demo import seed
from campaigns.models import Campaign, CampaignDay, CampaignEvent, CampaignTag, EventZone
from campaigns.progress import status_of
from kernel import localtime


async def test_the_demo_has_a_running_campaign_with_progress_and_an_event(app):
    await seed("demo-password-2026")
    await seed("demo-password-2026")
    campaign = await Campaign.get(title="文明城市我参与")
    assert status_of(campaign, localtime.today()) == "running"
    assert campaign.total_targets["participants"] == 300
    assert await CampaignTag.filter(campaign_id=campaign.id).count() >= 2
    assert await CampaignDay.filter(campaign_id=campaign.id).count() >= 1
    event = await CampaignEvent.get(campaign_id=campaign.id)
    assert await EventZone.filter(event_id=event.id).count() == 4
    assert await Campaign.all().count() == 1
