"""Who may see and run what in campaigns: one `Scope` per resource (querysets and SQL from one
condition) and get-by-id that answers 404 outside them. Every route, service and statement of
the domain asks here."""

from __future__ import annotations

from accounts.scope import own_district, served_places
from campaigns.models import Campaign, CampaignDay, CampaignEvent, EventZone
from kernel.auth import Principal, Role
from kernel.errors import NotFound
from kernel.i18n import N_
from kernel.scope import ALWAYS, Condition, Scope, eq, is_null

# Who creates campaigns and events: a district's administrators, the platform's (city-wide).
RUNS_CAMPAIGNS: tuple[Role, ...] = ("district_admin", "platform_admin")
# Who tags activities and deeds, and reads the progress: staff of the places.
FOLLOWS_CAMPAIGNS: tuple[Role, ...] = ("worker", "district_admin", "platform_admin")


def _district_or_city(who: Principal) -> Condition:
    """The caller's district's rows and the city's (no district); platform admins: all."""
    if who.role == "platform_admin":
        return ALWAYS
    return is_null("district_id") | eq("district_id", who.district_id or "")


def readable_campaigns(who: Principal) -> Scope[Campaign]:
    """Everyone reads their district's campaigns and the city-wide ones."""
    return Scope(Campaign, _district_or_city(who))


async def readable_campaign(campaign_id: str, *, who: Principal) -> Campaign:
    found = await readable_campaigns(who).rows().get_or_none(id=campaign_id)
    if found is None:
        raise NotFound(N_("No such campaign."))
    return found


async def managed_campaign(campaign_id: str, *, who: Principal) -> Campaign:
    """A campaign the caller runs: their district's (district admins), any (platform)."""
    if who.role not in RUNS_CAMPAIGNS:
        raise NotFound(N_("No such campaign."))
    found = await Scope(Campaign, own_district(who)).rows().get_or_none(id=campaign_id)
    if found is None:
        raise NotFound(N_("No such campaign."))
    return found


def campaign_days(who: Principal) -> Scope[CampaignDay]:
    """Staff: their communities' or district's rolled-up days; residents: their district's
    communities (the standing)."""
    if who.kind == "resident":
        return Scope(CampaignDay, own_district(who))
    return Scope(CampaignDay, served_places(who).where())


def readable_events(who: Principal) -> Scope[CampaignEvent]:
    """Staff: events of their district (all for platform administrators); residents: their
    district's and those of city-wide campaigns (the venue may lie in another district)."""
    if who.kind == "resident":
        return Scope(CampaignEvent, own_district(who) | eq("city_wide", True))
    return Scope(CampaignEvent, own_district(who))


async def readable_event(event_id: str, *, who: Principal) -> CampaignEvent:
    found = await readable_events(who).rows().get_or_none(id=event_id)
    if found is None:
        raise NotFound(N_("No such event."))
    return found


async def managed_zone(zone_id: str, *, who: Principal) -> EventZone:
    """A zone of an event of the caller's district, whose gate code a member of staff shows."""
    if who.kind == "resident":
        raise NotFound(N_("No such zone."))
    found = await Scope(EventZone, own_district(who)).rows().get_or_none(id=zone_id)
    if found is None:
        raise NotFound(N_("No such zone."))
    return found
