"""Attendance: on-site check-in and out, back-filled attendance, suspicion flags."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from activities.checkin import (
    TIME_SLACK,
    check_checkin_token,
    served_hours,
)
from activities.daily_hours import exceeds_daily_hours
from activities.enrolment import take_walk_in_seat
from activities.errors import (
    ActivityNotOpen,
    AlreadyCheckedIn,
    AttendanceExists,
    InvalidTimes,
    NotCheckedIn,
    NotEnrolled,
    OutsideGeofence,
    OutsideTimeWindow,
    OverlappingAttendance,
    UnknownResident,
)
from activities.models import (
    Activity,
    Attendance,
    Enrollment,
)
from activities.scope import managed_activity, readable_activity
from activities.service import lock_resident
from app.accounts.models import Resident
from app.core.auth import Principal
from app.core.geo import distance_m
from app.core.i18n import N_

# Live check-ins sharing one device or one spot (to about a metre) with this many others
# are flagged: one phone checking in a group, or a position replayed.
SHARED_SPOT_THRESHOLD = 2
LIVE_STATUSES = ("open", "pending", "verified")
# Wider than the rounding to 5 decimals (±0.000005), so no row sharing the spot is missed.
NEAR = 0.00002


def _flag(flags: list[str], flag: str) -> list[str]:
    return flags if flag in flags else [*flags, flag]


def _ensure_on_site(activity: Activity, lat: float, lng: float) -> None:
    distance = distance_m(activity.lat, activity.lng, lat, lng)
    if distance > activity.radius_m:
        raise OutsideGeofence(
            N_("You are {distance:.0f} m from the activity; check in within {radius_m} m."),
            distance=distance,
            radius_m=activity.radius_m,
        )


async def _ensure_no_overlap(resident_id: str, start: datetime, end: datetime) -> None:
    """An attendance never checked out lasts, for this rule, until its activity's check-out
    closes: it blocks while the resident may still be there, not forever."""
    others = await Attendance.filter(
        resident_id=resident_id, status__in=LIVE_STATUSES, checked_in_at__lt=end
    )
    unfinished = {o.activity_id for o in others if o.checked_out_at is None}
    activity_ends = dict(
        await Activity.filter(id__in=unfinished).values_list("id", "ends_at") if unfinished else []
    )
    for other in others:
        other_end = other.checked_out_at or activity_ends[other.activity_id] + TIME_SLACK
        if other_end > start:
            raise OverlappingAttendance(
                N_("This overlaps the attendance {id} (activity {activity_id})."),
                id=other.id,
                activity_id=other.activity_id,
            )


async def _flag_shared_spot(attendance: Attendance) -> None:
    lat, lng = attendance.check_in_lat or 0, attendance.check_in_lng or 0
    spot = (round(lat, 5), round(lng, 5))
    candidates = Attendance.filter(activity_id=attendance.activity_id, source="live").exclude(
        id=attendance.id
    )
    if spot != (0, 0):
        # Only rows that may share the device or the spot come back (the test below decides):
        # a check-in reads a few rows, not every attendance of a city-wide activity.
        near = Q(
            check_in_lat__gte=lat - NEAR,
            check_in_lat__lte=lat + NEAR,
            check_in_lng__gte=lng - NEAR,
            check_in_lng__lte=lng + NEAR,
        )
        candidates = candidates.filter(
            near | Q(device=attendance.device) if attendance.device else near
        )
    others = await candidates
    same = [
        other
        for other in others
        if (attendance.device and other.device == attendance.device)
        or (round(other.check_in_lat or 0, 5), round(other.check_in_lng or 0, 5)) == spot
    ]
    if len(same) < SHARED_SPOT_THRESHOLD:
        return
    for flagged in [*same, attendance]:
        if "shared_device_or_position" not in flagged.flags:
            flagged.flags = _flag(flagged.flags, "shared_device_or_position")
            await flagged.save(update_fields=["flags"])


async def _flag_long_day(attendance: Attendance) -> None:
    if await exceeds_daily_hours(attendance):
        attendance.flags = _flag(attendance.flags, "too_many_hours_in_a_day")


async def check_in(
    activity_id: str, *, who: Principal, token: str, lat: float, lng: float, device: str | None
) -> Attendance:
    activity = await readable_activity(activity_id, who=who)
    check_checkin_token(token, activity.id)
    if activity.status != "published":
        raise ActivityNotOpen(N_("The activity is {status}."), status=activity.status)
    now = datetime.now(UTC)
    if not activity.starts_at - TIME_SLACK <= now <= activity.ends_at:
        raise OutsideTimeWindow(
            N_("Check-in opens 30 minutes before the activity starts and closes when it ends.")
        )
    enrolled = await Enrollment.exists(
        activity_id=activity.id, resident_id=who.id, status="enrolled"
    )
    if not enrolled and not activity.walk_ins:
        raise NotEnrolled(N_("Only enrolled residents check in; this activity takes no walk-ins."))
    _ensure_on_site(activity, lat, lng)
    await lock_resident(who.id)
    if await Attendance.exists(activity_id=activity.id, resident_id=who.id):
        raise AlreadyCheckedIn(N_("You have checked in to this activity already."))
    await _ensure_no_overlap(who.id, now, activity.ends_at)
    if not enrolled:
        await take_walk_in_seat(activity, who=who)
    try:
        attendance = await Attendance.create(
            district_id=activity.district_id,
            community_id=activity.community_id,
            activity_id=activity.id,
            resident_id=who.id,
            source="live",
            status="open",
            checked_in_at=now,
            check_in_lat=lat,
            check_in_lng=lng,
            device=device,
            flags=[],
            recorded_by=who.subject,
        )
    except IntegrityError as exc:
        raise AlreadyCheckedIn(N_("You have checked in to this activity already.")) from exc
    await _flag_shared_spot(attendance)
    return attendance


async def check_out(
    activity_id: str, *, who: Principal, token: str, lat: float, lng: float
) -> Attendance:
    activity = await readable_activity(activity_id, who=who)
    check_checkin_token(token, activity.id)
    attendance = await Attendance.get_or_none(
        activity_id=activity.id, resident_id=who.id, status="open"
    )
    if attendance is None:
        raise NotCheckedIn(N_("Check in first; there is no open attendance of yours here."))
    now = datetime.now(UTC)
    if now > activity.ends_at + TIME_SLACK:
        raise OutsideTimeWindow(N_("Check-out closes 30 minutes after the activity ends."))
    _ensure_on_site(activity, lat, lng)
    attendance.checked_out_at, attendance.check_out_lat, attendance.check_out_lng = now, lat, lng
    attendance.hours = served_hours(
        attendance.checked_in_at, now, activity.starts_at, activity.ends_at
    )
    attendance.status = "pending"
    await _flag_long_day(attendance)
    await attendance.save()
    return attendance


async def backfill_attendance(
    activity_id: str,
    *,
    who: Principal,
    resident_id: str,
    checked_in_at: datetime,
    checked_out_at: datetime,
    note: str,
) -> Attendance:
    """A worker records an attendance after the fact (补录); it is marked and reviewed."""
    activity = await managed_activity(activity_id, who=who)
    if activity.status == "cancelled":
        raise ActivityNotOpen(N_("The activity was cancelled."))
    resident = await Resident.get_or_none(id=resident_id, district_id=activity.district_id)
    if resident is None:
        raise UnknownResident(
            N_("No such resident in this district."),
            errors=[{"field": "resident", "message": N_("not a resident of this district")}],
        )
    if checked_out_at > datetime.now(UTC):
        raise InvalidTimes(N_("A back-filled attendance has ended already."))
    # A paper sheet saying 8:50 for a 9:00 activity is clipped to the activity's time and
    # flagged `clipped` for the reviewer; only a time wholly outside the activity is refused.
    flags = ["backfill"]
    if checked_in_at < activity.starts_at or checked_out_at > activity.ends_at:
        checked_in_at = max(checked_in_at, activity.starts_at)
        checked_out_at = min(checked_out_at, activity.ends_at)
        flags.append("clipped")
    if checked_out_at <= checked_in_at:
        raise InvalidTimes(N_("The attendance lies wholly outside the activity's time."))
    await lock_resident(resident.id)
    if await Attendance.exists(activity_id=activity.id, resident_id=resident.id):
        raise AttendanceExists(N_("The resident already has an attendance at this activity."))
    await _ensure_no_overlap(resident.id, checked_in_at, checked_out_at)
    attendance = Attendance(
        district_id=activity.district_id,
        community_id=activity.community_id,
        activity_id=activity.id,
        resident_id=resident.id,
        source="backfill",
        status="pending",
        checked_in_at=checked_in_at,
        checked_out_at=checked_out_at,
        hours=served_hours(checked_in_at, checked_out_at, activity.starts_at, activity.ends_at),
        note=note,
        flags=flags,
        recorded_by=who.subject,
    )
    await _flag_long_day(attendance)
    try:
        await attendance.save()
    except IntegrityError as exc:
        raise AttendanceExists(N_("The resident already has an attendance here.")) from exc
    return attendance
