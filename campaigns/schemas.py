"""Request and response models of campaigns, their tags, progress and events."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from kernel.http import Answer, Day, JsonDecimal, Moment, PageQuery, Schema

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Id = Annotated[str, StringConstraints(min_length=1, max_length=26)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Status = Literal["upcoming", "running", "ended"]


class Targets(Schema):
    """What a campaign aims at (0: no target): residents taking part, verified hours,
    approved deeds, quizzes completed."""

    participants: int = Field(default=0, ge=0, le=10_000_000)
    hours: JsonDecimal = Field(default=Decimal(0), ge=0, le=100_000_000, decimal_places=1)
    deeds: int = Field(default=0, ge=0, le=100_000_000)
    quiz_completions: int = Field(default=0, ge=0, le=100_000_000)


class CampaignIn(Schema):
    title: Title
    description: str = Field(default="", max_length=2000)
    starts_on: Day
    ends_on: Day
    district: Code | None = Field(
        default=None,
        description="platform administrators: the district (null: the whole city); a district "
        "administrator's campaign is their district's",
    )
    actions: list[Code] = Field(
        default_factory=list, max_length=50, description="deeds of these actions count"
    )
    activity_kinds: list[Code] = Field(
        default_factory=list, max_length=50, description="activities of these actions count"
    )
    targets: Targets = Field(default_factory=Targets, description="for the whole campaign")
    community_targets: Targets = Field(default_factory=Targets, description="for each community")
    bonus: bool = Field(
        default=False, description="participants earn the district's `campaign_bonus` once"
    )
    badge_name: Title | None = Field(default=None, description="default: the title")

    @model_validator(mode="after")
    def _period_in_order(self) -> CampaignIn:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        return self


class CampaignOut(Answer):
    id: str
    title: str
    description: str
    starts_on: date
    ends_on: date
    district: str | None = Field(description="the district's code; null: the whole city")
    status: Status
    actions: list[str]
    activity_kinds: list[str]
    targets: Targets = Field(validation_alias="total_targets")
    community_targets: Targets
    bonus: bool
    badge: str | None = Field(description="the campaign badge's code")


class CampaignQuery(PageQuery):
    running: bool = Field(default=False, description="only the campaigns running today")


class TagIn(Schema):
    activity: Id | None = None
    deed: Id | None = None

    @model_validator(mode="after")
    def _one_thing(self) -> TagIn:
        if (self.activity is None) == (self.deed is None):
            raise ValueError("give `activity` or `deed`, one of them")
        return self


class TagOut(Answer):
    id: str
    campaign: str = Field(validation_alias="campaign_id")
    activity: str | None = Field(validation_alias="activity_id")
    deed: str | None = Field(validation_alias="deed_id")
    created_at: datetime


class Figures(Schema):
    participants: int = 0
    hours: JsonDecimal = Decimal(0)
    deeds: int = 0
    quiz_completions: int = 0


class CommunityProgress(Schema):
    community: str = Field(description="the community's code")
    name: str
    today: Figures
    period: Figures
    targets: Targets
    rank: int = Field(description="by participants over the period, then hours")
    own: bool = Field(default=False, description="the calling resident's community")


class ProgressOut(Answer):
    campaign: str
    day: date = Field(description="today (local): what `today` counts")
    total: CommunityProgress = Field(description="the campaign as a whole (`community`: empty)")
    communities: list[CommunityProgress]


class StandingOut(Answer):
    campaign: str
    own_community: str | None = Field(description="the resident's community's code")
    communities: list[CommunityProgress]


class MyProgressOut(Answer):
    campaign: str
    joined: bool = Field(description="counted as a participant by the latest rollup")
    first_day: date | None
    days: int = Field(description="the days they took part")
    hours: JsonDecimal
    deeds: int
    quiz_completions: int


# --- events (文明观赛) ---------------------------------------------------------------------

Task = Literal["take-litter-away", "orderly-exit"]


class ZoneIn(Schema):
    venue: Title
    name: Title


class EventIn(Schema):
    title: Title
    starts_at: Moment
    ends_at: Moment
    district: Code | None = Field(
        default=None,
        description="a city-wide campaign's event: the district of its venues (platform "
        "administrators); otherwise the campaign's",
    )
    zones: list[ZoneIn] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _ends_after_start(self) -> EventIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class ZoneOut(Answer):
    id: str
    venue: str
    name: str


class EventOut(Answer):
    id: str
    campaign: str = Field(validation_alias="campaign_id")
    title: str
    starts_at: datetime
    ends_at: datetime
    city_wide: bool
    zones: list[ZoneOut]
    tasks: list[Task] = Field(description="the civility tasks reported as deeds")


class GateCodeOut(Answer):
    zone: str
    code: str = Field(description="what the gate shows (as a QR of `link`); rotates")
    link: str
    expires_at: datetime


class EventCheckinIn(Schema):
    code: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class EventCheckinOut(Answer):
    id: str
    event: str = Field(validation_alias="event_id")
    zone: str = Field(validation_alias="zone_id")
    venue: str
    zone_name: str
    checked_in_at: datetime


class TaskIn(Schema):
    task: Task
    description: str = Field(default="", max_length=500)
