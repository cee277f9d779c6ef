"""Endpoints for uploads and good deeds: reported, attested and reviewed (`activities.deeds`)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response

from activities import deeds, scope
from activities.errors import (
    AttestationOnly,
    CheckInOnly,
    DailyCapReached,
    DeedNotPending,
    EventFilingOnly,
    EvidenceRequired,
    InvalidTimes,
    NotAnImage,
    ReasonRequired,
    UnknownAction,
    UnknownResident,
    UnknownUpload,
    UploadTooLarge,
)
from activities.models import Deed
from activities.schemas.deeds import AttestIn, DeedIn, DeedOut, DeedQuery, ReviewIn, UploadOut
from activities.scope import RUNS_ACTIVITIES
from credits.errors import InsufficientCredits
from kernel.auth import Principal
from kernel.errors import BadRequest, Invalid, UnsupportedMediaType
from kernel.http import Api, Page, paginate
from kernel.i18n import N_
from kernel.settings import get_settings
from kernel.storage import UploadQuotaReached

api = Api("activities")


# --- deeds and uploads ---------------------------------------------------------------------


@api.post(
    "/api/v1/uploads",
    roles=("resident", "worker"),
    response=UploadOut,
    status=201,
    errors=(
        BadRequest,
        NotAnImage,
        UploadQuotaReached,
        UploadTooLarge,
    ),
)
async def upload(who: Principal, request: Request) -> UploadOut:
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
    return UploadOut.from_model(stored, url=f"{base}/api/v1/uploads/{stored.id}")


@api.get("/api/v1/uploads/{upload_id}")
async def get_upload(who: Principal, upload_id: str) -> Response:
    """The image of an upload: for its owner, workers of its community, admins of its district."""
    stored, data = await deeds.read_upload(upload_id, who=who)
    name = f"{stored.id}.{deeds.EXTENSIONS[stored.content_type]}"
    headers = {
        "Cache-Control": "private",
        "Content-Disposition": f'attachment; filename="{name}"',
    }
    return Response(data, media_type=stored.content_type, headers=headers)


@api.post(
    "/api/v1/deeds",
    roles=("resident",),
    body=DeedIn,
    response=DeedOut,
    status=201,
    errors=(
        AttestationOnly,
        CheckInOnly,
        DailyCapReached,
        EventFilingOnly,
        EvidenceRequired,
        InvalidTimes,
        UnknownAction,
        UnknownResident,
        UnknownUpload,
    ),
)
async def report_deed(who: Principal, body: DeedIn) -> Deed:
    """A resident reports a good deed with evidence; a worker reviews it."""
    return await deeds.report_deed(who=who, **body.model_dump(exclude={"coord"}))


@api.post(
    "/api/v1/deeds/attest",
    roles=RUNS_ACTIVITIES,
    body=AttestIn,
    response=DeedOut,
    status=201,
    idempotent=True,
    errors=(
        CheckInOnly,
        DailyCapReached,
        EventFilingOnly,
        InsufficientCredits,
        InvalidTimes,
        UnknownAction,
        UnknownResident,
    ),
)
async def attest_deed(who: Principal, body: AttestIn) -> Deed:
    """A worker attests a resident's deed (proxy mode records the resident's consent)."""
    return await deeds.attest_deed(
        who=who,
        resident_id=body.resident,
        action=body.action,
        description=body.description,
        occurred_at=body.occurred_at,
        proxy=body.proxy,
        consent=body.consent,
    )


@api.get("/api/v1/deeds", query=DeedQuery, response=Page[DeedOut])
async def list_deeds(who: Principal, query: DeedQuery) -> dict[str, Any]:
    """Residents see their own deeds; workers those of their communities."""
    found = scope.readable_deeds(who).rows()
    if query.status is not None:
        found = found.filter(status=query.status)
    return await paginate(found, query)


@api.post(
    "/api/v1/deeds/{deed_id}/review",
    roles=RUNS_ACTIVITIES,
    body=ReviewIn,
    response=DeedOut,
    idempotent=True,
    errors=(
        DeedNotPending,
        InsufficientCredits,
        ReasonRequired,
        UnknownAction,
    ),
)
async def review_deed(who: Principal, deed_id: str, body: ReviewIn) -> Deed:
    """Approves a reported deed (it earns by the district's rules) or rejects it with a reason."""
    return await deeds.review_deed(deed_id, by=who, decision=body.decision, reason=body.reason)
