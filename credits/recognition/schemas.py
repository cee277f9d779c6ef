"""Request and response models of badges, awards and honour rolls."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from app.core.http import JsonDecimal, PageQuery, Schema

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
CriterionKind = Literal["hours_total", "action_count", "credits_earned", "distinct_actions"]
COUNTED_KINDS = ("action_count", "distinct_actions")


class Criterion(Schema):
    """What earns a badge: verified hours, approved participations in one action, credits
    earned (never reduced by spending), or the number of different actions practised."""

    kind: CriterionKind
    action: Code | None = None
    threshold: JsonDecimal = Field(gt=0, le=1_000_000, max_digits=14, decimal_places=2)

    @model_validator(mode="after")
    def _action_with_action_count(self) -> Criterion:
        if (self.kind == "action_count") != (self.action is not None):
            raise ValueError("`action` is given exactly when the kind is `action_count`")
        if self.kind in COUNTED_KINDS and self.threshold != self.threshold.to_integral_value():
            raise ValueError(f"a `{self.kind}` threshold is a whole number")
        return self


class BadgeCreate(Schema):
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    description: str = Field(default="", max_length=2000)
    criterion: Criterion


class BadgeOut(Schema):
    id: str
    code: str
    name: str
    description: str
    criterion: Criterion
    district: str | None = Field(description="the district's code; null for platform badges")
    star: int | None = Field(description="1-5 for the volunteer star levels")


class BadgeQuery(PageQuery):
    district: Code | None = Field(
        default=None, description="platform administrators: the district whose badges to list"
    )


class BadgeRef(Schema):
    code: str
    name: str


class AwardOut(Schema):
    id: str
    badge: BadgeRef
    resident: str
    awarded_at: datetime
    credential_url: str
    revoked_at: datetime | None = None
    revocation_reason: str | None = None


class AwardQuery(PageQuery):
    resident: str | None = None
    badge: Code | None = None


class RevokeIn(Schema):
    reason: Annotated[str, StringConstraints(min_length=3, max_length=500)]


class HonourRollLine(Schema):
    rank: int | None = Field(description="null for a line removed in review (staff only)")
    name: str = Field(description="a masked resident name, or a community's name")
    value: JsonDecimal
    line: str | None = Field(default=None, description="the line's id, for review (staff only)")
    removed_reason: str | None = Field(
        default=None, description="why the line was removed in review (staff only)"
    )


class HonourRollOut(Schema):
    id: str
    district: str
    period: str
    taken_at: datetime
    status: Literal["draft", "published"] = Field(description="residents see published rolls only")
    published_at: datetime | None
    hours: list[HonourRollLine]
    credits: list[HonourRollLine]
    communities: list[HonourRollLine]


class HonourRollSummary(Schema):
    id: str
    period: str
    taken_at: datetime
    status: Literal["draft", "published"]
    published_at: datetime | None


class HonourRollDraftIn(Schema):
    period: str = Field(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$")


class RemoveLineIn(Schema):
    reason: Annotated[str, StringConstraints(min_length=2, max_length=500)]


def criterion_of(kind: str, action: str | None, threshold: Decimal) -> dict[str, Any]:
    return {"kind": kind, "action": action, "threshold": threshold}


class BadgeProgressOut(Schema):
    """How far the resident is from a badge they do not hold yet."""

    code: str
    name: str
    criterion: str = Field(description="what counts: hours, an action's count, credits, …")
    current: JsonDecimal
    threshold: JsonDecimal
    remaining: JsonDecimal
    progress: float = Field(description="0 to 1")
    image_url: str
