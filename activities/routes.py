"""HTTP endpoints of the activities domain: thin adapters over its services."""

from __future__ import annotations

import html
from datetime import UTC
from typing import Any

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from activities import attendance, certificates, deeds, records, service
from activities.checkin import issue_checkin_token, qr_png
from activities.models import (
    Activity,
    Attendance,
    Certificate,
    CivilityAction,
    Correction,
    Deed,
    Enrollment,
    ServiceRecord,
)
from activities.schemas import (
    ActionIn,
    ActionOut,
    ActivityFilters,
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    ActivityQuery,
    AttendanceOut,
    AttendanceQuery,
    AttestIn,
    BackfillIn,
    CancelIn,
    CertificateOut,
    CheckinCodeOut,
    CheckinIn,
    CorrectionDecisionIn,
    CorrectionIn,
    CorrectionOut,
    CorrectionQuery,
    DeedIn,
    DeedOut,
    DeedQuery,
    EnrollmentOut,
    ReviewIn,
    RosterEntryOut,
    RosterQuery,
    ServiceRecordOut,
    SummaryOut,
    UploadOut,
    VerificationOut,
    VerifyIn,
)
from app.accounts.models import Community, District, Resident
from app.core.auth import Principal
from app.core.errors import BadRequest, Invalid, UnsupportedMediaType
from app.core.http import Api, Page, PageQuery, paginate
from app.core.i18n import N_
from app.core.settings import get_settings
from credits.recognition.service import badges_held
from credits.service import resident_totals

api = Api("activities")
STAFF = ("worker", "district_admin", "platform_admin")
RUNS_ACTIVITIES = ("worker", "district_admin")


# --- views ---------------------------------------------------------------------------------


def action_view(action: CivilityAction) -> dict[str, Any]:
    return {
        "code": action.code,
        "name": action.name,
        "description": action.description,
        "verification": action.verification,
        "builtin": action.district_id is None,
    }


async def activity_views(activities: list[Activity]) -> list[dict[str, Any]]:
    community_ids = {a.community_id for a in activities}
    communities = {c.id: c for c in await Community.filter(id__in=community_ids)}
    districts = {
        d.id: d.code
        for d in await District.filter(id__in={c.district_id for c in communities.values()})
    }
    counts = await service.activity_counts([a.id for a in activities])
    return [
        {
            "id": a.id,
            "title": a.title,
            "description": a.description,
            "action": a.action,
            "district": districts[a.district_id],
            "community": communities[a.community_id].code,
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "capacity": a.capacity,
            "enrolled": counts[a.id]["enrolled"],
            "waitlisted": counts[a.id]["waitlisted"],
            "location": {
                "lat": a.lat,
                "lng": a.lng,
                "radius_m": a.radius_m,
                "address": a.address,
            },
            "status": a.status,
            "cancel_reason": a.cancel_reason,
            "created_at": a.created_at,
        }
        for a in activities
    ]


async def attendance_views(attendances: list[Attendance]) -> list[dict[str, Any]]:
    record_ids = await records.record_ids_of([a.id for a in attendances])
    return [
        {
            "id": a.id,
            "activity": a.activity_id,
            "resident": a.resident_id,
            "checked_in_at": a.checked_in_at,
            "checked_out_at": a.checked_out_at,
            "hours": a.hours,
            "source": a.source,
            "status": a.status,
            "flags": a.flags,
            "note": a.note,
            "decision_reason": a.decision_reason,
            "record": record_ids.get(a.id),
        }
        for a in attendances
    ]


async def attendance_view(attendance: Attendance) -> dict[str, Any]:
    return (await attendance_views([attendance]))[0]


def deed_view(deed: Deed) -> dict[str, Any]:
    return {
        "id": deed.id,
        "resident": deed.resident_id,
        "action": deed.action,
        "description": deed.description,
        "occurred_at": deed.occurred_at,
        "evidence": deed.evidence,
        "lat": deed.lat,
        "lng": deed.lng,
        "mode": deed.mode,
        "consent": deed.consent,
        "status": deed.status,
        "flags": deed.flags,
        "review_reason": deed.review_reason,
        "created_at": deed.created_at,
    }


def record_view(record: ServiceRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": record.kind,
        "activity": record.activity_id,
        "action": record.action,
        "content": record.content,
        "hours": record.hours,
        "served_on": record.served_on,
        "organiser": record.organiser,
        "backfill": record.backfill,
        "reverses": record.reverses_id,
        "reason": record.reason,
        "verified_at": record.verified_at,
    }


def correction_view(correction: Correction) -> dict[str, Any]:
    return {
        "id": correction.id,
        "resident": correction.resident_id,
        "record": correction.record_id,
        "activity": correction.activity_id,
        "hours": correction.hours,
        "reason": correction.reason,
        "status": correction.status,
        "decision_reason": correction.decision_reason,
        "created_at": correction.created_at,
    }


def _scoped(queryset: Any, who: Principal) -> Any:
    """Staff lists: workers see their communities, district admins their district."""
    if who.role == "platform_admin":
        return queryset
    if who.role == "district_admin":
        return queryset.filter(district_id=who.district_id or "")
    return queryset.filter(community_id__in=list(who.community_ids))


# --- civility actions ----------------------------------------------------------------------


@api.get("/api/v1/actions", response=list[ActionOut])
async def list_actions(who: Principal) -> list[dict[str, Any]]:
    """The ten civility actions, then the caller's district's own."""
    return [action_view(a) for a in await service.list_actions(who)]


@api.post(
    "/api/v1/actions", roles=("district_admin",), body=ActionIn, response=ActionOut, status=201
)
async def create_action(who: Principal, body: ActionIn) -> dict[str, Any]:
    """A district adds its own civility action; the ten are never edited."""
    return action_view(await service.create_action(who=who, **body.model_dump()))


# --- activities ----------------------------------------------------------------------------


@api.post(
    "/api/v1/activities",
    roles=RUNS_ACTIVITIES,
    body=ActivityIn,
    response=ActivityOut,
    status=201,
)
async def create_activity(who: Principal, body: ActivityIn) -> dict[str, Any]:
    """Publishes an activity; one already over is accepted `finished`, for back-filling."""
    location = body.location
    activity = await service.create_activity(
        who=who,
        title=body.title,
        description=body.description,
        action=body.action,
        community=body.community,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        capacity=body.capacity,
        lat=location.lat,
        lng=location.lng,
        radius_m=location.radius_m,
        address=location.address,
    )
    return (await activity_views([activity]))[0]


@api.get("/api/v1/activities", query=ActivityQuery, response=Page[ActivityOut])
async def list_activities(who: Principal, query: ActivityFilters) -> dict[str, Any]:
    """Activities in scope: residents their district's, workers their communities'."""
    activities = Activity.all()
    if who.kind == "resident":
        activities = activities.filter(district_id=who.district_id or "")
    else:
        activities = _scoped(activities, who)
    if query.community is not None:
        activities = activities.filter(
            community_id=await service.community_to_list(who, query.community)
        )
    if query.action is not None:
        activities = activities.filter(action=query.action)
    if query.status is not None:
        activities = activities.filter(status=query.status)
    starts_from = getattr(query, "from")
    if starts_from is not None:
        activities = activities.filter(ends_at__gte=starts_from.astimezone(UTC))
    if query.to is not None:
        activities = activities.filter(starts_at__lte=query.to.astimezone(UTC))
    page = await paginate(activities, query)
    page["items"] = await activity_views(page["items"])
    return page


@api.get("/api/v1/activities/{activity_id}", response=ActivityOut)
async def get_activity(who: Principal, activity_id: str) -> dict[str, Any]:
    """An activity with its enrolled and waitlisted counts."""
    return (await activity_views([await service.get_activity(activity_id, who=who)]))[0]


@api.patch(
    "/api/v1/activities/{activity_id}",
    roles=RUNS_ACTIVITIES,
    body=ActivityPatch,
    response=ActivityOut,
)
async def update_activity(who: Principal, activity_id: str, body: ActivityPatch) -> dict[str, Any]:
    """Changes an activity before it starts; a larger capacity seats the waitlist."""
    activity = await service.manage_activity(activity_id, who=who)
    changes = body.model_dump(exclude_unset=True)
    activity = await service.update_activity(activity, changes)
    return (await activity_views([activity]))[0]


@api.post(
    "/api/v1/activities/{activity_id}/cancel",
    roles=RUNS_ACTIVITIES,
    body=CancelIn,
    response=ActivityOut,
)
async def cancel_activity(who: Principal, activity_id: str, body: CancelIn) -> dict[str, Any]:
    """Cancels an activity before it starts; everyone enrolled or waiting is notified."""
    activity = await service.manage_activity(activity_id, who=who)
    activity = await service.cancel_activity(activity, reason=body.reason)
    return (await activity_views([activity]))[0]


# --- enrolment -----------------------------------------------------------------------------


@api.post(
    "/api/v1/activities/{activity_id}/enrollments",
    roles=("resident",),
    response=EnrollmentOut,
    status=201,
)
async def enrol(who: Principal, activity_id: str) -> dict[str, Any]:
    """Enrols the resident, or puts them on the waitlist when the activity is full."""
    enrollment = await service.enrol(activity_id, who=who)
    return {"id": enrollment.id, "activity": enrollment.activity_id, "status": enrollment.status}


@api.delete("/api/v1/activities/{activity_id}/enrollments/me", roles=("resident",), status=204)
async def cancel_enrolment(who: Principal, activity_id: str) -> None:
    """Gives the seat up; the first waitlisted resident moves up."""
    await service.cancel_enrolment(activity_id, who=who)


@api.get(
    "/api/v1/activities/{activity_id}/enrollments",
    roles=STAFF,
    query=RosterQuery,
    response=Page[RosterEntryOut],
)
async def roster(who: Principal, activity_id: str, query: RosterQuery) -> dict[str, Any]:
    """Who is enrolled and who waits; `queued_at` orders the waitlist."""
    activity = await service.manage_activity(activity_id, who=who)
    entries = Enrollment.filter(activity_id=activity.id)
    if query.status is not None:
        entries = entries.filter(status=query.status)
    page = await paginate(entries, query, newest_first=False)
    nicknames = dict(
        await Resident.filter(id__in=[e.resident_id for e in page["items"]]).values_list(
            "id", "nickname"
        )
    )
    page["items"] = [
        {
            "id": e.id,
            "activity": e.activity_id,
            "status": e.status,
            "resident": e.resident_id,
            "nickname": nicknames.get(e.resident_id, ""),
            "queued_at": e.queued_at,
        }
        for e in page["items"]
    ]
    return page


# --- check-in ------------------------------------------------------------------------------


@api.get(
    "/api/v1/activities/{activity_id}/checkin-code",
    roles=RUNS_ACTIVITIES,
    response=CheckinCodeOut,
)
async def checkin_code(who: Principal, activity_id: str) -> dict[str, Any]:
    """The current check-in code (valid about a minute); the worker's screen shows its QR."""
    activity = await service.manage_activity(activity_id, who=who)
    token, expires_at = issue_checkin_token(activity.id)
    base = get_settings().public_base_url.rstrip("/")
    return {
        "token": token,
        "expires_at": expires_at,
        "qr_png_url": f"{base}/api/v1/activities/{activity.id}/checkin-code.png",
    }


@api.get(
    "/api/v1/activities/{activity_id}/checkin-code.png",
    roles=RUNS_ACTIVITIES,
    media_type="image/png",
)
async def checkin_code_png(who: Principal, activity_id: str) -> Response:
    """The current check-in code as a QR image (PNG); fetch it again to rotate."""
    activity = await service.manage_activity(activity_id, who=who)
    token, _ = issue_checkin_token(activity.id)
    return Response(qr_png(token), media_type="image/png", headers={"Cache-Control": "no-store"})


@api.post(
    "/api/v1/activities/{activity_id}/check-in",
    roles=("resident",),
    body=CheckinIn,
    response=AttendanceOut,
    status=201,
)
async def check_in(who: Principal, activity_id: str, body: CheckinIn) -> dict[str, Any]:
    """An enrolled resident checks in on site with the code on the worker's screen."""
    recorded = await attendance.check_in(
        activity_id, who=who, token=body.token, lat=body.lat, lng=body.lng, device=body.device
    )
    return await attendance_view(recorded)


@api.post(
    "/api/v1/activities/{activity_id}/check-out",
    roles=("resident",),
    body=CheckinIn,
    response=AttendanceOut,
)
async def check_out(who: Principal, activity_id: str, body: CheckinIn) -> dict[str, Any]:
    """The resident checks out on site; the hours within the activity's time are counted."""
    recorded = await attendance.check_out(
        activity_id, who=who, token=body.token, lat=body.lat, lng=body.lng
    )
    return await attendance_view(recorded)


@api.post(
    "/api/v1/activities/{activity_id}/attendances",
    roles=RUNS_ACTIVITIES,
    body=BackfillIn,
    response=AttendanceOut,
    status=201,
)
async def backfill_attendance(who: Principal, activity_id: str, body: BackfillIn) -> dict[str, Any]:
    """A worker back-fills an attendance (补录) with a note; it is marked `backfill`."""
    recorded = await attendance.backfill_attendance(
        activity_id,
        who=who,
        resident_id=body.resident,
        checked_in_at=body.checked_in_at,
        checked_out_at=body.checked_out_at,
        note=body.note,
    )
    return await attendance_view(recorded)


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
    activity = await service.manage_activity(activity_id, who=who)
    attendances = Attendance.filter(activity_id=activity.id)
    if query.status is not None:
        attendances = attendances.filter(status=query.status)
    page = await paginate(attendances, query, newest_first=False)
    page["items"] = await attendance_views(page["items"])
    return page


@api.post(
    "/api/v1/attendances/{attendance_id}/verify",
    roles=RUNS_ACTIVITIES,
    body=VerifyIn,
    response=AttendanceOut,
    idempotent=True,
)
async def verify_attendance(who: Principal, attendance_id: str, body: VerifyIn) -> dict[str, Any]:
    """Approves (writing the service record and posting hours and credits) or rejects."""
    recorded = await records.verify_attendance(
        attendance_id, by=who, decision=body.decision, hours=body.hours, reason=body.reason
    )
    return await attendance_view(recorded)


@api.get(
    "/api/v1/me/attendances",
    roles=("resident",),
    query=AttendanceQuery,
    response=Page[AttendanceOut],
)
async def my_attendances(who: Principal, query: AttendanceQuery) -> dict[str, Any]:
    """The resident's own attendances, open, waiting, verified or rejected."""
    attendances = Attendance.filter(resident_id=who.id)
    if query.status is not None:
        attendances = attendances.filter(status=query.status)
    page = await paginate(attendances, query)
    page["items"] = await attendance_views(page["items"])
    return page


# --- deeds and uploads ---------------------------------------------------------------------


@api.post("/api/v1/uploads", roles=("resident", "worker"), response=UploadOut, status=201)
async def upload(who: Principal, request: Request) -> dict[str, Any]:
    """Uploads one image (JPEG, PNG or WebP, checked by content) as multipart field `file`."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UnsupportedMediaType(N_("Send the file as multipart/form-data, field `file`."))
    try:
        async with request.form(max_files=1, max_fields=5) as form:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise Invalid(
                    N_("The form has no file."),
                    errors=[{"field": "file", "message": N_("a file is required")}],
                )
            data = await file.read(get_settings().max_upload_bytes + 1)
    except MultiPartException as exc:
        raise BadRequest(
            N_("The multipart body is not valid: {message}"), message=exc.message
        ) from exc
    stored = await deeds.store_upload(data, who=who)
    base = get_settings().public_base_url.rstrip("/")
    return {
        "id": stored.id,
        "url": f"{base}/api/v1/uploads/{stored.id}",
        "content_type": stored.content_type,
        "size": stored.size,
    }


@api.get("/api/v1/uploads/{upload_id}")
async def get_upload(who: Principal, upload_id: str) -> Response:
    """The image of an upload: for its owner, and for staff of its district."""
    stored, data = await deeds.read_upload(upload_id, who=who)
    return Response(data, media_type=stored.content_type, headers={"Cache-Control": "private"})


@api.post("/api/v1/deeds", roles=("resident",), body=DeedIn, response=DeedOut, status=201)
async def report_deed(who: Principal, body: DeedIn) -> dict[str, Any]:
    """A resident reports a good deed with evidence; a worker reviews it."""
    return deed_view(await deeds.report_deed(who=who, **body.model_dump()))


@api.post(
    "/api/v1/deeds/attest",
    roles=RUNS_ACTIVITIES,
    body=AttestIn,
    response=DeedOut,
    status=201,
    idempotent=True,
)
async def attest_deed(who: Principal, body: AttestIn) -> dict[str, Any]:
    """A worker attests a resident's deed (proxy mode records the resident's consent)."""
    deed = await deeds.attest_deed(
        who=who,
        resident_id=body.resident,
        action=body.action,
        description=body.description,
        occurred_at=body.occurred_at,
        proxy=body.proxy,
        consent=body.consent,
    )
    return deed_view(deed)


@api.get("/api/v1/deeds", query=DeedQuery, response=Page[DeedOut])
async def list_deeds(who: Principal, query: DeedQuery) -> dict[str, Any]:
    """Residents see their own deeds; workers those of their communities."""
    found = Deed.filter(resident_id=who.id) if who.kind == "resident" else _scoped(Deed.all(), who)
    if query.status is not None:
        found = found.filter(status=query.status)
    page = await paginate(found, query)
    page["items"] = [deed_view(d) for d in page["items"]]
    return page


@api.post(
    "/api/v1/deeds/{deed_id}/review",
    roles=RUNS_ACTIVITIES,
    body=ReviewIn,
    response=DeedOut,
    idempotent=True,
)
async def review_deed(who: Principal, deed_id: str, body: ReviewIn) -> dict[str, Any]:
    """Approves a reported deed (it earns by the district's rules) or rejects it with a reason."""
    deed = await deeds.review_deed(deed_id, by=who, decision=body.decision, reason=body.reason)
    return deed_view(deed)


# --- my records ----------------------------------------------------------------------------


@api.get("/api/v1/me/summary", roles=("resident",), response=SummaryOut)
async def my_summary(who: Principal) -> dict[str, Any]:
    """Verified hours, credits, star rating, badges held and the count of each action."""
    totals = await resident_totals(who.id)
    return {
        "hours_total": totals.hours_total,
        "credits_balance": totals.credits_balance,
        "credits_held": totals.credits_held,
        "star": service.star_for(totals.hours_total),
        "badges": await badges_held(who.id),
        "actions": dict(totals.actions),
    }


@api.get(
    "/api/v1/me/service-records",
    roles=("resident",),
    query=PageQuery,
    response=Page[ServiceRecordOut],
)
async def my_service_records(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The resident's service records, newest first; reversals name what they reverse."""
    page = await paginate(ServiceRecord.filter(resident_id=who.id), query)
    page["items"] = [record_view(r) for r in page["items"]]
    return page


@api.post(
    "/api/v1/me/corrections",
    roles=("resident",),
    body=CorrectionIn,
    response=CorrectionOut,
    status=201,
)
async def request_correction(who: Principal, body: CorrectionIn) -> dict[str, Any]:
    """Asks to correct a wrong record (`record`) or add a missing one (`activity`, `hours`)."""
    correction = await records.request_correction(
        who=who,
        record_id=body.record,
        activity_id=body.activity,
        hours=body.hours,
        reason=body.reason,
    )
    return correction_view(correction)


@api.get(
    "/api/v1/me/corrections",
    roles=("resident",),
    query=CorrectionQuery,
    response=Page[CorrectionOut],
)
async def my_corrections(who: Principal, query: CorrectionQuery) -> dict[str, Any]:
    """The resident's correction requests and their decisions."""
    found = Correction.filter(resident_id=who.id)
    if query.status is not None:
        found = found.filter(status=query.status)
    page = await paginate(found, query)
    page["items"] = [correction_view(c) for c in page["items"]]
    return page


@api.get("/api/v1/corrections", roles=STAFF, query=CorrectionQuery, response=Page[CorrectionOut])
async def list_corrections(who: Principal, query: CorrectionQuery) -> dict[str, Any]:
    """Correction requests from the caller's communities."""
    found = _scoped(Correction.all(), who)
    if query.status is not None:
        found = found.filter(status=query.status)
    page = await paginate(found, query)
    page["items"] = [correction_view(c) for c in page["items"]]
    return page


@api.post(
    "/api/v1/corrections/{correction_id}/decide",
    roles=RUNS_ACTIVITIES,
    body=CorrectionDecisionIn,
    response=CorrectionOut,
    idempotent=True,
)
async def decide_correction(
    who: Principal, correction_id: str, body: CorrectionDecisionIn
) -> dict[str, Any]:
    """Accepts (a reversal and/or a new record, never an edit) or rejects, with a reason."""
    correction = await records.decide_correction(
        correction_id, by=who, decision=body.decision, reason=body.reason, hours=body.hours
    )
    return correction_view(correction)


# --- certificates --------------------------------------------------------------------------


@api.post("/api/v1/me/certificates", roles=("resident",), response=CertificateOut, status=201)
async def request_certificate(who: Principal) -> dict[str, Any]:
    """Issues a certificate of service (志愿服务证明) for the resident's verified hours."""
    return certificate_view(await certificates.issue_certificate(who=who))


def certificate_view(certificate: Certificate) -> dict[str, Any]:
    return {
        "number": certificate.number,
        "verify_url": certificates.verify_url(certificate.number),
        "pdf_url": certificates.pdf_url(certificate.number),
        "hours": certificate.hours,
        "issued_at": certificate.issued_at,
    }


@api.get(
    "/api/v1/me/certificates",
    roles=("resident",),
    query=PageQuery,
    response=Page[CertificateOut],
)
async def my_certificates(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The certificates of service issued to the resident, newest first."""
    page = await paginate(Certificate.filter(resident_id=who.id), query)
    page["items"] = [certificate_view(c) for c in page["items"]]
    return page


@api.get("/api/v1/me/certificates/{number}/pdf", roles=("resident",), media_type="application/pdf")
async def certificate_pdf(who: Principal, number: str) -> Response:
    """The certificate as a PDF."""
    pdf = await certificates.certificate_pdf(number, who=who)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{number}.pdf"'},
    )


@api.get("/verify/{number}", auth=False, response=VerificationOut)
async def verify_certificate(request: Request, number: str) -> dict[str, Any] | Response:
    """Public check of a certificate: valid or not, masked holder, hours, issuer; nothing more.
    Browsers (Accept: text/html) get a page, other clients JSON."""
    certificate = await certificates.check_certificate(number)
    found: dict[str, Any] = {"number": number, "valid": False}
    if certificate is not None:
        found = {
            "number": number,
            "valid": True,
            "holder": certificate.holder_masked,
            "hours": certificate.hours,
            "issuer": certificate.issuer,
            "issued_at": service.local_date(certificate.issued_at),
        }
    if "text/html" not in request.headers.get("accept", ""):
        return found
    return HTMLResponse(_verification_page(found))


def _verification_page(found: dict[str, Any]) -> str:
    number = html.escape(str(found["number"]))
    if not found["valid"]:
        body = f"<h1>未找到有效证明</h1><p>编号 {number} 不是本平台出具的有效志愿服务证明。</p>"
    else:
        body = (
            "<h1>志愿服务证明有效</h1><dl>"
            f"<dt>证明编号</dt><dd>{number}</dd>"
            f"<dt>持证人</dt><dd>{html.escape(found['holder'])}</dd>"
            f"<dt>服务时长</dt><dd>{found['hours']} 小时</dd>"
            f"<dt>出具单位</dt><dd>{html.escape(found['issuer'])}</dd>"
            f"<dt>出具日期</dt><dd>{found['issued_at']}</dd></dl>"
        )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>志愿服务证明核验</title></head>"
        '<body style="font-family:sans-serif;max-width:32rem;margin:2rem auto">'
        f"{body}</body></html>"
    )
