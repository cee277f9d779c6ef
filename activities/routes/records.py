"""Endpoints for a resident's summary and service records, and corrections
(`activities.records`)."""

from __future__ import annotations

from typing import Any

from activities import records, scope, service
from activities.models import Correction, ServiceRecord
from activities.schemas import (
    CorrectionDecisionIn,
    CorrectionIn,
    CorrectionOut,
    CorrectionQuery,
    ServiceRecordOut,
    SummaryOut,
)
from activities.scope import RUNS_ACTIVITIES, STAFF
from app.core.auth import Principal
from app.core.http import Api, Page, PageQuery, paginate
from credits.recognition.service import badges_held
from credits.service import resident_totals

api = Api("activities")


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
    page = await paginate(scope.own_service_records(who), query)
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
    found = scope.readable_corrections(who)
    if query.status is not None:
        found = found.filter(status=query.status)
    page = await paginate(found, query)
    page["items"] = [correction_view(c) for c in page["items"]]
    return page


@api.get("/api/v1/corrections", roles=STAFF, query=CorrectionQuery, response=Page[CorrectionOut])
async def list_corrections(who: Principal, query: CorrectionQuery) -> dict[str, Any]:
    """Correction requests from the caller's communities."""
    found = scope.readable_corrections(who)
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
