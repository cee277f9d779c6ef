"""The rules of campaigns: creating one with its badge, listing them, and tagging activities
and deeds to them (of the campaign's district and period only)."""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet

from accounts.models import District
from activities.models import CivilityAction
from activities.scope import managed_activity, managed_deed
from campaigns.errors import AlreadyTagged, NotTaggable, UnknownCampaignAction, UnknownDistrict
from campaigns.models import Campaign, CampaignTag
from campaigns.progress import status_of
from campaigns.schemas import CampaignIn, CampaignOut, TagIn, Targets
from campaigns.scope import readable_campaign, readable_campaigns
from credits.recognition.models import BadgeDefinition
from kernel import localtime
from kernel.auth import Principal
from kernel.i18n import N_
from kernel.ids import new_id
from kernel.scope import eq, is_null

BADGE_KIND = "campaign"


async def _district_of(data: CampaignIn, by: Principal) -> str | None:
    """A district administrator's campaign is their district's; a platform administrator's
    the district named, or the city's (None)."""
    if by.role != "platform_admin":
        return by.district_id
    if data.district is None:
        return None
    district = await District.get_or_none(code=data.district)
    if district is None:
        raise UnknownDistrict(
            N_("No district `{code}`."),
            code=data.district,
            errors=[{"field": "district", "message": N_("no such district")}],
        )
    return district.id


async def _ensure_actions(codes: list[str], district_id: str | None, field: str) -> None:
    if not codes:
        return
    where = is_null("district_id")
    if district_id is not None:
        where |= eq("district_id", district_id)
    known = set(
        await CivilityAction.filter(where.q(), code__in=codes).values_list("code", flat=True)
    )
    unknown = sorted(set(codes) - {str(code) for code in known})
    if unknown:
        raise UnknownCampaignAction(
            N_("No civility action `{codes}` in the campaign's district."),
            codes="`、`".join(unknown),
            errors=[{"field": field, "message": N_("unknown action code")}],
        )


async def create_campaign(data: CampaignIn, *, by: Principal) -> Campaign:
    """A campaign and its badge (earned by taking part; the award-badges job awards it)."""
    district_id = await _district_of(data, by)
    await _ensure_actions(data.actions, district_id, "actions")
    await _ensure_actions(data.activity_kinds, district_id, "activity_kinds")
    campaign_id = new_id()
    badge = await BadgeDefinition.create(
        district_id=district_id,
        code=f"campaign-{campaign_id}",
        name=data.badge_name or data.title,
        description=data.title,
        criterion_kind=BADGE_KIND,
        criterion_action=campaign_id,
        threshold=1,
        created_by=by.subject,
    )
    return await Campaign.create(
        id=campaign_id,
        district_id=district_id,
        title=data.title,
        description=data.description,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        actions=sorted(set(data.actions)),
        activity_kinds=sorted(set(data.activity_kinds)),
        total_targets=data.targets.model_dump(mode="json"),
        community_targets=data.community_targets.model_dump(mode="json"),
        bonus=data.bonus,
        badge_id=badge.id,
        created_by=by.subject,
    )


def campaigns_for(who: Principal, *, running: bool) -> QuerySet[Campaign]:
    """The campaigns the caller reads; residents only those running today."""
    found = readable_campaigns(who).rows()
    if running or who.kind == "resident":
        today = localtime.today()
        found = found.filter(starts_on__lte=today, ends_on__gte=today)
    return found


async def campaign_views(campaigns: list[Campaign]) -> list[CampaignOut]:
    """The campaigns as responses: their districts' and badges' codes read in bulk."""
    district_ids = {c.district_id for c in campaigns if c.district_id}
    codes = (
        dict(await District.filter(id__in=district_ids).values_list("id", "code"))
        if district_ids
        else {}
    )
    badge_ids = [c.badge_id for c in campaigns if c.badge_id]
    badges = (
        dict(await BadgeDefinition.filter(id__in=badge_ids).values_list("id", "code"))
        if badge_ids
        else {}
    )
    today = localtime.today()
    return [
        CampaignOut.from_model(
            c,
            district=codes.get(c.district_id) if c.district_id else None,
            status=status_of(c, today),
            badge=badges.get(c.badge_id) if c.badge_id else None,
            total_targets=Targets.model_validate(c.total_targets or {}),
            community_targets=Targets.model_validate(c.community_targets or {}),
        )
        for c in campaigns
    ]


async def tag(campaign_id: str, data: TagIn, *, by: Principal) -> CampaignTag:
    """Tags an activity or a deed the caller runs or reviews to a campaign they read: only one
    of the campaign's district that falls in its period."""
    campaign = await readable_campaign(campaign_id, who=by)
    if data.activity is not None:
        activity = await managed_activity(data.activity, who=by)
        district_id, community_id = activity.district_id, activity.community_id
        day = localtime.local_date(activity.starts_at)
        found: dict[str, Any] = {"activity_id": activity.id}
    else:
        assert data.deed is not None
        deed = await managed_deed(data.deed, who=by)
        district_id, community_id, day = deed.district_id, deed.community_id, deed.occurred_on
        found = {"deed_id": deed.id}
    if campaign.district_id not in (None, district_id):
        raise NotTaggable(N_("The campaign is another district's."))
    if not campaign.starts_on <= day <= campaign.ends_on:
        raise NotTaggable(
            N_("It happens on {day}, outside the campaign ({starts_on} to {ends_on})."),
            day=day,
            starts_on=campaign.starts_on,
            ends_on=campaign.ends_on,
        )
    if await CampaignTag.exists(campaign_id=campaign.id, **found):
        raise AlreadyTagged(N_("It is tagged to the campaign already."))
    return await CampaignTag.create(
        campaign_id=campaign.id,
        district_id=district_id,
        community_id=community_id,
        tagged_by=by.subject,
        **found,
    )
