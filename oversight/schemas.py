"""Request and response models of the accountability domain, and a district's oversight rules."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, computed_field, model_validator

from accounts.account_schemas import LoginProofIn
from kernel.http import Answer, Day, JsonDecimal, PageQuery, Schema

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
CategoryCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
CommunityCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Id = Annotated[str, StringConstraints(min_length=1, max_length=26)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Photos = Annotated[list[Id], Field(max_length=9)]
# 2026M07 (a month), 2026Q3 (a quarter), 2026H2 (a half-year), 2026Y (a year).
Period = Annotated[str, StringConstraints(pattern=r"^\d{4}(M(0[1-9]|1[0-2])|Q[1-4]|H[12]|Y)$")]
ListPeriod = Literal["month", "quarter", "half_year", "year"]
UnitType = Literal[
    "shop", "restaurant", "farmers_market", "property_service", "school", "public_venue"
]


# --- the district's oversight rules --------------------------------------------------------


class Category(Schema):
    code: CategoryCode
    name: Annotated[str, StringConstraints(min_length=1, max_length=50)]


class CategoryList(Schema):
    """The problem categories a resident may report under: their district's in force."""

    items: list[Category]


DEFAULT_CATEGORIES = [
    Category(code="litter", name="乱扔垃圾"),
    Category(code="illegal-parking", name="乱停车"),
    Category(code="dog-waste", name="犬只粪便未清理"),
    Category(code="no-serving-chopsticks", name="未提供公筷"),
    Category(code="street-occupation", name="占道经营"),
    Category(code="waste-sorting", name="垃圾未分类"),
]


class OversightRules(Schema):
    """How a district judges units. Versioned like its earning rules.

    A unit's period score is the weighted share of points its inspections earned (0–100),
    less `report_penalty` per confirmed report about it, never below 0. Units with no
    inspection in the period get no score and are on no list."""

    categories: list[Category] = Field(
        default_factory=lambda: list(DEFAULT_CATEGORIES), min_length=1, max_length=100
    )
    duplicate_radius_m: int = Field(default=100, ge=1, le=5000)
    duplicate_window_hours: int = Field(default=72, ge=1, le=24 * 60)
    rectification_days: int = Field(default=7, ge=1, le=365)
    reminder_before_hours: int = Field(default=24, ge=1, le=24 * 30)
    report_penalty: JsonDecimal = Field(default=Decimal(2), ge=0, le=100)
    red_from_score: JsonDecimal = Field(default=Decimal(90), ge=0, le=100)
    black_below_score: JsonDecimal = Field(default=Decimal(60), ge=0, le=100)
    objection_days: int = Field(default=7, ge=1, le=60)
    # How long a list's period is: scores and lists are per month, quarter, half-year or year.
    list_period: ListPeriod = "quarter"

    @model_validator(mode="after")
    def _red_above_black(self) -> OversightRules:
        if self.black_below_score >= self.red_from_score:
            raise ValueError("black_below_score must be below red_from_score")
        if len({c.code for c in self.categories}) != len(self.categories):
            raise ValueError("category codes must be unique")
        return self

    def category_codes(self) -> set[str]:
        return {c.code for c in self.categories}


class OversightRulesPatch(Schema):
    categories: list[Category] | None = None
    duplicate_radius_m: int | None = None
    duplicate_window_hours: int | None = None
    rectification_days: int | None = None
    reminder_before_hours: int | None = None
    report_penalty: JsonDecimal | None = None
    red_from_score: JsonDecimal | None = None
    black_below_score: JsonDecimal | None = None
    objection_days: int | None = None
    list_period: ListPeriod | None = None
    effective_from: datetime | None = None


# --- units ---------------------------------------------------------------------------------


class UnitIn(Schema):
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    type: UnitType
    community: CommunityCode
    address: Annotated[str, StringConstraints(max_length=300)] = ""
    lat: Latitude | None = None
    lng: Longitude | None = None
    responsible_name: Annotated[str, StringConstraints(max_length=64)] = ""
    responsible_phone: Annotated[str, StringConstraints(pattern=r"^[0-9+\- ]{0,32}$")] = ""

    @model_validator(mode="after")
    def _both_coordinates(self) -> UnitIn:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("give both lat and lng (GCJ-02), or neither")
        return self


class UnitOut(Answer):
    id: str
    code: str
    name: str
    type: str
    community_id: str
    address: str
    lat: float | None
    lng: float | None
    responsible_name: str
    responsible_phone: str
    created_at: datetime


class UnitQuery(PageQuery):
    type: UnitType | None = None
    community: CommunityCode | None = None


class ImportOut(Answer):
    created: int


class WeChatCodeIn(Schema):
    code: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class UnitWeChatLoginIn(WeChatCodeIn):
    proof: LoginProofIn | None = None


class WeChatBindingOut(Answer):
    unit_id: str
    wechat_bound: bool


class UnitAccountIn(Schema):
    username: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.@-]{3,150}$")]
    password: Annotated[str, StringConstraints(min_length=10, max_length=256)]
    display_name: Annotated[str, StringConstraints(max_length=100)] = ""


class UnitAccountOut(Answer):
    staff_id: str
    unit_id: str
    username: str


# --- photos --------------------------------------------------------------------------------


class PhotoOut(Answer):
    id: str
    content_type: str
    size: int


# --- problem reports -----------------------------------------------------------------------


class ReportIn(Schema):
    category: CategoryCode
    description: Text
    unit: Id | None = None
    address: Annotated[str, StringConstraints(max_length=300)] = ""
    lat: Latitude | None = None
    lng: Longitude | None = None
    photos: Photos = Field(default_factory=list)

    @model_validator(mode="after")
    def _a_place(self) -> ReportIn:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("give both lat and lng (GCJ-02), or neither")
        if self.unit is None and self.lat is None:
            raise ValueError("say where: a unit, or the place's lat and lng")
        return self


class ReportOut(Answer):
    """A report as its reporter and the district's staff see it."""

    id: str
    category: str
    description: str
    unit_id: str | None
    community_id: str
    address: str
    lat: float | None
    lng: float | None
    photos: list[str]
    status: str
    merged_into_id: str | None
    task_id: str | None
    decision_reason: str | None
    decided_at: datetime | None
    credits_posted: bool
    created_at: datetime


class ReportQuery(PageQuery):
    status: Literal["submitted", "rejected", "merged", "confirmed", "resolved"] | None = None
    category: CategoryCode | None = None


class DuplicateOut(Answer):
    id: str
    category: str
    status: str
    distance_m: float | None
    created_at: datetime


class RejectIn(Schema):
    reason: Reason


class MergeIn(Schema):
    into: Id
    reason: Annotated[str, StringConstraints(max_length=1000)] = ""


class TaskOpenIn(Schema):
    unit: Id | None = None
    department: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    instructions: Text
    deadline: datetime | None = None

    @model_validator(mode="after")
    def _one_target(self) -> TaskOpenIn:
        if self.unit is not None and self.department is not None:
            raise ValueError("a task is for a unit or for a department, not both")
        return self


# --- checklists and inspections ------------------------------------------------------------


class ChecklistItemIn(Schema):
    code: CategoryCode
    text: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    weight: int = Field(ge=1, le=100)
    max_score: int = Field(ge=1, le=100)


class ChecklistIn(Schema):
    unit_type: UnitType
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    pass_mark: JsonDecimal = Field(ge=0, le=100)
    items: list[ChecklistItemIn] = Field(min_length=1, max_length=200)
    supersedes: Id | None = None

    @model_validator(mode="after")
    def _unique_codes(self) -> ChecklistIn:
        if len({i.code for i in self.items}) != len(self.items):
            raise ValueError("item codes must be unique")
        return self


class ChecklistItemOut(Answer):
    id: str
    code: str
    text: str
    weight: int
    max_score: int


class ChecklistOut(Answer):
    id: str
    unit_type: str
    name: str
    pass_mark: JsonDecimal
    supersedes_id: str | None
    retired_at: datetime | None
    created_at: datetime
    items: list[ChecklistItemOut] = Field(default_factory=list)


class InspectionPlanIn(Schema):
    unit: Id
    checklist: Id
    evaluator: Id | None = None


class ItemResultIn(Schema):
    item: CategoryCode
    score: int
    photos: Photos = Field(default_factory=list)
    note: Annotated[str, StringConstraints(max_length=1000)] = ""


class InspectionRecordIn(Schema):
    results: list[ItemResultIn] = Field(min_length=1, max_length=200)
    lat: Latitude
    lng: Longitude
    rectification_deadline: datetime | None = None


class ItemResultOut(Answer):
    item_id: str
    score: int
    photos: list[str]
    note: str


class InspectionOut(Answer):
    id: str
    unit_id: str
    checklist_id: str
    assigned_to: str | None
    reinspection_of_id: str | None
    status: str
    score: JsonDecimal | None
    passed: bool | None
    lat: float | None
    lng: float | None
    inspected_at: datetime | None
    created_at: datetime
    results: list[ItemResultOut] = Field(default_factory=list)
    task_id: str | None = None


class InspectionQuery(PageQuery):
    unit: Id | None = None
    status: Literal["assigned", "recorded"] | None = None


class ReinspectIn(Schema):
    evaluator: Id | None = None


# --- rectification -------------------------------------------------------------------------


class TaskStepOut(Answer):
    kind: str
    actor: str
    note: str
    photos: list[str]
    at: datetime


class TaskOut(Answer):
    id: str
    unit_id: str | None
    department: str | None
    community_id: str
    source: str
    source_id: str
    instructions: str
    deadline: datetime
    status: str
    escalation_level: int
    overdue_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    steps: list[TaskStepOut] = Field(default_factory=list)


class TaskQuery(PageQuery):
    status: Literal["open", "submitted", "accepted", "closed"] | None = None
    unit: Id | None = None


class EvidenceIn(Schema):
    note: Text
    photos: Photos = Field(default_factory=list)


class TaskReviewIn(Schema):
    decision: Literal["accept", "return"]
    reason: Annotated[str, StringConstraints(max_length=1000)] = ""


class NoticeOut(Answer):
    id: str
    unit_id: str
    kind: str
    subject_id: str
    text: str
    created_at: datetime


# --- scores and lists ----------------------------------------------------------------------


class ScoreOut(Answer):
    unit_id: str
    unit_type: str
    period: str
    score: JsonDecimal
    inspections: int
    failed_inspections: int
    confirmed_reports: int
    rules_version_id: str | None
    computed_at: datetime


class ScoreQuery(PageQuery):
    period: Period
    type: UnitType | None = None


class ComputeIn(Schema):
    period: Period


class ComputeOut(Answer):
    period: str
    scored_units: int
    lists: int
    entries: int


class ListOut(Answer):
    id: str
    unit_type: str
    period: str
    status: str
    objection_deadline: datetime | None
    valid_until: datetime
    computed_at: datetime
    noticed_at: datetime | None
    published_at: datetime | None


class ListQuery(PageQuery):
    period: Period | None = None
    status: Literal["draft", "noticed", "published"] | None = None


class ListEntryOut(Answer):
    id: int
    list_id: str
    unit_id: str
    unit_name: str
    colour: str
    score: JsonDecimal
    reason_category: str
    removed: str | None = None


class ListDetailOut(ListOut):
    entries: list[ListEntryOut]


class ObjectionIn(Schema):
    statement: Text
    photos: Photos = Field(default_factory=list)


class DecisionReason(Schema):
    reason: Reason


class ObjectionDecisionIn(DecisionReason):
    decision: Literal["uphold", "remove"]


class RepairDecisionIn(DecisionReason):
    decision: Literal["grant", "refuse"]


class ObjectionOut(Answer):
    id: str
    entry_id: int
    unit_id: str
    statement: str
    photos: list[str]
    submitted_at: datetime
    decision: str | None
    decision_reason: str | None
    decided_at: datetime | None


class RepairOut(ObjectionOut):
    pass


class PublicationOut(Answer):
    """One publication of a list: what the public saw from `at` on, and why it changed."""

    at: datetime
    by: str
    reason: str
    entries: list[PublicEntryOut]


class PublicEntryOut(Answer):
    """What the public list shows: a unit, never a person."""

    unit_name: str
    unit_type: str
    community: str
    period: str
    colour: str
    reason_category: str


class PublicListOut(Answer):
    district: str
    items: list[PublicEntryOut]


class PublicQuery(Schema):
    type: UnitType | None = None
    colour: Literal["red", "black"] | None = None


# --- credit record and dashboard -----------------------------------------------------------


class RecordEventOut(Answer):
    at: datetime
    kind: str
    subject_id: str
    summary: str
    actor: str | None = None


class RecordQuery(Schema):
    format: Literal["json", "csv", "xlsx"] = "json"


class TemplateQuery(Schema):
    format: Literal["xlsx", "csv"] = "xlsx"


class UnitRecordOut(Answer):
    unit: UnitOut
    events: list[RecordEventOut]


class GridCell(Schema):
    category: str
    community_id: str
    open: int
    older_than_7_days: int
    older_than_30_days: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ageing(self) -> str:
        if self.older_than_30_days:
            return "30d+"
        return "7d+" if self.older_than_7_days else "fresh"


class RectificationStats(Schema):
    closed_on_time: int
    closed_late: int
    open_on_time: int
    open_overdue: int


class ScorePoint(Schema):
    month: str
    inspections: int
    average_score: JsonDecimal | None


class ListMovement(Schema):
    unit_type: str
    period: str
    red: int
    black: int
    entered_black: int
    left_black: int


class DashboardOut(Answer):
    open_problems: list[GridCell]
    rectification: RectificationStats
    inspection_scores: list[ScorePoint]
    list_movement: list[ListMovement]


class DashboardQuery(Schema):
    since: Day | None = None
