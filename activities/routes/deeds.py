"""Endpoints for uploads and good deeds: reported, attested and reviewed (`activities.deeds`)."""

from __future__ import annotations

from typing import Any

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
    ReasonRequired,
    UnknownAction,
    UnknownCommunity,
    UnknownResident,
    UnknownUpload,
)
from activities.models import Deed
from activities.schemas.deeds import AttestIn, DeedIn, DeedOut, DeedQuery, ReviewIn, UploadOut
from activities.scope import RUNS_ACTIVITIES
from credits.errors import InsufficientCredits
from kernel.auth import Principal
from kernel.http import Api, Page, paginate
from kernel.settings import get_settings
from kernel.uploads import IMAGE_ERRORS, IMAGE_TYPES, SERVES_IMAGE, image_response

api = Api("activities")


# --- deeds and uploads ---------------------------------------------------------------------


@api.post(
    "/api/v1/uploads",
    roles=("resident", "worker"),
    upload=IMAGE_TYPES,
    response=UploadOut,
    status=201,
    errors=(*IMAGE_ERRORS, UnknownCommunity),
)
async def upload(who: Principal, file: bytes) -> UploadOut:
    """Uploads one image (JPEG, PNG or WebP, checked by content) as multipart field `file`:
    evidence for a deed; a resident chooses their community first."""
    stored = await deeds.store_upload(file, who=who)
    base = get_settings().public_base_url.rstrip("/")
    return UploadOut.from_model(stored, url=f"{base}/api/v1/uploads/{stored.id}")


@api.get("/api/v1/uploads/{upload_id}", **SERVES_IMAGE)
async def get_upload(who: Principal, upload_id: str) -> Response:
    """The image of an upload: for its owner, workers of its community, admins of its district."""
    stored, data = await deeds.read_upload(upload_id, who=who)
    return image_response(stored, data)


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
