"""Endpoints of campaigns: created by administrators, tagged by staff, followed by everyone
(`campaigns.service`, `campaigns.progress`)."""

from __future__ import annotations

from typing import Any

from activities.errors import DailyCapReached, UnknownAction, UnknownResident
from activities.models import Deed
from activities.schemas.deeds import DeedOut
from campaigns import events, progress, service
from campaigns.errors import (
    AlreadyCheckedIn,
    AlreadyTagged,
    EventNotOpen,
    NotCheckedIn,
    NotTaggable,
    TaskReported,
    UnknownCampaignAction,
    UnknownDistrict,
    ZoneCodeExpired,
    ZoneCodeInvalid,
)
from campaigns.gate import issue_gate_code
from campaigns.models import CampaignEvent, CampaignTag
from campaigns.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignQuery,
    EventCheckinIn,
    EventCheckinOut,
    EventIn,
    EventOut,
    GateCodeOut,
    MyProgressOut,
    ProgressOut,
    StandingOut,
    TagIn,
    TagOut,
    TaskIn,
    ZoneOut,
)
from campaigns.scope import (
    FOLLOWS_CAMPAIGNS,
    RUNS_CAMPAIGNS,
    managed_zone,
    readable_campaign,
    readable_event,
    readable_events,
)
from kernel.auth import Principal, Role
from kernel.http import Api, Page, PageQuery, paginate

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


# --- events (文明观赛) ---------------------------------------------------------------------


async def _event_views(found: list[CampaignEvent]) -> list[EventOut]:
    zones = await events.zones_of(found)
    return [
        EventOut.from_model(
            e,
            zones=[ZoneOut.from_model(z) for z in zones[e.id]],
            tasks=list(events.TASKS),
        )
        for e in found
    ]


@api.post(
    "/api/v1/campaigns/{campaign_id}/events",
    roles=RUNS_CAMPAIGNS,
    body=EventIn,
    response=EventOut,
    status=201,
    idempotent=True,
    errors=(UnknownDistrict,),
)
async def create_event(who: Principal, campaign_id: str, body: EventIn) -> EventOut:
    """An event of the campaign with its venues' zones; its civility tasks become actions of
    its district (every district's for a city-wide campaign)."""
    event, _zones = await events.create_event(campaign_id, body, by=who)
    return (await _event_views([event]))[0]


@api.get("/api/v1/events", roles=EVERYONE, query=PageQuery, response=Page[EventOut])
async def list_events(who: Principal, query: PageQuery) -> dict[str, Any]:
    """Events of the caller's district and of city-wide campaigns, newest first."""
    page = await paginate(readable_events(who).rows(), query)
    page["items"] = await _event_views(page["items"])
    return page


@api.get("/api/v1/events/{event_id}", roles=EVERYONE, response=EventOut)
async def get_event(who: Principal, event_id: str) -> EventOut:
    return (await _event_views([await readable_event(event_id, who=who)]))[0]


@api.get("/api/v1/event-zones/{zone_id}/gate-code", roles=FOLLOWS_CAMPAIGNS, response=GateCodeOut)
async def gate_code(who: Principal, zone_id: str) -> GateCodeOut:
    """The code the zone's gate shows now (valid 30 to 60 seconds; show it as a QR of
    `link` and fetch it again as it rotates)."""
    zone = await managed_zone(zone_id, who=who)
    code, expires_at, link = issue_gate_code(zone.id)
    return GateCodeOut(zone=zone.id, code=code, link=link, expires_at=expires_at)


@api.post(
    "/api/v1/events/{event_id}/check-in",
    roles=("resident",),
    body=EventCheckinIn,
    response=EventCheckinOut,
    status=201,
    errors=(AlreadyCheckedIn, EventNotOpen, ZoneCodeExpired, ZoneCodeInvalid),
)
async def check_in(who: Principal, event_id: str, body: EventCheckinIn) -> events.CheckedIn:
    """Checks the caller in at the event, in the zone whose gate code they scanned; once."""
    return await events.check_in(event_id, body.code, who=who)


@api.post(
    "/api/v1/events/{event_id}/tasks",
    roles=("resident",),
    body=TaskIn,
    response=DeedOut,
    status=201,
    errors=(DailyCapReached, EventNotOpen, NotCheckedIn, TaskReported, UnknownResident),
)
async def report_task(who: Principal, event_id: str, body: TaskIn) -> Deed:
    """A civility task done at the event (带走垃圾, 有序离场), reported as a deed for review and
    counted toward the campaign once approved."""
    return await events.report_task(event_id, body.task, body.description, who=who)
