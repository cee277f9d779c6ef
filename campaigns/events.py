"""Event campaigns (文明观赛): an event of a campaign with its venues' zones, check-in by the
zone's rotating gate code (no seat list, once per resident), and the event's civility tasks
reported as deeds (`activities.deeds`) tagged to the campaign."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from accounts.models import District
from activities.deeds import report_deed
from activities.models import CivilityAction, Deed
from campaigns.errors import (
    AlreadyCheckedIn,
    EventNotOpen,
    NotCheckedIn,
    TaskReported,
    UnknownDistrict,
    ZoneCodeInvalid,
)
from campaigns.gate import zone_of
from campaigns.models import CampaignEvent, CampaignTag, EventCheckin, EventZone
from campaigns.queries import CHECK_IN, ZONE_OF_EVENT
from campaigns.schemas import EventIn
from campaigns.scope import managed_campaign, readable_event, readable_events
from kernel import localtime
from kernel.auth import Principal
from kernel.errors import Problem
from kernel.i18n import N_
from kernel.ids import new_id
from kernel.sql import db_time, execute, query_rows

# The event's civility tasks: district actions of the event's district (every district's for
# a city-wide campaign), reported by residents who checked in, reviewed as any deed.
TASKS = {
    "take-litter-away": ("带走垃圾", "观赛（演）结束后带走个人垃圾"),
    "orderly-exit": ("有序离场", "散场时听从引导、有序离场"),
}
# Gates open before the event and the crowd leaves after it.
OPENS_BEFORE = timedelta(hours=3)
CLOSES_AFTER = timedelta(hours=2)
# Tasks are reported until this long after the event.
TASKS_UNTIL = timedelta(hours=6)


async def _ensure_task_actions(district_ids: list[str]) -> None:
    for district_id in district_ids:
        for code, (name, description) in TASKS.items():
            if not await CivilityAction.exists(district_id=district_id, code=code):
                await CivilityAction.create(
                    district_id=district_id,
                    code=code,
                    name=name,
                    description=description,
                    verification="居民自报，社工审核",
                    verification_rule="self_report",
                )


async def create_event(
    campaign_id: str, data: EventIn, *, by: Principal
) -> tuple[CampaignEvent, list[EventZone]]:
    campaign = await managed_campaign(campaign_id, who=by)
    district_id = campaign.district_id
    if district_id is None:
        district = await District.get_or_none(code=data.district or "")
        if district is None:
            raise UnknownDistrict(
                N_("Name the district of the venues."),
                errors=[{"field": "district", "message": N_("no such district")}],
            )
        district_id = district.id
    event = await CampaignEvent.create(
        campaign_id=campaign.id,
        district_id=district_id,
        city_wide=campaign.district_id is None,
        title=data.title,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        created_by=by.subject,
    )
    zones = [
        EventZone(
            id=new_id(), event_id=event.id, district_id=district_id, venue=z.venue, name=z.name
        )
        for z in data.zones
    ]
    await EventZone.bulk_create(zones)
    everyone = (
        [d.id for d in await District.all()] if campaign.district_id is None else [district_id]
    )
    await _ensure_task_actions(everyone)
    return event, zones


async def zones_of(events: list[CampaignEvent]) -> dict[str, list[EventZone]]:
    found: dict[str, list[EventZone]] = {e.id: [] for e in events}
    for zone in await EventZone.filter(event_id__in=list(found)).order_by("venue", "name"):
        found[zone.event_id].append(zone)
    return found


@dataclass(frozen=True)
class CheckedIn:
    id: str
    event_id: str
    zone_id: str
    venue: str
    zone_name: str
    checked_in_at: datetime


async def check_in(event_id: str, code: str, *, who: Principal) -> CheckedIn:
    """The resident's check-in at the zone whose gate code they scanned, once per event."""
    try:
        zone_id = zone_of(code)
    except Problem:
        await readable_event(event_id, who=who)  # 404 for an event out of reach first
        raise
    rows = await query_rows(
        ZONE_OF_EVENT,
        {"zone": zone_id, "event": event_id},
        events=readable_events(who).sql("e"),
    )
    if not rows:
        await readable_event(event_id, who=who)  # 404 for an event out of reach
        raise ZoneCodeInvalid(N_("This gate code is another event's."))
    row = rows[0]
    now = datetime.now(UTC)
    starts_at = CampaignEvent._meta.fields_map["starts_at"].to_python_value(row["starts_at"])
    ends_at = CampaignEvent._meta.fields_map["ends_at"].to_python_value(row["ends_at"])
    if not starts_at - OPENS_BEFORE <= now <= ends_at + CLOSES_AFTER:
        raise EventNotOpen(N_("Check-in opens 3 hours before the event and closes 2 after."))
    checkin_id = new_id()
    written = await execute(
        CHECK_IN,
        {
            "id": checkin_id,
            "event": event_id,
            "zone": zone_id,
            "district": row["district_id"],
            "resident": who.id,
            "at": db_time(now),
        },
    )
    if not written:
        raise AlreadyCheckedIn(N_("You checked in at this event already."))
    return CheckedIn(checkin_id, event_id, zone_id, row["venue"], row["name"], now)


async def report_task(event_id: str, task: str, description: str, *, who: Principal) -> Deed:
    """A civility task done at the event, reported as a deed (reviewed as any deed) and tagged
    to the event's campaign; once per task and event."""
    event = await readable_event(event_id, who=who)
    if not await EventCheckin.exists(event_id=event.id, resident_id=who.id):
        raise NotCheckedIn(N_("Check in at the event before reporting its tasks."))
    now = datetime.now(UTC)
    if now > event.ends_at + TASKS_UNTIL:
        raise EventNotOpen(N_("The event's tasks are reported within 6 hours of its end."))
    reported = await Deed.filter(
        resident_id=who.id, action=task, occurred_on=localtime.local_date(now)
    ).values_list("id", flat=True)
    if reported and await CampaignTag.exists(
        campaign_id=event.campaign_id, deed_id__in=[str(i) for i in reported]
    ):
        raise TaskReported(N_("You reported this task already."))
    name = TASKS[task][0]
    deed = await report_deed(
        who=who,
        action=task,
        description=f"{event.title} · {name}{' · ' + description if description else ''}",
        occurred_at=now,
        evidence=[],
        lat=None,
        lng=None,
    )
    await CampaignTag.create(
        campaign_id=event.campaign_id,
        district_id=deed.district_id,
        community_id=deed.community_id,
        deed_id=deed.id,
        tagged_by=who.subject,
    )
    return deed
