"""Request and response models of districts and their rules, communities and staff."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from kernel.auth import Role
from kernel.geo import Coord, to_stored
from kernel.http import Answer, JsonDecimal, Moment, PageQuery, Schema

if TYPE_CHECKING:
    from accounts.models import Community, District, Staff
    from accounts.service import RulesChange

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
ActionCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
# Exact to the scale they are kept at: a rate in credits (hundredths), a day's hours (tenths).
# More digits than that is a 422, never a silent rounding.
CreditRate = Annotated[JsonDecimal, Field(decimal_places=2)]
DayHours = Annotated[JsonDecimal, Field(decimal_places=1)]
# `yearly`: a star of the year (2026Y) earns the card; `quarterly`: a star of any quarter.
GreenCardOnStar = Literal["off", "yearly", "quarterly"]


class CreditExpiry(Schema):
    """`end_of_following_year`: credits earned in 2026 expire at the end of 2027."""

    policy: Literal["never", "end_of_following_year", "months"] = "end_of_following_year"
    months: int | None = Field(default=None, ge=1, le=120)

    @model_validator(mode="after")
    def _months_with_policy(self) -> CreditExpiry:
        if (self.policy == "months") != (self.months is not None):
            raise ValueError("`months` is given exactly when the policy is `months`")
        return self


class DistrictRules(Schema):
    """A district's rules. Per-action maps take action codes, with `default` for the rest."""

    moral_bank_enabled: bool = False
    credits_per_hour: dict[ActionCode, CreditRate] = Field(
        default_factory=lambda: {"default": Decimal(10)}
    )
    credits_per_report: dict[ActionCode, CreditRate] = Field(
        default_factory=lambda: {"default": Decimal(2)}
    )
    report_daily_cap: dict[ActionCode, int] = Field(
        default_factory=lambda: {"finish-your-water": 1, "waste-sorting": 1, "default": 3}
    )
    max_hours_per_day: DayHours = Field(default=Decimal(8), gt=0, le=24)
    review_hours_per_day: DayHours = Field(default=Decimal(12), gt=0, le=24)
    backfill_earns_credits: bool = False
    credit_expiry: CreditExpiry = Field(default_factory=CreditExpiry)
    redemption_hold_hours: int = Field(default=72, ge=1, le=24 * 60)
    geofence_radius_m: int = Field(default=300, ge=10, le=20_000)
    # Households (docs/moral-bank.md): the percentage of a member's earned credits that the
    # household earns too (0: none), and the actions whose credits the household earns whole.
    household_share_percent: int = Field(default=0, ge=0, le=100)
    household_actions: list[ActionCode] = Field(default_factory=list, max_length=50)
    # Credits a resident earns once per campaign that grants a bonus, when they first take part.
    campaign_bonus: CreditRate = Field(default=Decimal(0), ge=0, le=10_000)
    # The regulations quiz (docs/quiz.md): questions of the day's quiz, credits per right
    # answer, and the most a resident earns from quizzes in a local day.
    quiz_questions_per_day: int = Field(default=5, ge=1, le=20)
    quiz_points_per_correct: CreditRate = Field(default=Decimal(1), ge=0, le=1000)
    quiz_daily_cap: CreditRate = Field(default=Decimal(5), ge=0, le=10_000)
    # The green card by a rule on stars (docs/moral-bank-partners.md): which household stars
    # earn the head a card; the rule in force at a period's end judges that period's stars.
    green_card_on_star: GreenCardOnStar = "off"

    @field_validator("credits_per_hour", "credits_per_report")
    @classmethod
    def _non_negative_credits(cls, value: dict[str, JsonDecimal]) -> dict[str, JsonDecimal]:
        if any(v < 0 or v > 10_000 for v in value.values()):
            raise ValueError("credits must be between 0 and 10000")
        return value

    @field_validator("report_daily_cap")
    @classmethod
    def _caps_in_range(cls, value: dict[str, int]) -> dict[str, int]:
        if any(not 0 <= v <= 1000 for v in value.values()):
            raise ValueError("daily caps must be between 0 and 1000")
        return value

    @model_validator(mode="after")
    def _review_above_cap(self) -> DistrictRules:
        if self.review_hours_per_day < self.max_hours_per_day:
            raise ValueError("review_hours_per_day must be at least max_hours_per_day")
        return self

    def per_action(self, table: dict[str, JsonDecimal], action: str) -> Decimal:
        return table.get(action, table.get("default", Decimal(0)))

    def cap_for(self, action: str) -> int:
        """How many reported participations of `action` (deeds, problem reports) one resident
        may have counted per local day (docs/credits.md, "The daily cap of reports")."""
        return self.report_daily_cap.get(action, self.report_daily_cap.get("default", 0))


class DistrictRulesPatch(Schema):
    """A change of rules, merged into the rules in force; it takes effect now or later.

    Per-action maps merge key by key: `{"credits_per_hour": {"volunteering": 15}}` changes
    volunteering only; `null` for a code drops it (it falls back to `default`); `default`
    itself cannot be dropped. Codes must name actions of the district. `effective_from`
    cannot lie in the past: a change never alters what pending deeds and back-fills earn."""

    moral_bank_enabled: bool | None = None
    credits_per_hour: dict[ActionCode, CreditRate | None] | None = None
    credits_per_report: dict[ActionCode, CreditRate | None] | None = None
    report_daily_cap: dict[ActionCode, int | None] | None = None
    # Each bounded as in DistrictRules, so the document says what a patch may hold.
    max_hours_per_day: DayHours | None = Field(default=None, gt=0, le=24)
    review_hours_per_day: DayHours | None = Field(default=None, gt=0, le=24)
    backfill_earns_credits: bool | None = None
    credit_expiry: CreditExpiry | None = None
    redemption_hold_hours: int | None = Field(default=None, ge=1, le=24 * 60)
    geofence_radius_m: int | None = Field(default=None, ge=10, le=20_000)
    household_share_percent: int | None = Field(default=None, ge=0, le=100)
    household_actions: list[ActionCode] | None = Field(default=None, max_length=50)
    campaign_bonus: CreditRate | None = Field(default=None, ge=0, le=10_000)
    quiz_questions_per_day: int | None = Field(default=None, ge=1, le=20)
    quiz_points_per_correct: CreditRate | None = Field(default=None, ge=0, le=1000)
    quiz_daily_cap: CreditRate | None = Field(default=None, ge=0, le=10_000)
    green_card_on_star: GreenCardOnStar | None = None
    effective_from: Moment | None = None


class RulesVersionOut(Answer):
    id: str
    effective_from: datetime
    rules: DistrictRules
    created_by: str
    created_at: datetime


class EarningOut(Answer):
    """What an action earns under a set of rules, and the sentence saying so."""

    action: str
    name: str
    credits_per_hour: JsonDecimal
    credits_per_report: JsonDecimal
    report_daily_cap: int
    example: str


class RulesChangeOut(DistrictRules):
    """The rules that result from a change, whether anything was written, and what earns what."""

    version: str | None = Field(description="the rules version written (or in force)")
    effective_from: datetime
    written: bool = Field(description="false when the change changed nothing")
    earnings: list[EarningOut]

    @classmethod
    def of(cls, change: RulesChange) -> RulesChangeOut:
        return cls.from_model(
            change.rules,
            version=change.version,
            effective_from=change.effective_from,
            written=change.written,
            earnings=change.earnings,
        )


class DistrictCreate(Schema):
    code: Code
    name: Name


class DistrictOut(Answer):
    id: str
    code: str
    name: str
    created_at: datetime


class DistrictDetail(DistrictOut):
    settings: DistrictRules
    settings_version: str | None = None
    upcoming_settings: list[RulesVersionOut] = Field(default_factory=list)
    earnings: list[EarningOut] = Field(default_factory=list)


class Place(Schema):
    """A point: `coord` says its system; the service stores GCJ-02."""

    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    coord: Coord = Field(default="gcj02", description="gcj02 (default) or wgs84")

    @model_validator(mode="after")
    def _as_stored(self) -> Place:
        self.lat, self.lng = to_stored(self.lat, self.lng, self.coord)
        self.coord = "gcj02"
        return self


class CommunityCreate(Schema):
    code: Code
    name: Name
    location: Place | None = Field(
        default=None, description="where the community is, to list the nearest first"
    )


class JoinableQuery(Schema):
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)
    coord: Coord = "gcj02"
    limit: int = Field(default=20, ge=1, le=100)

    @model_validator(mode="after")
    def _whole_point(self) -> JoinableQuery:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("give both lat and lng, or neither")
        return self


class JoinableCommunityOut(Answer):
    """A community a resident can join with `PATCH /me {"community": ref}`."""

    ref: str = Field(description="`district/community`, the value for `PATCH /me`")
    name: str
    district: str
    district_name: str
    distance_m: int | None = Field(description="from the given point, when both are known")

    @classmethod
    def of(cls, community: Community, distance_m: int | None) -> JoinableCommunityOut:
        """`community` with its district fetched."""
        return cls.from_model(
            community,
            ref=f"{community.district.code}/{community.code}",
            district=community.district.code,
            district_name=community.district.name,
            distance_m=distance_m,
        )


class CommunityOut(Answer):
    id: str
    code: str
    name: str
    district: str
    open_to_join: bool = Field(
        default=True, description="whether new residents may choose it (`PATCH /me`)"
    )

    @classmethod
    def of(cls, community: Community, district: District) -> CommunityOut:
        return cls.from_model(
            community,
            district=district.code,
            open_to_join=community.joining_closed_at is None,
        )


class CommunityPatch(Schema):
    open_to_join: bool | None = Field(
        default=None,
        description="false closes the community to new residents (those in it stay); true "
        "opens it again; left out, nothing changes",
    )


class StaffCreate(Schema):
    username: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.@-]{3,150}$")]
    password: Annotated[str, StringConstraints(min_length=10, max_length=256)]
    role: Literal["worker", "district_admin", "platform_admin", "evaluator"]
    district: Code | None = None
    communities: list[Code] = Field(default_factory=list, max_length=100)
    display_name: Annotated[str, StringConstraints(max_length=100)] = ""


class StaffOut(Answer):
    id: str
    username: str
    role: Role
    display_name: str
    district: str | None
    communities: list[str]
    disabled_at: datetime | None = Field(
        default=None, description="set while the account is disabled: no login, no token works"
    )

    @classmethod
    def of(cls, staff: Staff, scope: tuple[str | None, list[str]]) -> StaffOut:
        """The account with its district code and community codes (`staff.scopes_of`)."""
        district, communities = scope
        return cls.from_model(staff, district=district, communities=communities)


class StaffQuery(PageQuery):
    role: Literal["worker", "district_admin", "platform_admin"] | None = None


class PasswordResetIn(Schema):
    password: Annotated[str, StringConstraints(min_length=10, max_length=256)]
