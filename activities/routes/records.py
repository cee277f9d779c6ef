"""Endpoints for a resident's summary and service records, and corrections
(`activities.records`)."""

from __future__ import annotations

from typing import Any

from activities import records, scope
from activities.errors import (
    CorrectionNotPending,
    CorrectionTarget,
    DailyHoursExceeded,
    DistrictReviewRequired,
    HoursRequired,
    InvalidHours,
    RecordReversed,
)
from activities.models import Correction
from activities.schemas.records import (
    CorrectionDecisionIn,
    CorrectionIn,
    CorrectionOut,
    CorrectionQuery,
    ServiceRecordOut,
)
from activities.scope import RUNS_ACTIVITIES
from credits.errors import AlreadyReversed, InsufficientCredits, NoSuchTransaction, NotReversible
from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Principal
from kernel.http import Api, Page, PageQuery, paginate

api = Api("activities")


# --- my records ----------------------------------------------------------------------------


@api.get(
    "/api/v1/me/service-records",
    roles=("resident",),
    query=PageQuery,
    response=Page[ServiceRecordOut],
)
async def my_service_records(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The resident's service records, newest first; reversals name what they reverse."""
    return await paginate(scope.readable_service_records(who).rows(), query)


@api.post(
    "/api/v1/me/corrections",
    roles=("resident",),
    body=CorrectionIn,
    response=CorrectionOut,
    status=201,
    errors=(
        CorrectionTarget,
        HoursRequired,
    ),
)
async def request_correction(who: Principal, body: CorrectionIn) -> Correction:
    """Asks to correct a wrong record (`record`) or add a missing one (`activity`, `hours`)."""
    return await records.request_correction(
        who=who,
        record_id=body.record,
        activity_id=body.activity,
        hours=body.hours,
        reason=body.reason,
    )


@api.get(
    "/api/v1/me/corrections",
    roles=("resident",),
    query=CorrectionQuery,
    response=Page[CorrectionOut],
)
async def my_corrections(who: Principal, query: CorrectionQuery) -> dict[str, Any]:
    """The resident's correction requests and their decisions."""
    found = scope.readable_corrections(who).rows()
    if query.status is not None:
        found = found.filter(status=query.status)
    return await paginate(found, query)


@api.get("/api/v1/corrections", roles=STAFF, query=CorrectionQuery, response=Page[CorrectionOut])
async def list_corrections(who: Principal, query: CorrectionQuery) -> dict[str, Any]:
    """Correction requests from the caller's communities."""
    found = scope.readable_corrections(who).rows()
    if query.status is not None:
        found = found.filter(status=query.status)
    return await paginate(found, query)


@api.post(
    "/api/v1/corrections/{correction_id}/decide",
    roles=RUNS_ACTIVITIES,
    body=CorrectionDecisionIn,
    response=CorrectionOut,
    idempotent=True,
    errors=(
        AlreadyReversed,
        CorrectionNotPending,
        DailyHoursExceeded,
        DistrictReviewRequired,
        InsufficientCredits,
        InvalidHours,
        NoSuchTransaction,
        NotReversible,
        RecordReversed,
    ),
)
async def decide_correction(
    who: Principal, correction_id: str, body: CorrectionDecisionIn
) -> Correction:
    """Accepts (a reversal and/or a new record, never an edit) or rejects, with a reason."""
    return await records.decide_correction(
        correction_id, by=who, decision=body.decision, reason=body.reason, hours=body.hours
    )
