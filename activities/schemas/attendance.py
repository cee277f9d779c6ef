"""Request and response models of check-in, back-filled attendance and its verification."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from activities.models import Attendance
from activities.schemas.common import (
    Hours,
    Id,
    Latitude,
    Longitude,
    Positioned,
    Reason,
)
from kernel.http import Answer, JsonDecimal, Moment, PageQuery, Schema


class CheckinCodeOut(Answer):
    token: str = Field(description="the short code (about 45 characters) the check-in takes")
    link: str = Field(
        description="what the QR holds: CHECKIN_LINK_BASE (default PUBLIC_BASE_URL/c/) and the "
        "code; check-in accepts the whole link as `token` too"
    )
    expires_at: datetime
    qr_png_url: str


class CheckinIn(Positioned):
    token: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    lat: Latitude
    lng: Longitude
    device: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None


class BackfillIn(Schema):
    resident: Id
    checked_in_at: Moment
    checked_out_at: Moment
    note: Reason

    @model_validator(mode="after")
    def _out_after_in(self) -> BackfillIn:
        if self.checked_out_at <= self.checked_in_at:
            raise ValueError("checked_out_at must be after checked_in_at")
        return self


class AttendanceOut(Answer):
    id: str
    activity: str = Field(validation_alias="activity_id")
    resident: str = Field(validation_alias="resident_id")
    checked_in_at: datetime
    checked_out_at: datetime | None
    hours: JsonDecimal | None
    source: Literal["live", "backfill"]
    status: Literal["open", "pending", "verified", "rejected"]
    flags: list[str]
    note: str
    decision_reason: str | None
    record: str | None = None

    @classmethod
    def of(cls, attendance: Attendance, record_ids: dict[str, str]) -> AttendanceOut:
        """`record_ids`: the service record of each verified attendance
        (`records.record_ids_of`)."""
        return cls.from_model(attendance, record=record_ids.get(attendance.id))


class AttendanceQuery(PageQuery):
    status: Literal["open", "pending", "verified", "rejected"] | None = None


class VerifyIn(Schema):
    decision: Literal["approve", "reject"]
    hours: Hours | None = None
    reason: Reason | None = None
