"""Request and response models of actions, activities, attendance, deeds and records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, create_model, model_validator

from activities.verification import Rule
from app.core.geo import Coord, to_stored
from app.core.http import JsonDecimal, Moment, PageQuery, Schema

ActionCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
CommunityRef = Annotated[str, StringConstraints(pattern=r"^([a-z0-9-]+/)?[a-z0-9-]+$")]
Id = Annotated[str, StringConstraints(min_length=1, max_length=26)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
CoordField = Annotated[
    Coord,
    Field(
        description="the system of `lat`/`lng`: `gcj02` (WeChat's and Chinese maps' default) "
        "or `wgs84` (raw GPS); stored and compared as GCJ-02"
    ),
]


class Positioned(Schema):
    """A body with an optional point (`lat`, `lng`, `coord`), turned into GCJ-02 on parsing."""

    lat: float | None
    lng: float | None
    coord: CoordField = "gcj02"

    @model_validator(mode="after")
    def _as_stored(self) -> Any:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("give both lat and lng, or neither")
        if self.coord == "wgs84" and self.lat is not None and self.lng is not None:
            self.lat, self.lng = to_stored(self.lat, self.lng, "wgs84")
            self.coord = "gcj02"
        return self


Hours = Annotated[Decimal, Field(gt=0, le=24, decimal_places=1)]


class ActionOut(Schema):
    code: str
    name: str
    description: str
    verification: str = Field(description="how the action is verified, in words")
    verification_rule: Rule = Field(description="the rule the deed endpoints apply")
    builtin: bool


class ActionIn(Schema):
    code: ActionCode
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    verification: Annotated[str, StringConstraints(max_length=200)] = ""
    verification_rule: Rule = "self_report"


class Location(Positioned):
    lat: Latitude
    lng: Longitude
    radius_m: int | None = Field(default=None, ge=10, le=20_000)
    address: Annotated[str, StringConstraints(max_length=300)] = ""


class LocationOut(Schema):
    lat: float
    lng: float
    radius_m: int
    address: str


class ActivityIn(Schema):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    action: ActionCode
    community: CommunityRef
    starts_at: Moment
    ends_at: Moment
    capacity: int = Field(ge=1, le=10_000)
    location: Location
    walk_ins: bool = Field(
        default=False,
        description="whoever turns up may check in while a seat is free, enrolled on the spot",
    )

    @model_validator(mode="after")
    def _ends_after_start(self) -> ActivityIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if (self.ends_at - self.starts_at).total_seconds() > 24 * 3600:
            raise ValueError("an activity lasts at most 24 hours")
        return self


class ActivityPatch(Schema):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    description: Annotated[str, StringConstraints(max_length=5000)] | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    capacity: int | None = Field(default=None, ge=1, le=10_000)
    location: Location | None = None
    walk_ins: bool | None = None


class CancelIn(Schema):
    reason: Reason


class ActivityOut(Schema):
    id: str
    title: str
    description: str
    action: str
    district: str
    community: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    walk_ins: bool
    my_status: (
        Literal[
            "enrolled", "waitlisted", "cancelled", "no_show", "checked_in", "attended", "rejected"
        ]
        | None
    ) = Field(default=None, description="the calling resident's standing (residents only)")
    waitlist_position: int | None = Field(
        default=None, description="the caller's place on the waitlist, 1 = next (residents only)"
    )
    enrolled: int
    waitlisted: int
    location: LocationOut
    status: Literal["published", "cancelled", "finished"]
    cancel_reason: str | None
    created_at: datetime


class ActivityFilters(PageQuery):
    community: CommunityRef | None = None
    action: ActionCode | None = None
    status: Literal["published", "cancelled", "finished"] | None = None
    to: Moment | None = None


# `from` is a Python keyword, so the field that API.md names `?from=` is added by name.
_FROM: dict[str, Any] = {"from": (Moment | None, None)}
ActivityQuery = create_model("ActivityQuery", __base__=ActivityFilters, **_FROM)


class EnrollmentOut(Schema):
    id: str
    activity: str
    status: Literal["enrolled", "waitlisted", "cancelled", "no_show"]


class MyEnrollmentsQuery(PageQuery):
    status: Literal["enrolled", "waitlisted", "cancelled", "no_show"] | None = None


class MyEnrollmentOut(Schema):
    """One of the resident's sign-ups, with the activity as they see it."""

    id: str
    status: Literal["enrolled", "waitlisted", "cancelled", "no_show"]
    activity: ActivityOut


class RosterEntryOut(EnrollmentOut):
    resident: str
    nickname: str
    queued_at: datetime


class RosterQuery(PageQuery):
    status: Literal["enrolled", "waitlisted", "cancelled", "no_show"] | None = None


class CheckinCodeOut(Schema):
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


class AttendanceOut(Schema):
    id: str
    activity: str
    resident: str
    checked_in_at: datetime
    checked_out_at: datetime | None
    hours: JsonDecimal | None
    source: Literal["live", "backfill"]
    status: Literal["open", "pending", "verified", "rejected"]
    flags: list[str]
    note: str
    decision_reason: str | None
    record: str | None = None


class AttendanceQuery(PageQuery):
    status: Literal["open", "pending", "verified", "rejected"] | None = None


class VerifyIn(Schema):
    decision: Literal["approve", "reject"]
    hours: Hours | None = None
    reason: Reason | None = None


class ServiceRecordOut(Schema):
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


class SummaryOut(Schema):
    hours_total: JsonDecimal
    credits_balance: JsonDecimal
    credits_held: JsonDecimal
    star: int
    badges: list[dict[str, str]]
    actions: dict[str, int]


class UploadOut(Schema):
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


class DeedOut(Schema):
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


class CorrectionIn(Schema):
    record: Id | None = None
    activity: Id | None = None
    hours: Hours | None = None
    reason: Reason


class CorrectionOut(Schema):
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


class CertificateOut(Schema):
    number: str
    verify_url: str
    pdf_url: str
    hours: JsonDecimal
    issued_at: datetime


class VerificationOut(Schema):
    number: str
    valid: bool
    holder: str | None = None
    hours: JsonDecimal | None = None
    issuer: str | None = None
    issued_at: date | None = None
    revoked: bool = Field(default=False, description="the certificate was revoked")
    revoked_on: date | None = None
    revoke_reason: str | None = None


class RevokeCertificateIn(Schema):
    reason: Annotated[str, StringConstraints(min_length=2, max_length=500)]


class FilingIn(Schema):
    """An event filed before it happens (an `event_filing` action, e.g. frugal-banquets)."""

    action: ActionCode
    description: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    planned_on: date = Field(description="the local day of the event: today or later")


class FilingOut(Schema):
    id: str
    resident: str
    action: str
    description: str
    planned_on: date
    status: Literal["filed", "confirmed", "declined"]
    decision_reason: str | None
    decided_at: datetime | None
    deed: str | None = Field(description="the approved deed a confirmation recorded")
    created_at: datetime


class FilingQuery(PageQuery):
    status: Literal["filed", "confirmed", "declined"] | None = None


class FilingDecisionIn(Schema):
    decision: Literal["confirm", "decline"]
    reason: Annotated[str, StringConstraints(min_length=2, max_length=500)] | None = None
