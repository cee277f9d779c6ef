"""Request and response models of the moral assessment, and a district's scoring standard."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from kernel.http import Answer, JsonDecimal, Moment, PageQuery, Schema
from kernel.i18n import N_
from oversight.schemas import Photos

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
# Quarters and years of this century: `2026Q3`, `2026Y`.
Quarter = Annotated[str, StringConstraints(pattern=r"^20\d{2}Q[1-4]$")]
StarPeriod = Annotated[str, StringConstraints(pattern=r"^20\d{2}(Q[1-4]|Y)$")]
Points = Annotated[JsonDecimal, Field(ge=0, le=100, max_digits=5, decimal_places=1)]
CommunityRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


class AssessmentItem(Schema):
    """An item scored out of `max_points`; `deduction` says how points are taken off."""

    code: Code
    name: Name
    max_points: Annotated[JsonDecimal, Field(gt=0, le=100, max_digits=5, decimal_places=1)]
    deduction: Name


class AssessmentCategory(Schema):
    code: Code
    name: Name
    items: Annotated[list[AssessmentItem], Field(min_length=1, max_length=30)]

    @property
    def max_points(self) -> Decimal:
        return sum((item.max_points for item in self.items), Decimal(0))


class AssessmentVetoItem(Schema):
    """A veto item (一票否决): when the community finds it, the standing is zero."""

    code: Code
    name: Name


class AssessmentRules(Schema):
    """A scoring standard: categories of items, veto items, and the rules of the period."""

    categories: Annotated[list[AssessmentCategory], Field(min_length=1, max_length=10)]
    vetoes: Annotated[list[AssessmentVetoItem], Field(max_length=10)] = Field(default_factory=list)
    # How many other households each household may assess in a period.
    neighbour_quota: int = Field(default=5, ge=1, le=50)
    # Days a published result waits for objections before it stands.
    objection_days: int = Field(default=7, ge=1, le=30)
    # Credits posted to the household's account per point of its standing score.
    credits_per_point: JsonDecimal = Field(
        default=Decimal(1), ge=0, le=100, max_digits=6, decimal_places=2
    )
    # Stars (道德之星): the best `stars_per_community` households of a community, at least
    # `star_min_score` (a quarter; a year: the mean of its four quarters).
    stars_per_community: int = Field(default=3, ge=0, le=50)
    star_min_score: Points = Decimal(90)

    @model_validator(mode="after")
    def _codes_once(self) -> AssessmentRules:
        codes = [i.code for c in self.categories for i in c.items] + [v.code for v in self.vetoes]
        if len(codes) != len(set(codes)):
            raise ValueError(N_("each item and veto needs a code of its own"))
        if sum((c.max_points for c in self.categories), Decimal(0)) > 100:
            raise ValueError(N_("the items add up to more than 100 points"))
        return self

    def items(self) -> dict[str, AssessmentItem]:
        return {i.code: i for c in self.categories for i in c.items}

    @property
    def total(self) -> Decimal:
        return sum((c.max_points for c in self.categories), Decimal(0))


class AssessmentStandardIn(AssessmentRules):
    effective_from: Moment | None = None


class AssessmentStandardOut(Answer):
    id: str
    district_id: str
    effective_from: datetime
    created_at: datetime
    standard: AssessmentRules


class AssessmentPeriodIn(Schema):
    community: CommunityRef
    period: Quarter


class AssessmentPeriodOut(Answer):
    community_id: str
    period: str
    standard_id: str
    households: int
    opened: int


class AssessmentMarkIn(Schema):
    """Points per item code (every item of the standard)."""

    points: Annotated[dict[Code, Points], Field(min_length=1, max_length=60)]


class AssessmentMarkOut(Answer):
    id: str
    assessment_id: str
    kind: str
    points: dict[str, JsonDecimal]
    total: JsonDecimal
    created_at: datetime


class AssessmentReviewItemIn(Schema):
    code: Code
    points: Points
    reason: Annotated[str, StringConstraints(max_length=1000)] = ""


class AssessmentVetoIn(Schema):
    code: Code
    reason: Reason


class AssessmentReviewIn(Schema):
    items: Annotated[list[AssessmentReviewItemIn], Field(min_length=1, max_length=60)]
    vetoes: Annotated[list[AssessmentVetoIn], Field(max_length=10)] = Field(default_factory=list)


class AssessmentReviewItemOut(Answer):
    code: str
    points: JsonDecimal
    reason: str


class AssessmentReviewOut(Answer):
    items: list[AssessmentReviewItemOut]
    vetoes: list[AssessmentVetoIn]
    score: JsonDecimal
    cause: str
    at: datetime


class AssessmentOut(Answer):
    id: str
    district_id: str
    community_id: str
    household_id: str
    household_name: str = ""
    period: str
    standard_id: str
    status: str
    score: JsonDecimal | None
    vetoed: bool
    published_at: datetime | None
    objection_deadline: datetime | None
    stood_at: datetime | None
    credits: JsonDecimal | None


class AssessmentObjectionIn(Schema):
    statement: Text
    # Photos the objector uploaded (`POST /api/v1/oversight/photos`), at most nine.
    photos: Photos = Field(default_factory=list)


class AssessmentObjectionDecisionIn(Schema):
    decision: Literal["uphold", "revise"]
    reason: Reason
    # The new review when the decision is to revise.
    review: AssessmentReviewIn | None = None

    @model_validator(mode="after")
    def _review_with_revise(self) -> AssessmentObjectionDecisionIn:
        if (self.decision == "revise") != (self.review is not None):
            raise ValueError(N_("a revision gives the new review, an upheld result none"))
        return self


class AssessmentObjectionOut(Answer):
    id: str
    assessment_id: str
    household_id: str
    statement: str
    # The objector's photos (`GET /api/v1/oversight/photos/{id}`), shown to the objector and the
    # staff who may decide; empty for anyone else.
    photos: list[str]
    submitted_at: datetime
    decision: str | None
    decision_reason: str | None
    decided_at: datetime | None


class AssessmentMarkSummaryOut(Answer):
    kind: str
    count: int
    # Mean points per item over the marks of this kind.
    points: dict[str, JsonDecimal]
    total: JsonDecimal


class AssessmentDetailOut(AssessmentOut):
    standard: AssessmentRules
    marks: list[AssessmentMarkSummaryOut]
    reviews: list[AssessmentReviewOut]
    objections: list[AssessmentObjectionOut]


class AssessmentQuery(PageQuery):
    period: Quarter | None = None
    community: CommunityRef | None = None
    status: Literal["open", "reviewed", "published", "standing"] | None = None


class AssessmentNeighbourQuery(PageQuery):
    period: Quarter | None = None


class AssessmentNeighbourOut(Answer):
    """A neighbouring household the caller's household may assess (never its score)."""

    assessment_id: str
    household_id: str
    household_name: str
    period: str
    assessed: bool


class AssessmentNeighboursOut(Answer):
    period: str
    quota: int
    used: int
    items: list[AssessmentNeighbourOut]
    next_cursor: str | None = None


class AssessmentStarQuery(Schema):
    period: StarPeriod
    # One community of those the caller serves or lives in (all of them by default).
    community: CommunityRef | None = None


class AssessmentStarOut(Answer):
    household_id: str
    household_name: str
    score: JsonDecimal
    rank: int


class AssessmentCommunityStarsOut(Answer):
    community_id: str
    community_name: str
    stars: list[AssessmentStarOut]


class AssessmentStarsOut(Answer):
    period: str
    communities: list[AssessmentCommunityStarsOut]
