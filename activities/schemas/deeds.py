"""Request and response models of uploads, deeds and event filings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from activities.schemas.common import (
    ActionCode,
    Id,
    Latitude,
    Longitude,
    Positioned,
    Reason,
)
from kernel.http import Answer, Moment, PageQuery, Schema


class UploadOut(Answer):
    id: str
    url: str
    content_type: str
    size: int


class DeedIn(Positioned):
    action: ActionCode
    description: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    occurred_at: Moment
    evidence: list[Id] = Field(default_factory=list, max_length=9)
    lat: Latitude | None = None
    lng: Longitude | None = None


class AttestIn(Schema):
    resident: Id
    action: ActionCode
    description: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    occurred_at: Moment
    proxy: bool = False
    consent: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = None

    @model_validator(mode="after")
    def _proxy_needs_consent(self) -> AttestIn:
        if self.proxy and self.consent is None:
            raise ValueError("proxy mode records the resident's consent: give `consent`")
        return self


class DeedOut(Answer):
    id: str
    resident: str = Field(validation_alias="resident_id")
    action: str
    description: str
    occurred_at: datetime
    evidence: list[str]
    lat: float | None
    lng: float | None
    mode: Literal["report", "attest", "proxy", "filing"]
    consent: str | None
    status: Literal["pending", "approved", "rejected"]
    flags: list[str]
    review_reason: str | None
    created_at: datetime


class DeedQuery(PageQuery):
    status: Literal["pending", "approved", "rejected"] | None = None


class ReviewIn(Schema):
    decision: Literal["approve", "reject"]
    reason: Reason | None = None


class FilingIn(Schema):
    """An event filed before it happens (an `event_filing` action, e.g. frugal-banquets)."""

    action: ActionCode
    description: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    planned_on: date = Field(description="the local day of the event: today or later")


class FilingOut(Answer):
    id: str
    resident: str = Field(validation_alias="resident_id")
    action: str
    description: str
    planned_on: date
    status: Literal["filed", "confirmed", "declined"]
    decision_reason: str | None
    decided_at: datetime | None
    deed: str | None = Field(
        validation_alias="deed_id", description="the approved deed a confirmation recorded"
    )
    created_at: datetime


class FilingQuery(PageQuery):
    status: Literal["filed", "confirmed", "declined"] | None = None


class FilingDecisionIn(Schema):
    decision: Literal["confirm", "decline"]
    reason: Annotated[str, StringConstraints(min_length=2, max_length=500)] | None = None
