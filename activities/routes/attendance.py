"""Endpoints for check-in codes, check-in and check-out, back-filled attendances and their
verification (`activities.attendance`, `activities.records`)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from activities import attendance, records, scope
from activities.checkin import checkin_link, issue_checkin_token, qr_png
from activities.errors import (
    ActivityNotOpen,
    AlreadyCheckedIn,
    AttendanceExists,
    AttendanceNotPending,
    CheckinTokenExpired,
    CheckinTokenInvalid,
    DailyHoursExceeded,
    DistrictReviewRequired,
    HoursRequired,
    InvalidHours,
    InvalidTimes,
    NoFreeSeat,
    NotCheckedIn,
    NotEnrolled,
    OutsideGeofence,
    OutsideTimeWindow,
    OverlappingAttendance,
    ReasonRequired,
    UnknownResident,
)
from activities.models import Attendance
from activities.schemas.attendance import (
    AttendanceOut,
    AttendanceQuery,
    BackfillIn,
    CheckinCodeOut,
    CheckinIn,
    VerifyIn,
)
from activities.scope import RUNS_ACTIVITIES
from credits.errors import InsufficientCredits
from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Principal
from kernel.http import Api, Page, paginate
from kernel.settings import get_settings

api = Api("activities")


async def _attendances_out(attendances: list[Attendance]) -> list[AttendanceOut]:
    record_ids = await records.record_ids_of([a.id for a in attendances])
    return [AttendanceOut.of(a, record_ids) for a in attendances]


# --- check-in ------------------------------------------------------------------------------


@api.get(
    "/api/v1/activities/{activity_id}/checkin-code",
    roles=RUNS_ACTIVITIES,
    response=CheckinCodeOut,
)
async def checkin_code(who: Principal, activity_id: str) -> CheckinCodeOut:
    """The current check-in code (valid about a minute); the worker's screen shows its QR."""
    activity = await scope.managed_activity(activity_id, who=who)
    token, expires_at = issue_checkin_token(activity.id)
    base = get_settings().public_base_url.rstrip("/")
    return CheckinCodeOut(
        token=token,
        link=checkin_link(token),
        expires_at=expires_at,
        qr_png_url=f"{base}/api/v1/activities/{activity.id}/checkin-code.png",
    )


@api.get(
    "/api/v1/activities/{activity_id}/checkin-code.png",
    roles=RUNS_ACTIVITIES,
    media_type="image/png",
)
async def checkin_code_png(who: Principal, activity_id: str) -> Response:
    """The current check-in code as a QR image (PNG); fetch it again to rotate."""
    activity = await scope.managed_activity(activity_id, who=who)
    token, _ = issue_checkin_token(activity.id)
    return Response(
        qr_png(checkin_link(token)), media_type="image/png", headers={"Cache-Control": "no-store"}
    )


@api.post(
    "/api/v1/activities/{activity_id}/check-in",
    roles=("resident",),
    body=CheckinIn,
    response=AttendanceOut,
    status=201,
    errors=(
        ActivityNotOpen,
        AlreadyCheckedIn,
        CheckinTokenExpired,
        CheckinTokenInvalid,
        NoFreeSeat,
        NotEnrolled,
        OutsideGeofence,
        OutsideTimeWindow,
        OverlappingAttendance,
        UnknownResident,
    ),
)
async def check_in(who: Principal, activity_id: str, body: CheckinIn) -> AttendanceOut:
    """An enrolled resident checks in on site with the code on the worker's screen."""
    recorded = await attendance.check_in(
        activity_id, who=who, token=body.token, lat=body.lat, lng=body.lng, device=body.device
    )
    # An open attendance has no service record (one is written when it is verified).
    return AttendanceOut.of(recorded, {})


@api.post(
    "/api/v1/activities/{activity_id}/check-out",
    roles=("resident",),
    body=CheckinIn,
    response=AttendanceOut,
    errors=(
        CheckinTokenExpired,
        CheckinTokenInvalid,
        NotCheckedIn,
        OutsideGeofence,
        OutsideTimeWindow,
    ),
)
async def check_out(who: Principal, activity_id: str, body: CheckinIn) -> AttendanceOut:
    """The resident checks out on site; the hours within the activity's time are counted."""
    recorded = await attendance.check_out(
        activity_id, who=who, token=body.token, lat=body.lat, lng=body.lng
    )
    # A pending attendance has no service record (one is written when it is verified).
    return AttendanceOut.of(recorded, {})


@api.post(
    "/api/v1/activities/{activity_id}/attendances",
    roles=RUNS_ACTIVITIES,
    body=BackfillIn,
    response=AttendanceOut,
    status=201,
    errors=(
        ActivityNotOpen,
        AttendanceExists,
        InvalidTimes,
        OverlappingAttendance,
        UnknownResident,
    ),
)
async def backfill_attendance(who: Principal, activity_id: str, body: BackfillIn) -> AttendanceOut:
    """A worker back-fills an attendance (补录) with a note; it is marked `backfill`."""
    recorded = await attendance.backfill_attendance(
        activity_id,
        who=who,
        resident_id=body.resident,
        checked_in_at=body.checked_in_at,
        checked_out_at=body.checked_out_at,
        note=body.note,
    )
    return (await _attendances_out([recorded]))[0]


@api.get(
    "/api/v1/activities/{activity_id}/attendances",
    roles=STAFF,
    query=AttendanceQuery,
    response=Page[AttendanceOut],
)
async def list_attendances(
    who: Principal, activity_id: str, query: AttendanceQuery
) -> dict[str, Any]:
    """The activity's attendances, with the flags the reviewing worker should look at."""
    activity = await scope.managed_activity(activity_id, who=who)
    attendances = Attendance.filter(activity_id=activity.id)
    if query.status is not None:
        attendances = attendances.filter(status=query.status)
    page = await paginate(attendances, query, newest_first=False)
    page["items"] = await _attendances_out(page["items"])
    return page


@api.post(
    "/api/v1/attendances/{attendance_id}/verify",
    roles=RUNS_ACTIVITIES,
    body=VerifyIn,
    response=AttendanceOut,
    idempotent=True,
    errors=(
        AttendanceNotPending,
        DailyHoursExceeded,
        DistrictReviewRequired,
        HoursRequired,
        InsufficientCredits,
        InvalidHours,
        ReasonRequired,
    ),
)
async def verify_attendance(who: Principal, attendance_id: str, body: VerifyIn) -> AttendanceOut:
    """Approves (writing the service record and posting hours and credits) or rejects."""
    recorded = await records.verify_attendance(
        attendance_id, by=who, decision=body.decision, hours=body.hours, reason=body.reason
    )
    return (await _attendances_out([recorded]))[0]


@api.get(
    "/api/v1/me/attendances",
    roles=("resident",),
    query=AttendanceQuery,
    response=Page[AttendanceOut],
)
async def my_attendances(who: Principal, query: AttendanceQuery) -> dict[str, Any]:
    """The resident's own attendances, open, waiting, verified or rejected."""
    attendances = scope.readable_attendances(who).rows()
    if query.status is not None:
        attendances = attendances.filter(status=query.status)
    page = await paginate(attendances, query)
    page["items"] = await _attendances_out(page["items"])
    return page
