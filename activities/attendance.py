"""Attendance: on-site check-in and out, back-filled attendance, suspicion flags."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from accounts.models import Resident
from activities.checkin import (
    TIME_SLACK,
    check_checkin_token,
    served_hours,
)
from activities.daily_hours import exceeds_daily_hours
from activities.enrolment import take_walk_in_seat
from activities.errors import (
    STATUS_NAMES,
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
)
from activities.queries import (
    ACTIVITY_FOR_CHECK_IN,
    ACTIVITY_FOR_CHECK_OUT,
    ATTENDANCES_FOR_CHECK_IN,
    CHECK_OUT,
    INSERT_ATTENDANCE,
)
from activities.scope import managed_activity, readable_activities
from credits.service import lock_resident, participation_lock
from kernel.auth import Principal
from kernel.errors import NotFound
from kernel.geo import distance_m
from kernel.i18n import N_, Named, translate
from kernel.ids import new_id
from kernel.sql import db_decimal, db_time, query_rows

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


def _spot(lat: float | None, lng: float | None) -> tuple[float, float]:
    return round(lat or 0, 5), round(lng or 0, 5)


def _shares_spot(other: dict[str, Any], spot: tuple[float, float], device: str | None) -> bool:
    """One device, or one spot to about a metre (positions rounded to 5 decimals)."""
    if device and other["device"] == device:
        return True
    return _spot(other["check_in_lat"], other["check_in_lng"]) == spot


def _moment(value: Any) -> datetime:
    """A timestamp read by raw SQL (SQLite gives text) as the models hold it."""
    found: datetime = _CHECKED_IN_AT.to_python_value(value)
    return found


_CHECKED_IN_AT = Attendance._meta.fields_map["checked_in_at"]
_FLAGS = Attendance._meta.fields_map["flags"]


def _db_flags(flags: list[str]) -> Any:
    """The flags as the ORM writes them (its JSON encoder), on either database."""
    return _FLAGS.to_db_value(flags, Attendance)


async def _readable_row(template: str, params: dict[str, Any], *, who: Principal) -> dict[str, Any]:
    """The one row of an activity the resident may read, or 404 as `readable_activity`."""
    rows = await query_rows(template, params, readable=readable_activities(who).sql("a"))
    if not rows:
        raise NotFound(N_("No such {what}."), what=translate(N_("activity")))
    return rows[0]


async def _flag_shared_spot(attendance: Attendance, others: list[dict[str, Any]]) -> None:
    """Flags the new check-in and the live check-ins sharing its device or spot, when there
    are `SHARED_SPOT_THRESHOLD` of those. `others`: the candidates read before the insert."""
    spot = _spot(attendance.check_in_lat, attendance.check_in_lng)
    same = [o for o in others if _shares_spot(o, spot, attendance.device)]
    if len(same) < SHARED_SPOT_THRESHOLD:
        return
    attendance.flags = _flag(attendance.flags, "shared_device_or_position")
    for other in same:
        flags = _FLAGS.to_python_value(other["flags"]) or []
        if "shared_device_or_position" not in flags:
            await Attendance.filter(id=other["id"]).update(
                flags=_flag(flags, "shared_device_or_position")
            )


async def _flag_long_day(attendance: Attendance) -> None:
    if await exceeds_daily_hours(attendance):
        attendance.flags = _flag(attendance.flags, "too_many_hours_in_a_day")


async def check_in(
    activity_id: str, *, who: Principal, token: str, lat: float, lng: float, device: str | None
) -> Attendance:
    """Four statements on the way of a check-in: the activity (with the seat and the lock),
    the attendances that decide it, the insert, and, when the spot is shared, the flags."""
    if who.district_id is None:  # no community chosen: no activity is theirs yet
        raise UnknownResident(N_("Choose your community (PATCH /api/v1/me) before checking in."))
    row = await _readable_row(
        ACTIVITY_FOR_CHECK_IN,
        {"activity": activity_id, "resident": who.id, "lock": participation_lock(who.id)},
        who=who,
    )
    activity = Activity._init_from_db(**row)
    enrolled = bool(row["is_enrolled"])
    check_checkin_token(token, activity.id)
    if activity.status != "published":
        raise ActivityNotOpen(
            N_("The activity is {status}."), status=Named(activity.status, STATUS_NAMES)
        )
    now = datetime.now(UTC)
    if not activity.starts_at - TIME_SLACK <= now <= activity.ends_at:
        raise OutsideTimeWindow(
            N_("Check-in opens 30 minutes before the activity starts and closes when it ends.")
        )
    if not enrolled and not activity.walk_ins:
        raise NotEnrolled(N_("Only enrolled residents check in; this activity takes no walk-ins."))
    _ensure_on_site(activity, lat, lng)
    # The resident's lock was taken by the first statement on PostgreSQL (SQLite serialises
    # writing transactions already): the attendances below are read under it.
    found = await query_rows(
        ATTENDANCES_FOR_CHECK_IN,
        {
            "resident": who.id,
            "activity": activity.id,
            "end": db_time(activity.ends_at),
            "lat_low": lat - NEAR,
            "lat_high": lat + NEAR,
            "lng_low": lng - NEAR,
            "lng_high": lng + NEAR,
            "device": device,
        },
    )
    mine = [r for r in found if r["kind"] == "mine"]
    if any(r["activity_id"] == activity.id for r in mine):
        raise AlreadyCheckedIn(N_("You have checked in to this activity already."))
    _ensure_no_overlap_of(mine, now)
    if not enrolled:
        await take_walk_in_seat(activity, who=who)
    attendance = Attendance(
        id=new_id(),
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
        note="",
        flags=[],
        recorded_by=who.subject,
        created_at=now,
    )
    spot = [r for r in found if r["kind"] == "spot"]
    # The flags are decided before the insert (the candidates exclude the new row either way).
    await _flag_shared_spot(attendance, spot)
    try:
        await query_rows(
            INSERT_ATTENDANCE,
            {
                "id": attendance.id,
                "district": attendance.district_id,
                "community": attendance.community_id,
                "activity": attendance.activity_id,
                "resident": attendance.resident_id,
                "now": db_time(now),
                "lat": lat,
                "lng": lng,
                "device": device,
                "flags": _db_flags(attendance.flags),
                "recorded_by": attendance.recorded_by,
            },
        )
    except IntegrityError as exc:
        raise AlreadyCheckedIn(N_("You have checked in to this activity already.")) from exc
    return attendance


def _ensure_no_overlap_of(mine: list[dict[str, Any]], start: datetime) -> None:
    """`_ensure_no_overlap` on rows read already: live attendances of the resident checked in
    before the end, with their activity's end."""
    for other in mine:
        checked_out_at = other["checked_out_at"]
        other_end = (
            _moment(checked_out_at)
            if checked_out_at is not None
            else _moment(other["ends_at"]) + TIME_SLACK
        )
        if other_end > start:
            raise OverlappingAttendance(
                N_("This overlaps the attendance {id} (activity {activity_id})."),
                id=other["id"],
                activity_id=other["activity_id"],
            )


async def check_out(
    activity_id: str, *, who: Principal, token: str, lat: float, lng: float
) -> Attendance:
    """Three statements: the activity with the open attendance, the day's rules and hours
    (the long-day flag), and the update that answers with the row."""
    row = await _readable_row(
        ACTIVITY_FOR_CHECK_OUT, {"activity": activity_id, "resident": who.id}, who=who
    )
    activity = Activity._init_from_db(**row)
    check_checkin_token(token, activity.id)
    if row["attendance_id"] is None:
        raise NotCheckedIn(N_("Check in first; there is no open attendance of yours here."))
    now = datetime.now(UTC)
    if now > activity.ends_at + TIME_SLACK:
        raise OutsideTimeWindow(N_("Check-out closes 30 minutes after the activity ends."))
    _ensure_on_site(activity, lat, lng)
    checked_in_at = _moment(row["attendance_checked_in_at"])
    attendance = Attendance(
        id=row["attendance_id"],
        district_id=activity.district_id,
        resident_id=who.id,
        checked_in_at=checked_in_at,
        hours=served_hours(checked_in_at, now, activity.starts_at, activity.ends_at),
        flags=_FLAGS.to_python_value(row["attendance_flags"]) or [],
    )
    await _flag_long_day(attendance)
    assert attendance.hours is not None
    updated = await query_rows(
        CHECK_OUT,
        {
            "now": db_time(now),
            "lat": lat,
            "lng": lng,
            "hours": db_decimal(attendance.hours),
            "flags": _db_flags(attendance.flags),
            "id": attendance.id,
        },
    )
    if not updated:  # checked out by a racing request meanwhile
        raise NotCheckedIn(N_("Check in first; there is no open attendance of yours here."))
    return Attendance._init_from_db(**updated[0])


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
