"""Request and response models of civility actions, activities and enrolment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, create_model, model_validator

from accounts.models import Community
from activities.models import Activity, CivilityAction
from activities.schemas.common import (
    ActionCode,
    CommunityRef,
    Latitude,
    Longitude,
    Positioned,
    Reason,
)
from activities.verification import Rule, rule_of, verification_text
from kernel.http import Answer, Moment, PageQuery, Schema


class ActionOut(Answer):
    code: str
    name: str
    description: str
    verification: str = Field(description="how the action is verified, in words")
    verification_rule: Rule = Field(description="the rule the deed endpoints apply")
    builtin: bool

    @classmethod
    def of(cls, action: CivilityAction) -> ActionOut:
        return cls.from_model(
            action,
            verification=verification_text(action),
            verification_rule=rule_of(action),
            builtin=action.district_id is None,
        )


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


class LocationOut(Answer):
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


class ActivityOut(Answer):
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

    @classmethod
    def of(
        cls,
        activity: Activity,
        *,
        community: Community,
        district_code: str,
        counts: dict[str, int],
        standing: dict[str, Any] | None = None,
    ) -> ActivityOut:
        """`counts`: enrolled and waitlisted (`enrolment.activity_counts`); `standing`: the
        calling resident's (`enrolment.my_statuses`)."""
        return cls.from_model(
            activity,
            district=district_code,
            community=community.code,
            enrolled=counts["enrolled"],
            waitlisted=counts["waitlisted"],
            location=LocationOut.from_model(activity),
            **(standing or {"my_status": None, "waitlist_position": None}),
        )


class ActivityFilters(PageQuery):
    community: CommunityRef | None = None
    action: ActionCode | None = None
    status: Literal["published", "cancelled", "finished"] | None = None
    to: Moment | None = None


# `from` is a Python keyword, so the field that API.md names `?from=` is added by name.
_FROM: dict[str, Any] = {"from": (Moment | None, None)}
ActivityQuery = create_model("ActivityQuery", __base__=ActivityFilters, **_FROM)


class EnrollmentOut(Answer):
    id: str
    activity: str = Field(validation_alias="activity_id")
    status: Literal["enrolled", "waitlisted", "cancelled", "no_show"]


class MyEnrollmentsQuery(PageQuery):
    status: Literal["enrolled", "waitlisted", "cancelled", "no_show"] | None = None


class MyEnrollmentOut(Answer):
    """One of the resident's sign-ups, with the activity as they see it."""

    id: str
    status: Literal["enrolled", "waitlisted", "cancelled", "no_show"]
    activity: ActivityOut


class RosterEntryOut(EnrollmentOut):
    resident: str = Field(validation_alias="resident_id")
    nickname: str
    queued_at: datetime


class RosterQuery(PageQuery):
    status: Literal["enrolled", "waitlisted", "cancelled", "no_show"] | None = None
