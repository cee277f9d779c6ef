"""Request and response models of service records and corrections."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from activities.schemas.common import (
    Hours,
    Id,
    Reason,
)
from kernel.http import Answer, JsonDecimal, PageQuery, Schema


class ServiceRecordOut(Answer):
    id: str
    kind: Literal["record", "reversal"]
    activity: str = Field(validation_alias="activity_id")
    action: str
    content: str
    hours: JsonDecimal
    served_on: date
    organiser: str
    backfill: bool
    reverses: str | None = Field(validation_alias="reverses_id")
    reason: str
    verified_at: datetime


class CorrectionIn(Schema):
    record: Id | None = None
    activity: Id | None = None
    hours: Hours | None = None
    reason: Reason


class CorrectionOut(Answer):
    id: str
    resident: str = Field(validation_alias="resident_id")
    record: str | None = Field(validation_alias="record_id")
    activity: str | None = Field(validation_alias="activity_id")
    hours: JsonDecimal | None
    reason: str
    status: Literal["pending", "accepted", "rejected"]
    decision_reason: str | None
    created_at: datetime


class CorrectionQuery(PageQuery):
    status: Literal["pending", "accepted", "rejected"] | None = None


class CorrectionDecisionIn(Schema):
    decision: Literal["accept", "reject"]
    reason: Reason
    hours: Hours | None = None
