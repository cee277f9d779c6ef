"""The rules of activities and hours: actions, activities, enrolment with a waitlist,
check-in and out, back-filled attendance, verification into service records, corrections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.functions import Count

from activities.checkin import (
    TIME_SLACK,
    check_checkin_token,
    distance_m,
    served_hours,
)
from activities.errors import (
    ActionExists,
    ActivityNotOpen,
    ActivityStarted,
    AlreadyCheckedIn,
    AlreadyEnrolled,
    AttendanceExists,
    AttendanceNotPending,
    CapacityBelowEnrolled,
    CorrectionNotPending,
    CorrectionTarget,
    DailyHoursExceeded,
    DistrictReviewRequired,
    HoursRequired,
    InvalidHours,
    InvalidTimes,
    NotCheckedIn,
    NotEnrolled,
    OutsideGeofence,
    OutsideTimeWindow,
    OverlappingAttendance,
    ReasonRequired,
    RecordReversed,
    UnknownAction,
    UnknownCommunity,
    UnknownResident,
)
from activities.models import (
    Activity,
    Attendance,
    CivilityAction,
    Correction,
    Enrollment,
    ServiceRecord,
)
from app.accounts.models import Community, District, Resident
from app.accounts.service import rules_at
from app.core.auth import Principal
from app.core.db import dialect
from app.core.errors import NotFound
from app.core.outbox import queue_notification
from app.core.settings import get_settings
from credits.service import record_participation, reverse_participation

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
# Live check-ins sharing one device or one spot (to about a metre) with this many others
# are flagged: one phone checking in a group, or a position replayed.
SHARED_SPOT_THRESHOLD = 2
LIVE_STATUSES = ("open", "pending", "verified")


async def lock_resident(resident_id: str) -> None:
    """Serialises one resident's participation writes until the transaction ends, so rules
    that read before they write (daily caps, overlaps) hold when requests race. SQLite
    serialises writing transactions already."""
    if dialect() == "postgres":
        await connections.get("default").execute_query(
            "SELECT pg_advisory_xact_lock(hashtext($1))", [f"participation:{resident_id}"]
        )


def local_date(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(get_settings().local_timezone)).date()


def _flag(flags: list[str], flag: str) -> list[str]:
    return flags if flag in flags else [*flags, flag]


# --- civility actions ----------------------------------------------------------------------


async def list_actions(who: Principal) -> list[CivilityAction]:
    ten = await CivilityAction.filter(district_id__isnull=True)
    ten.sort(key=lambda action: TEN_ACTIONS.index(action.code))
    own = (
        await CivilityAction.filter(district_id=who.district_id).order_by("code")
        if who.district_id
        else []
    )
    return [*ten, *own]


async def find_action(code: str, district_id: str) -> CivilityAction:
    action = await CivilityAction.filter(code=code, district_id__isnull=True).first()
    action = action or await CivilityAction.get_or_none(code=code, district_id=district_id)
    if action is None:
        raise UnknownAction(
            f"No civility action `{code}` in this district.",
            errors=[{"field": "action", "message": "not a civility action of this district"}],
        )
    return action


async def create_action(
    *, who: Principal, code: str, name: str, description: str, verification: str
) -> CivilityAction:
    assert who.district_id is not None
    exists = await CivilityAction.filter(code=code, district_id__isnull=True).exists()
    if exists or await CivilityAction.exists(code=code, district_id=who.district_id):
        raise ActionExists(f"The action `{code}` exists already; the ten are never edited.")
    return await CivilityAction.create(
        district_id=who.district_id,
        code=code,
        name=name,
        description=description,
        verification=verification,
    )


# --- activities ----------------------------------------------------------------------------


async def find_community(who: Principal, ref: str) -> Community:
    """`c1` in the caller's district, or `d1/c1`; only communities the caller serves."""
    district_code, _, community_code = ref.rpartition("/")
    query = Community.filter(code=community_code)
    query = (
        query.filter(district__code=district_code)
        if district_code
        else query.filter(district_id=who.district_id or "")
    )
    community = await query.first()
    if community is None or not who.sees_community(community.id, community.district_id):
        raise UnknownCommunity(
            f"No community `{ref}` among yours.",
            errors=[{"field": "community", "message": "not one of your communities"}],
        )
    return community


async def community_to_list(who: Principal, ref: str) -> str:
    """The id of a community whose activities the caller may list (staff: theirs; residents:
    any of their district); an unknown one lists nothing."""
    if who.kind == "staff":
        return (await find_community(who, ref)).id
    community = await Community.get_or_none(
        code=ref.rpartition("/")[2], district_id=who.district_id or ""
    )
    return community.id if community else ""


def sees_activity(who: Principal, activity: Activity) -> bool:
    if who.kind == "resident":
        return activity.district_id == who.district_id
    return who.sees_community(activity.community_id, activity.district_id)


async def get_activity(activity_id: str, *, who: Principal) -> Activity:
    activity = await Activity.get_or_none(id=activity_id)
    if activity is None or not sees_activity(who, activity):
        raise NotFound("No such activity.")
    return activity


async def manage_activity(activity_id: str, *, who: Principal) -> Activity:
    """An activity the calling member of staff runs (their community)."""
    activity = await get_activity(activity_id, who=who)
    if who.kind == "resident":
        raise NotFound("No such activity.")
    return activity


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
        lat=lat,
        lng=lng,
        radius_m=radius_m or rules.geofence_radius_m,
        address=address,
        status="finished" if ends_at <= datetime.now(UTC) else "published",
        created_by=who.subject,
    )


def _ensure_not_started(activity: Activity) -> None:
    if activity.status != "published":
        raise ActivityNotOpen(f"The activity is {activity.status}.")
    if activity.starts_at <= datetime.now(UTC):
        raise ActivityStarted("An activity can only be changed before it starts.")


async def update_activity(activity: Activity, changes: dict[str, Any]) -> Activity:
    _ensure_not_started(activity)
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
        raise InvalidTimes("The activity must start in the future and end after it starts.")
    if activity.ends_at - activity.starts_at > timedelta(hours=24):
        raise InvalidTimes("An activity lasts at most 24 hours.")
    if activity.capacity < activity.enrolled_count:
        raise CapacityBelowEnrolled(
            f"{activity.enrolled_count} residents are enrolled; cancel enrolments first."
        )
    await activity.save()
    await _promote_waitlisted(activity)
    await activity.refresh_from_db()
    return activity


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


async def activity_counts(activity_ids: list[str]) -> dict[str, dict[str, int]]:
    rows = (
        await Enrollment.filter(activity_id__in=activity_ids, status__in=("enrolled", "waitlisted"))
        .annotate(n=Count("id"))
        .group_by("activity_id", "status")
        .values("activity_id", "status", "n")
    )
    counts: dict[str, dict[str, int]] = {i: {"enrolled": 0, "waitlisted": 0} for i in activity_ids}
    for row in rows:
        counts[row["activity_id"]][row["status"]] = row["n"]
    return counts


# --- enrolment -----------------------------------------------------------------------------


async def enrol(activity_id: str, *, who: Principal) -> Enrollment:
    """A seat when one is free, else the end of the waitlist. The seat is taken by a
    conditional update of the counter, so capacity holds however many enrol at once."""
    activity = await get_activity(activity_id, who=who)
    if activity.status != "published" or activity.ends_at <= datetime.now(UTC):
        raise ActivityNotOpen(f"The activity is {activity.status}; it takes no enrolments.")
    existing = await Enrollment.get_or_none(activity_id=activity.id, resident_id=who.id)
    if existing is not None and existing.status in ("enrolled", "waitlisted"):
        raise AlreadyEnrolled(f"You are {existing.status} already.")
    seated = await Activity.filter(
        id=activity.id, status="published", enrolled_count__lt=F("capacity")
    ).update(enrolled_count=F("enrolled_count") + 1)
    status = "enrolled" if seated else "waitlisted"
    now = datetime.now(UTC)
    if existing is not None:
        existing.status, existing.queued_at = status, now
        await existing.save(update_fields=["status", "queued_at", "updated_at"])
        return existing
    try:
        return await Enrollment.create(
            district_id=activity.district_id,
            activity_id=activity.id,
            resident_id=who.id,
            status=status,
            queued_at=now,
        )
    except IntegrityError as exc:
        raise AlreadyEnrolled("You are enrolled already.") from exc


async def cancel_enrolment(activity_id: str, *, who: Principal) -> None:
    activity = await get_activity(activity_id, who=who)
    enrollment = await Enrollment.get_or_none(activity_id=activity.id, resident_id=who.id)
    if enrollment is None or enrollment.status not in ("enrolled", "waitlisted"):
        raise NotEnrolled("You are not enrolled in this activity.")
    was = enrollment.status
    left = await Enrollment.filter(id=enrollment.id, status=was).update(status="cancelled")
    if not left or was != "enrolled":
        return
    await Activity.filter(id=activity.id).update(enrolled_count=F("enrolled_count") - 1)
    await _promote_waitlisted(activity)


async def _promote_waitlisted(activity: Activity) -> None:
    """Fills free seats from the head of the waitlist, each seat by the same conditional update."""
    while True:
        head = (
            await Enrollment.filter(activity_id=activity.id, status="waitlisted")
            .order_by("queued_at", "id")
            .first()
        )
        if head is None:
            return
        seated = await Activity.filter(id=activity.id, enrolled_count__lt=F("capacity")).update(
            enrolled_count=F("enrolled_count") + 1
        )
        if not seated:
            return
        promoted = await Enrollment.filter(id=head.id, status="waitlisted").update(
            status="enrolled"
        )
        if not promoted:
            await Activity.filter(id=activity.id).update(enrolled_count=F("enrolled_count") - 1)
            continue
        await queue_notification(
            "resident",
            head.resident_id,
            "enrolment_promoted",
            {"activity": activity.id, "title": activity.title},
        )


# --- attendance ----------------------------------------------------------------------------


def _ensure_on_site(activity: Activity, lat: float, lng: float) -> None:
    distance = distance_m(activity.lat, activity.lng, lat, lng)
    if distance > activity.radius_m:
        raise OutsideGeofence(
            f"You are {distance:.0f} m from the activity; check in within {activity.radius_m} m."
        )


async def _ensure_no_overlap(
    resident_id: str, start: datetime, end: datetime, *, exclude: str | None = None
) -> None:
    others = Attendance.filter(
        resident_id=resident_id, status__in=LIVE_STATUSES, checked_in_at__lt=end
    )
    if exclude is not None:
        others = others.exclude(id=exclude)
    for other in await others:
        other_end = other.checked_out_at or datetime.max.replace(tzinfo=UTC)
        if other_end > start:
            raise OverlappingAttendance(
                f"This overlaps the attendance {other.id} (activity {other.activity_id})."
            )


async def _flag_shared_spot(attendance: Attendance) -> None:
    spot = (round(attendance.check_in_lat or 0, 5), round(attendance.check_in_lng or 0, 5))
    others = await Attendance.filter(activity_id=attendance.activity_id, source="live").exclude(
        id=attendance.id
    )
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


async def _hours_on(resident_id: str, day: date, *, exclude: str | None = None) -> Decimal:
    """Hours of the resident's attendances on `day` that are waiting or verified."""
    local_midnight = datetime.combine(day, time(), ZoneInfo(get_settings().local_timezone))
    start = local_midnight.astimezone(UTC)
    query = Attendance.filter(
        resident_id=resident_id,
        status__in=("pending", "verified"),
        checked_in_at__gte=start,
        checked_in_at__lt=start + timedelta(days=1),
    )
    if exclude is not None:
        query = query.exclude(id=exclude)
    return sum((a.hours or Decimal(0) for a in await query), Decimal(0))


async def _flag_long_day(attendance: Attendance) -> None:
    rules = await rules_at(attendance.district_id, attendance.checked_in_at)
    day = local_date(attendance.checked_in_at)
    total = await _hours_on(attendance.resident_id, day, exclude=attendance.id)
    if total + (attendance.hours or Decimal(0)) > rules.max_hours_per_day:
        attendance.flags = _flag(attendance.flags, "too_many_hours_in_a_day")


async def check_in(
    activity_id: str, *, who: Principal, token: str, lat: float, lng: float, device: str | None
) -> Attendance:
    activity = await get_activity(activity_id, who=who)
    check_checkin_token(token, activity.id)
    if activity.status != "published":
        raise ActivityNotOpen(f"The activity is {activity.status}.")
    now = datetime.now(UTC)
    if not activity.starts_at - TIME_SLACK <= now <= activity.ends_at:
        raise OutsideTimeWindow(
            "Check-in opens 30 minutes before the activity starts and closes when it ends."
        )
    if not await Enrollment.exists(activity_id=activity.id, resident_id=who.id, status="enrolled"):
        raise NotEnrolled("Only enrolled residents check in.")
    _ensure_on_site(activity, lat, lng)
    await lock_resident(who.id)
    if await Attendance.exists(activity_id=activity.id, resident_id=who.id):
        raise AlreadyCheckedIn("You have checked in to this activity already.")
    await _ensure_no_overlap(who.id, now, activity.ends_at)
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
        raise AlreadyCheckedIn("You have checked in to this activity already.") from exc
    await _flag_shared_spot(attendance)
    return attendance


async def check_out(
    activity_id: str, *, who: Principal, token: str, lat: float, lng: float
) -> Attendance:
    activity = await get_activity(activity_id, who=who)
    check_checkin_token(token, activity.id)
    attendance = await Attendance.get_or_none(
        activity_id=activity.id, resident_id=who.id, status="open"
    )
    if attendance is None:
        raise NotCheckedIn("Check in first; there is no open attendance of yours here.")
    now = datetime.now(UTC)
    if now > activity.ends_at + TIME_SLACK:
        raise OutsideTimeWindow("Check-out closes 30 minutes after the activity ends.")
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
    activity = await manage_activity(activity_id, who=who)
    if activity.status == "cancelled":
        raise ActivityNotOpen("The activity was cancelled.")
    resident = await Resident.get_or_none(id=resident_id, district_id=activity.district_id)
    if resident is None:
        raise UnknownResident(
            "No such resident in this district.",
            errors=[{"field": "resident", "message": "not a resident of this district"}],
        )
    if checked_out_at > datetime.now(UTC):
        raise InvalidTimes("A back-filled attendance has ended already.")
    earliest, latest = activity.starts_at - TIME_SLACK, activity.ends_at + TIME_SLACK
    if checked_in_at < earliest or checked_out_at > latest:
        raise InvalidTimes("The attendance must lie within the activity's time.")
    await lock_resident(resident.id)
    if await Attendance.exists(activity_id=activity.id, resident_id=resident.id):
        raise AttendanceExists("The resident already has an attendance at this activity.")
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
        flags=["backfill"],
        recorded_by=who.subject,
    )
    await _flag_long_day(attendance)
    try:
        await attendance.save()
    except IntegrityError as exc:
        raise AttendanceExists("The resident already has an attendance here.") from exc
    return attendance


async def get_attendance(attendance_id: str, *, who: Principal) -> Attendance:
    attendance = await Attendance.get_or_none(id=attendance_id)
    if attendance is None or not who.sees_community(
        attendance.community_id, attendance.district_id
    ):
        raise NotFound("No such attendance.")
    return attendance


# --- verification and service records ------------------------------------------------------


async def _organiser(community_id: str) -> str:
    community = await Community.get(id=community_id)
    district = await District.get(id=community.district_id)
    return f"{district.name}{community.name}"


@dataclass(frozen=True)
class RecordDraft:
    resident_id: str
    activity: Activity
    hours: Decimal
    served_at: datetime
    backfill: bool
    attendance_id: str | None = None
    correction_id: str | None = None
    reason: str = ""


async def _ensure_daily_cap(draft: RecordDraft, by: Principal) -> None:
    """≤ max_hours_per_day counts at once; up to review_hours_per_day only with the
    district's review; beyond that never."""
    rules = await rules_at(draft.activity.district_id, draft.served_at)
    day = local_date(draft.served_at)
    earlier = await ServiceRecord.filter(resident_id=draft.resident_id, served_on=day).values_list(
        "hours", flat=True
    )
    total = sum((Decimal(str(h)) for h in earlier), Decimal(0)) + draft.hours
    if total > rules.review_hours_per_day:
        raise DailyHoursExceeded(
            f"That makes {total} h on {day}; the district counts at most "
            f"{rules.review_hours_per_day} h a day."
        )
    if total > rules.max_hours_per_day and by.role == "worker":
        raise DistrictReviewRequired(
            f"That makes {total} h on {day}, above {rules.max_hours_per_day} h: "
            "a district administrator must approve it."
        )


async def write_service_record(draft: RecordDraft, *, by: Principal) -> ServiceRecord:
    """The immutable record, and its hours and credits posted in the same transaction."""
    await lock_resident(draft.resident_id)
    await _ensure_daily_cap(draft, by)
    activity = draft.activity
    record = await ServiceRecord.create(
        district_id=activity.district_id,
        community_id=activity.community_id,
        resident_id=draft.resident_id,
        activity_id=activity.id,
        attendance_id=draft.attendance_id,
        correction_id=draft.correction_id,
        kind="record",
        action=activity.action,
        content=activity.title,
        organiser=await _organiser(activity.community_id),
        hours=draft.hours,
        served_on=local_date(draft.served_at),
        backfill=draft.backfill,
        reason=draft.reason,
        verified_by=by.subject,
        verified_at=datetime.now(UTC),
    )
    await record_participation(
        district_id=activity.district_id,
        resident_id=draft.resident_id,
        action=activity.action,
        hours=draft.hours,
        source="service_record",
        source_id=record.id,
        occurred_at=draft.served_at,
        backfill=draft.backfill,
        actor=by.subject,
    )
    return record


def _check_hours(hours: Decimal, activity: Activity) -> None:
    longest = served_hours(
        activity.starts_at, activity.ends_at, activity.starts_at, activity.ends_at
    )
    if hours <= 0:
        raise InvalidHours(
            "No time within the activity was served; reject it or give the hours served.",
            errors=[{"field": "hours", "message": "must be more than 0"}],
        )
    if hours > longest:
        raise InvalidHours(
            f"The activity lasts {longest} h; no more can count.",
            errors=[{"field": "hours", "message": f"at most {longest}"}],
        )


async def verify_attendance(
    attendance_id: str,
    *,
    by: Principal,
    decision: str,
    hours: Decimal | None = None,
    reason: str | None = None,
) -> tuple[Attendance, ServiceRecord | None]:
    attendance = await get_attendance(attendance_id, who=by)
    if attendance.status != "pending":
        raise AttendanceNotPending(f"The attendance is {attendance.status}.")
    now = datetime.now(UTC)
    if decision == "reject":
        if not reason:
            raise ReasonRequired("Say why the attendance is rejected.")
        decided = await Attendance.filter(id=attendance.id, status="pending").update(
            status="rejected", decided_by=by.subject, decided_at=now, decision_reason=reason
        )
        if not decided:
            raise AttendanceNotPending("The attendance was decided meanwhile.")
        await attendance.refresh_from_db()
        return attendance, None
    activity = await Activity.get(id=attendance.activity_id)
    if attendance.hours is None and hours is None:
        raise HoursRequired("The resident never checked out: give the hours served, and why.")
    counted = hours if hours is not None else attendance.hours
    assert counted is not None
    adjusted = attendance.hours is None or counted != attendance.hours
    if adjusted and not reason:
        raise ReasonRequired("Say why the hours differ from the check-in and check-out.")
    _check_hours(counted, activity)
    decided = await Attendance.filter(id=attendance.id, status="pending").update(
        status="verified",
        hours=counted,
        decided_by=by.subject,
        decided_at=now,
        decision_reason=reason,
    )
    if not decided:
        raise AttendanceNotPending("The attendance was decided meanwhile.")
    record = await write_service_record(
        RecordDraft(
            resident_id=attendance.resident_id,
            activity=activity,
            hours=counted,
            served_at=attendance.checked_in_at,
            backfill=attendance.source == "backfill",
            attendance_id=attendance.id,
            reason=reason or "",
        ),
        by=by,
    )
    await attendance.refresh_from_db()
    return attendance, record


async def record_ids_of(attendance_ids: list[str]) -> dict[str, str]:
    rows = await ServiceRecord.filter(attendance_id__in=attendance_ids).values_list(
        "attendance_id", "id"
    )
    return {str(a): str(r) for a, r in rows}


# --- corrections ---------------------------------------------------------------------------


async def request_correction(
    *,
    who: Principal,
    record_id: str | None,
    activity_id: str | None,
    hours: Decimal | None,
    reason: str,
) -> Correction:
    """A resident asks to correct a wrong record (`record`) or add a missing one (`activity`)."""
    if (record_id is None) == (activity_id is None):
        raise CorrectionTarget(
            "Name the wrong `record`, or the `activity` whose record is missing."
        )
    if record_id is not None:
        record = await ServiceRecord.get_or_none(id=record_id, resident_id=who.id, kind="record")
        if record is None:
            raise NotFound("No such service record of yours.")
        district_id, community_id, activity_id = (
            record.district_id,
            record.community_id,
            record.activity_id,
        )
    else:
        assert activity_id is not None
        activity = await get_activity(activity_id, who=who)
        if hours is None:
            raise HoursRequired("Say how many hours you served at that activity.")
        district_id, community_id = activity.district_id, activity.community_id
    return await Correction.create(
        district_id=district_id,
        community_id=community_id,
        resident_id=who.id,
        record_id=record_id,
        activity_id=activity_id,
        hours=hours,
        reason=reason,
    )


async def get_correction(correction_id: str, *, who: Principal) -> Correction:
    correction = await Correction.get_or_none(id=correction_id)
    if correction is None or not who.sees_community(
        correction.community_id, correction.district_id
    ):
        raise NotFound("No such correction request.")
    return correction


async def reverse_record(record: ServiceRecord, *, by: Principal, reason: str) -> ServiceRecord:
    if await ServiceRecord.exists(reverses_id=record.id):
        raise RecordReversed("This record has been reversed already.")
    try:
        reversal = await ServiceRecord.create(
            district_id=record.district_id,
            community_id=record.community_id,
            resident_id=record.resident_id,
            activity_id=record.activity_id,
            kind="reversal",
            reverses_id=record.id,
            action=record.action,
            content=record.content,
            organiser=record.organiser,
            hours=-record.hours,
            served_on=record.served_on,
            backfill=record.backfill,
            reason=reason,
            verified_by=by.subject,
            verified_at=datetime.now(UTC),
        )
    except IntegrityError as exc:
        raise RecordReversed("This record has been reversed already.") from exc
    await reverse_participation(
        source="service_record", source_id=record.id, reason=reason, actor=by.subject
    )
    return reversal


async def decide_correction(
    correction_id: str,
    *,
    by: Principal,
    decision: str,
    reason: str,
    hours: Decimal | None,
) -> Correction:
    """Accepting reverses the wrong record and, when hours are due, writes a new one; a
    missing record is written anew. Nothing is edited."""
    correction = await get_correction(correction_id, who=by)
    if correction.status != "pending":
        raise CorrectionNotPending(f"The request is {correction.status}.")
    now = datetime.now(UTC)
    decided = await Correction.filter(id=correction.id, status="pending").update(
        status="accepted" if decision == "accept" else "rejected",
        decided_by=by.subject,
        decided_at=now,
        decision_reason=reason,
    )
    if not decided:
        raise CorrectionNotPending("The request was decided meanwhile.")
    if decision == "accept":
        await _apply_correction(correction, by=by, reason=reason, hours=hours)
    await correction.refresh_from_db()
    return correction


async def _apply_correction(
    correction: Correction, *, by: Principal, reason: str, hours: Decimal | None
) -> None:
    assert correction.activity_id is not None
    activity = await Activity.get(id=correction.activity_id)
    due = hours if hours is not None else correction.hours
    if correction.record_id is not None:
        record = await ServiceRecord.get(id=correction.record_id)
        await reverse_record(record, by=by, reason=reason)
        if due is None:
            return
    elif due is None:
        raise HoursRequired("Say how many hours the new record counts.")
    _check_hours(due, activity)
    await write_service_record(
        RecordDraft(
            resident_id=correction.resident_id,
            activity=activity,
            hours=due,
            served_at=activity.starts_at,
            backfill=True,
            correction_id=correction.id,
            reason=reason,
        ),
        by=by,
    )


# --- summary -------------------------------------------------------------------------------

STAR_HOURS = (100, 300, 600, 1000, 1500)


def star_for(hours: Decimal) -> int:
    """Star rating by cumulative verified hours: ★100, ★★300, ★★★600, ★★★★1000, ★★★★★1500."""
    return sum(1 for threshold in STAR_HOURS if hours >= threshold)
