"""Endpoints of campaigns: created by administrators, tagged by staff, followed by everyone
(`campaigns.service`, `campaigns.progress`)."""

from __future__ import annotations

from typing import Any

from activities.errors import UnknownAction
from campaigns import progress, service
from campaigns.errors import (
    AlreadyTagged,
    NotTaggable,
    UnknownCampaignAction,
    UnknownDistrict,
)
from campaigns.models import CampaignTag
from campaigns.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignQuery,
    MyProgressOut,
    ProgressOut,
    StandingOut,
    TagIn,
    TagOut,
)
from campaigns.scope import FOLLOWS_CAMPAIGNS, RUNS_CAMPAIGNS, readable_campaign
from kernel.auth import Principal, Role
from kernel.http import Api, Page, paginate

api = Api("campaigns")
EVERYONE: tuple[Role, ...] = ("resident", *FOLLOWS_CAMPAIGNS)


@api.post(
    "/api/v1/campaigns",
    roles=RUNS_CAMPAIGNS,
    body=CampaignIn,
    response=CampaignOut,
    status=201,
    idempotent=True,
    errors=(UnknownCampaignAction, UnknownDistrict),
)
async def create_campaign(who: Principal, body: CampaignIn) -> CampaignOut:
    """A campaign of the caller's district (platform administrators: of a district, or of the
    whole city), with its targets and its badge."""
    campaign = await service.create_campaign(body, by=who)
    return (await service.campaign_views([campaign]))[0]


@api.get("/api/v1/campaigns", roles=EVERYONE, query=CampaignQuery, response=Page[CampaignOut])
async def list_campaigns(who: Principal, query: CampaignQuery) -> dict[str, Any]:
    """The district's campaigns and the city's, newest first; residents see those running."""
    page = await paginate(service.campaigns_for(who, running=query.running), query)
    page["items"] = await service.campaign_views(page["items"])
    return page


@api.get("/api/v1/campaigns/{campaign_id}", roles=EVERYONE, response=CampaignOut)
async def get_campaign(who: Principal, campaign_id: str) -> CampaignOut:
    campaign = await readable_campaign(campaign_id, who=who)
    return (await service.campaign_views([campaign]))[0]


@api.post(
    "/api/v1/campaigns/{campaign_id}/tags",
    roles=("worker", "district_admin"),
    body=TagIn,
    response=TagOut,
    status=201,
    errors=(AlreadyTagged, NotTaggable, UnknownAction),
)
async def tag(who: Principal, campaign_id: str, body: TagIn) -> CampaignTag:
    """Tags an activity the caller runs or a deed they review to the campaign: it counts
    toward the campaign when it falls in its period and district."""
    return await service.tag(campaign_id, body, by=who)


@api.get("/api/v1/campaigns/{campaign_id}/progress", roles=FOLLOWS_CAMPAIGNS, response=ProgressOut)
async def campaign_progress(who: Principal, campaign_id: str) -> ProgressOut:
    """Progress against the targets of each community the caller serves, today and over the
    period, as the latest rollup counted it."""
    campaign = await readable_campaign(campaign_id, who=who)
    found = await progress.community_progress(campaign, who=who)
    return ProgressOut(
        campaign=campaign.id, day=found.day, total=found.total, communities=found.communities
    )


@api.get("/api/v1/campaigns/{campaign_id}/me", roles=("resident",), response=MyProgressOut)
async def my_progress(who: Principal, campaign_id: str) -> MyProgressOut:
    """The caller's own part in the campaign."""
    campaign = await readable_campaign(campaign_id, who=who)
    part = await progress.own_part(campaign, who.id)
    return MyProgressOut.from_model(part, campaign=campaign.id)


@api.get("/api/v1/campaigns/{campaign_id}/standing", roles=("resident",), response=StandingOut)
async def standing(who: Principal, campaign_id: str) -> StandingOut:
    """How the communities of the caller's district stand in the campaign (the rollup's)."""
    campaign = await readable_campaign(campaign_id, who=who)
    found = await progress.community_progress(campaign, who=who)
    own = next((c.community for c in found.communities if c.own), None)
    return StandingOut(campaign=campaign.id, own_community=own, communities=found.communities)
