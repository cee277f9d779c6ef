"""Endpoints for events filed ahead and confirmed afterwards (`activities.filings`)."""

from __future__ import annotations

from typing import Any

from activities import filings, scope
from activities.errors import (
    EventFilingOnly,
    FilingDecided,
    FilingNotDue,
    InvalidTimes,
    NotAFiledAction,
    UnknownAction,
)
from activities.models import EventFiling
from activities.schemas.deeds import FilingDecisionIn, FilingIn, FilingOut, FilingQuery
from activities.scope import RUNS_ACTIVITIES
from credits.errors import InsufficientCredits
from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Principal
from kernel.http import Api, Page, paginate

api = Api("activities")


@api.post(
    "/api/v1/filings",
    roles=("resident",),
    body=FilingIn,
    response=FilingOut,
    status=201,
    idempotent=True,
    errors=(NotAFiledAction, InvalidTimes, UnknownAction),
)
async def file_event(who: Principal, body: FilingIn) -> EventFiling:
    """Files an event before it happens (移风易俗: a frugal banquet); a worker confirms it
    afterwards and it then earns like an approved deed."""
    return await filings.file_event(who=who, **body.model_dump())


@api.get("/api/v1/me/filings", roles=("resident",), query=FilingQuery, response=Page[FilingOut])
async def my_filings(who: Principal, query: FilingQuery) -> dict[str, Any]:
    """The resident's filings, newest first."""
    found = scope.readable_filings(who).rows()
    return await paginate(found.filter(status=query.status) if query.status else found, query)


@api.get("/api/v1/filings", roles=STAFF, query=FilingQuery, response=Page[FilingOut])
async def list_filings(who: Principal, query: FilingQuery) -> dict[str, Any]:
    """Filings of the caller's communities (administrators: district), newest first."""
    found = scope.readable_filings(who).rows()
    return await paginate(found.filter(status=query.status) if query.status else found, query)


@api.post(
    "/api/v1/filings/{filing_id}/decide",
    roles=RUNS_ACTIVITIES,
    body=FilingDecisionIn,
    response=FilingOut,
    idempotent=True,
    errors=(FilingNotDue, FilingDecided, EventFilingOnly, InsufficientCredits, UnknownAction),
)
async def decide_filing(who: Principal, filing_id: str, body: FilingDecisionIn) -> EventFiling:
    """Confirms the filed event took place as filed (an approved deed, credits) or declines
    it with a reason; only once its day has come."""
    return await filings.decide_filing(
        filing_id, by=who, decision=body.decision, reason=body.reason
    )
