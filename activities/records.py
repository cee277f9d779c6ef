"""Verification into immutable service records (within the daily hours cap) and corrections (a new
record or a reversal, never an edit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from tortoise.exceptions import IntegrityError

from accounts.models import Community, District
from activities.checkin import (
    served_hours,
)
from activities.daily_hours import ensure_daily_cap
from activities.errors import (
    STATUS_NAMES,
    AttendanceNotPending,
    CorrectionNotPending,
    CorrectionTarget,
    HoursRequired,
    InvalidHours,
    ReasonRequired,
    RecordReversed,
)
from activities.models import (
    Activity,
    Attendance,
    Correction,
    ServiceRecord,
)
from activities.notices import tell_attendance_decided, tell_correction_decided
from activities.scope import managed_attendance, managed_correction, readable_activity
from credits.service import lock_resident, record_participation, reverse_participation
from kernel.auth import Principal
from kernel.errors import NotFound
from kernel.i18n import N_, Named
from kernel.localtime import local_date
from kernel.validation import FieldMessage

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


async def write_service_record(draft: RecordDraft, *, by: Principal) -> ServiceRecord:
    """The immutable record, and its hours and credits posted in the same transaction."""
    await lock_resident(draft.resident_id)
    await ensure_daily_cap(
        district_id=draft.activity.district_id,
        resident_id=draft.resident_id,
        served_at=draft.served_at,
        hours=draft.hours,
        by=by,
    )
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
        memo=record.content,
    )
    return record


AT_MOST = N_("at most {longest} h")


def _check_hours(hours: Decimal, activity: Activity) -> None:
    longest = served_hours(
        activity.starts_at, activity.ends_at, activity.starts_at, activity.ends_at
    )
    if hours <= 0:
        raise InvalidHours(
            N_("No time within the activity was served; reject it or give the hours served."),
            errors=[{"field": "hours", "message": N_("must be more than 0")}],
        )
    if hours > longest:
        raise InvalidHours(
            N_("The activity lasts {longest} h; no more can count."),
            errors=[{"field": "hours", "message": FieldMessage(AT_MOST, longest=longest)}],
            longest=longest,
        )


async def verify_attendance(
    attendance_id: str,
    *,
    by: Principal,
    decision: str,
    hours: Decimal | None = None,
    reason: str | None = None,
) -> Attendance:
    attendance = await managed_attendance(attendance_id, who=by)
    if attendance.status != "pending":
        raise AttendanceNotPending(
            N_("The attendance is {status}."), status=Named(attendance.status, STATUS_NAMES)
        )
    now = datetime.now(UTC)
    if decision == "reject":
        if not reason:
            raise ReasonRequired(N_("Say why the attendance is rejected."))
        decided = await Attendance.filter(id=attendance.id, status="pending").update(
            status="rejected", decided_by=by.subject, decided_at=now, decision_reason=reason
        )
        if not decided:
            raise AttendanceNotPending(N_("The attendance was decided meanwhile."))
        await attendance.refresh_from_db()
        await tell_attendance_decided(attendance, await Activity.get(id=attendance.activity_id))
        return attendance
    activity = await Activity.get(id=attendance.activity_id)
    if attendance.hours is None and hours is None:
        raise HoursRequired(N_("The resident never checked out: give the hours served, and why."))
    counted = hours if hours is not None else attendance.hours
    assert counted is not None
    adjusted = attendance.hours is None or counted != attendance.hours
    if adjusted and not reason:
        raise ReasonRequired(N_("Say why the hours differ from the check-in and check-out."))
    _check_hours(counted, activity)
    decided = await Attendance.filter(id=attendance.id, status="pending").update(
        status="verified",
        hours=counted,
        decided_by=by.subject,
        decided_at=now,
        decision_reason=reason,
    )
    if not decided:
        raise AttendanceNotPending(N_("The attendance was decided meanwhile."))
    await write_service_record(
        RecordDraft(
            resident_id=attendance.resident_id,
            activity=activity,
            hours=counted,
            served_at=max(attendance.checked_in_at, activity.starts_at),
            backfill=attendance.source == "backfill",
            attendance_id=attendance.id,
            reason=reason or "",
        ),
        by=by,
    )
    await attendance.refresh_from_db()
    await tell_attendance_decided(attendance, activity)
    return attendance


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
            N_("Name the wrong `record`, or the `activity` whose record is missing.")
        )
    if record_id is not None:
        record = await ServiceRecord.get_or_none(id=record_id, resident_id=who.id, kind="record")
        if record is None:
            raise NotFound(N_("No such service record of yours."))
        district_id, community_id, activity_id = (
            record.district_id,
            record.community_id,
            record.activity_id,
        )
    else:
        assert activity_id is not None
        activity = await readable_activity(activity_id, who=who)
        if hours is None:
            raise HoursRequired(N_("Say how many hours you served at that activity."))
        recorded = await ServiceRecord.filter(
            resident_id=who.id, activity_id=activity.id, kind="record"
        ).values_list("id", flat=True)
        reversed_ids = await ServiceRecord.filter(reverses_id__in=list(recorded)).values_list(
            "reverses_id", flat=True
        )
        if set(recorded) - set(reversed_ids):
            raise CorrectionTarget(
                N_("You have a record of this activity: name that `record` to correct it.")
            )
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


async def reverse_record(record: ServiceRecord, *, by: Principal, reason: str) -> ServiceRecord:
    if await ServiceRecord.exists(reverses_id=record.id):
        raise RecordReversed(N_("This record has been reversed already."))
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
        raise RecordReversed(N_("This record has been reversed already.")) from exc
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
    correction = await managed_correction(correction_id, who=by)
    if correction.status != "pending":
        raise CorrectionNotPending(
            N_("The request is {status}."), status=Named(correction.status, STATUS_NAMES)
        )
    now = datetime.now(UTC)
    decided = await Correction.filter(id=correction.id, status="pending").update(
        status="accepted" if decision == "accept" else "rejected",
        decided_by=by.subject,
        decided_at=now,
        decision_reason=reason,
    )
    if not decided:
        raise CorrectionNotPending(N_("The request was decided meanwhile."))
    if decision == "accept":
        await _apply_correction(correction, by=by, reason=reason, hours=hours)
    await correction.refresh_from_db()
    await tell_correction_decided(correction)
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
    assert due is not None  # a missing record is requested with its hours
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
