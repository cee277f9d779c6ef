"""The rules of actions and activities (enrolment is `activities.enrolment`); helpers the
attendance and records modules share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from accounts.models import Community
from accounts.scope import district_communities, served_community
from accounts.service import register_action_catalogue, rules_at
from activities.enrolment import promote_waitlisted
from activities.errors import (
    STATUS_NAMES,
    ActionExists,
    ActivityNotOpen,
    ActivityStarted,
    CapacityBelowEnrolled,
    InvalidTimes,
    UnknownAction,
    UnknownCommunity,
)
from activities.models import (
    Activity,
    CivilityAction,
    Enrollment,
)
from activities.scope import readable_actions
from kernel import localtime
from kernel.auth import Principal
from kernel.i18n import N_, Named
from kernel.outbox import queue_notification, register_notice

# The city's ten civility actions; the migrations insert them and nothing edits them.
TEN_ACTIONS = (
    "family-tradition",
    "zebra-crossing",
    "serving-chopsticks",
    "volunteering",
    "keep-promises",
    "waste-sorting",
    "neighbourly-harmony",
    "caring-kitchen",
    "frugal-banquets",
    "finish-your-water",
)


# --- civility actions ----------------------------------------------------------------------


async def list_actions(who: Principal) -> list[CivilityAction]:
    """The actions the caller reads (`scope.readable_actions`): the city's ten in their
    order, then the district's own by code."""
    found = await readable_actions(who).rows().order_by("code")
    ten = sorted(
        (a for a in found if a.district_id is None), key=lambda a: TEN_ACTIONS.index(a.code)
    )
    return [*ten, *(a for a in found if a.district_id is not None)]


async def action_names(district_id: str | None) -> dict[str, str]:
    """The codes and names of the actions a district knows: the city's ten and its own (the
    ten alone when no district is named, as for a platform administrator)."""
    found = CivilityAction.filter(district_id__isnull=True)
    if district_id:
        found = CivilityAction.filter(Q(district_id__isnull=True) | Q(district_id=district_id))
    return dict(await found.values_list("code", "name"))


async def activity_titles(ids: Iterable[str | None]) -> dict[str, str]:
    """The titles of the activities some rows refer to (in one query)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(await Activity.filter(id__in=wanted).values_list("id", "title"))


register_action_catalogue(action_names)
register_notice("activity_cancelled", N_("The activity “{title}” was cancelled: {reason}"))
register_notice(
    "activity_moved",
    N_("The activity “{title}” has changed: now {starts_at} to {ends_at}, at {address}."),
)


async def find_action(code: str, district_id: str) -> CivilityAction:
    action = await CivilityAction.filter(code=code, district_id__isnull=True).first()
    action = action or await CivilityAction.get_or_none(code=code, district_id=district_id)
    if action is None:
        raise UnknownAction(
            N_("No civility action `{code}` in this district."),
            errors=[{"field": "action", "message": N_("not a civility action of this district")}],
            code=code,
        )
    return action


async def create_action(
    *,
    who: Principal,
    code: str,
    name: str,
    description: str,
    verification: str,
    verification_rule: str = "self_report",
) -> CivilityAction:
    assert who.district_id is not None
    exists = await CivilityAction.filter(code=code, district_id__isnull=True).exists()
    if exists or await CivilityAction.exists(code=code, district_id=who.district_id):
        raise ActionExists(
            N_("The action `{code}` exists already; the ten are never edited."), code=code
        )
    return await CivilityAction.create(
        district_id=who.district_id,
        code=code,
        name=name,
        description=description,
        verification=verification,
        verification_rule=verification_rule,
    )


# --- activities ----------------------------------------------------------------------------


async def find_community(who: Principal, ref: str) -> Community:
    """`c1` in the caller's district, or `d1/c1`; only communities the caller serves."""
    community = await served_community(who, ref)
    if community is None:
        raise UnknownCommunity(
            N_("No community `{ref}` among yours."),
            errors=[{"field": "community", "message": N_("not one of your communities")}],
            ref=ref,
        )
    return community


async def community_to_list(who: Principal, ref: str) -> str:
    """The id of a community whose activities the caller may list (staff: theirs; residents:
    any of their district); an unknown one lists nothing."""
    if who.kind == "staff":
        return (await find_community(who, ref)).id
    communities = district_communities(who).rows()
    community = await communities.get_or_none(code=ref.rpartition("/")[2])
    return community.id if community else ""


async def create_activity(
    *,
    who: Principal,
    title: str,
    description: str,
    action: str,
    community: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    walk_ins: bool = False,
    lat: float,
    lng: float,
    radius_m: int | None,
    address: str,
) -> Activity:
    """An activity whose end is past is only for back-filling records: finished at once."""
    place = await find_community(who, community)
    await find_action(action, place.district_id)
    rules = await rules_at(place.district_id)
    return await Activity.create(
        district_id=place.district_id,
        community_id=place.id,
        action=action,
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        walk_ins=walk_ins,
        lat=lat,
        lng=lng,
        radius_m=radius_m or rules.geofence_radius_m,
        address=address,
        status="finished" if ends_at <= datetime.now(UTC) else "published",
        created_by=who.subject,
    )


def _ensure_not_started(activity: Activity) -> None:
    if activity.status != "published":
        raise ActivityNotOpen(
            N_("The activity is {status}."), status=Named(activity.status, STATUS_NAMES)
        )
    if activity.starts_at <= datetime.now(UTC):
        raise ActivityStarted(N_("An activity can only be changed before it starts."))


_EDITABLE = [
    name
    for name in Activity._meta.db_fields
    if name not in ("id", "enrolled_count", "enrolled_now", "waitlisted_now", "created_at")
]


async def update_activity(activity: Activity, changes: dict[str, Any]) -> Activity:
    _ensure_not_started(activity)
    before = (activity.starts_at, activity.ends_at, activity.lat, activity.lng, activity.address)
    location = changes.pop("location", None)
    if location is not None:
        activity.lat, activity.lng = location["lat"], location["lng"]
        activity.address = location.get("address", activity.address)
        if location.get("radius_m") is not None:
            activity.radius_m = location["radius_m"]
    for name, value in changes.items():
        if value is not None:
            setattr(activity, name, value)
    now = datetime.now(UTC)
    if activity.ends_at <= activity.starts_at or activity.starts_at <= now:
        raise InvalidTimes(N_("The activity must start in the future and end after it starts."))
    if activity.ends_at - activity.starts_at > timedelta(hours=24):
        raise InvalidTimes(N_("An activity lasts at most 24 hours."))
    if activity.capacity < activity.enrolled_count:
        raise CapacityBelowEnrolled(
            N_("{enrolled_count} residents are enrolled; cancel enrolments first."),
            enrolled_count=activity.enrolled_count,
        )
    # Not the seats and counts: enrolments change them meanwhile, by their own statements.
    await activity.save(update_fields=_EDITABLE)
    await promote_waitlisted(activity)
    await activity.refresh_from_db()
    if (
        activity.starts_at,
        activity.ends_at,
        activity.lat,
        activity.lng,
        activity.address,
    ) != before:
        await _tell_signed_up(activity, "activity_moved", _when_and_where(activity))
    return activity


def _when_and_where(activity: Activity) -> dict[str, str]:
    """The time and place a resident signed up for, as they read it (local time)."""
    zone = localtime.zone()
    return {
        "starts_at": activity.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "ends_at": activity.ends_at.astimezone(zone).strftime("%H:%M"),
        "address": activity.address or f"{activity.lat:.5f}, {activity.lng:.5f}",
    }


async def _tell_signed_up(activity: Activity, topic: str, details: dict[str, str]) -> None:
    """A notice to everyone enrolled or waitlisted, in the change's transaction."""
    signed_up = await Enrollment.filter(
        activity_id=activity.id, status__in=("enrolled", "waitlisted")
    ).values_list("resident_id", flat=True)
    for resident_id in signed_up:
        await queue_notification(
            "resident",
            str(resident_id),
            topic,
            {"activity": activity.id, "title": activity.title, **details},
        )


async def cancel_activity(activity: Activity, *, reason: str) -> Activity:
    _ensure_not_started(activity)
    activity.status, activity.cancel_reason = "cancelled", reason
    await activity.save(update_fields=["status", "cancel_reason", "updated_at"])
    enrollments = await Enrollment.filter(
        activity_id=activity.id, status__in=("enrolled", "waitlisted")
    )
    for enrollment in enrollments:
        await queue_notification(
            "resident",
            enrollment.resident_id,
            "activity_cancelled",
            {"activity": activity.id, "title": activity.title, "reason": reason},
        )
    return activity
