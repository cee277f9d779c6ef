"""Request and response models of badges, awards and honour rolls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from credits.recognition.credentials import credential_url
from credits.recognition.models import (
    HONOUR_BOARDS,
    BadgeAward,
    BadgeDefinition,
    HonourRoll,
    HonourRollEntry,
)
from kernel.http import Answer, JsonDecimal, PageQuery, Schema

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
CriterionKind = Literal[
    "hours_total", "action_count", "credits_earned", "distinct_actions", "campaign"
]
COUNTED_KINDS = ("action_count", "distinct_actions")


class Criterion(Schema):
    """What earns a badge: verified hours, approved participations in one action, credits
    earned (never reduced by spending), the number of different actions practised, or taking
    part in a campaign (`action`: its id; a campaign's own badge)."""

    kind: CriterionKind
    action: Code | None = None
    threshold: JsonDecimal = Field(gt=0, le=1_000_000, max_digits=14, decimal_places=2)

    @model_validator(mode="after")
    def _action_with_action_count(self) -> Criterion:
        if self.kind == "campaign":
            if self.action is None:
                raise ValueError("a `campaign` criterion names the campaign in `action`")
        elif (self.kind == "action_count") != (self.action is not None):
            raise ValueError("`action` is given exactly when the kind is `action_count`")
        if self.kind in COUNTED_KINDS and self.threshold != self.threshold.to_integral_value():
            raise ValueError("an `action_count` or `distinct_actions` threshold is a whole number")
        return self


class BadgeCreate(Schema):
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    description: str = Field(default="", max_length=2000)
    criterion: Criterion


class BadgeOut(Answer):
    id: str
    code: str
    name: str
    description: str
    criterion: Criterion
    district: str | None = Field(description="the district's code; null for platform badges")
    star: int | None = Field(description="1-5 for the volunteer star levels")

    @classmethod
    def of(cls, badge: BadgeDefinition, districts: dict[str, str]) -> BadgeOut:
        """`districts`: codes by id, for the district badges among them."""
        return cls.from_model(
            badge,
            criterion=Criterion(
                kind=badge.criterion_kind,
                action=badge.criterion_action,
                threshold=badge.threshold,
            ),
            district=districts.get(badge.district_id) if badge.district_id else None,
        )


class BadgeQuery(PageQuery):
    district: Code | None = Field(
        default=None, description="platform administrators: the district whose badges to list"
    )


class BadgeRef(Answer):
    code: str
    name: str


class AwardOut(Answer):
    id: str = Field(validation_alias="public_id")
    badge: BadgeRef
    resident: str = Field(validation_alias="resident_id")
    awarded_at: datetime
    credential_url: str
    revoked_at: datetime | None = None
    revocation_reason: str | None = None

    @classmethod
    def of(cls, award: BadgeAward) -> AwardOut:
        """Needs the award's `badge` fetched."""
        return cls.from_model(award, credential_url=credential_url(award.public_id))


class AwardQuery(PageQuery):
    resident: str | None = None
    badge: Code | None = None


class RevokeIn(Schema):
    reason: Annotated[str, StringConstraints(min_length=3, max_length=500)]


@dataclass(frozen=True, slots=True)
class RollRead:
    """A roll as one statement reads it (`service.honour_roll`), beside the model."""

    id: str
    period: str
    taken_at: datetime
    status: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class LineRead:
    """A roll's line as one statement reads it, beside the model."""

    id: int
    board: str
    display_name: str
    value: Decimal
    removed_reason: str | None
    removed_at: datetime | None


class HonourRollLine(Answer):
    rank: int | None = Field(description="null for a line removed in review (staff only)")
    name: str = Field(description="a masked resident name, or a community's name")
    value: JsonDecimal
    line: str | None = Field(default=None, description="the line's id, for review (staff only)")
    removed_reason: str | None = Field(
        default=None, description="why the line was removed in review (staff only)"
    )

    @staticmethod
    def shown(
        entry: HonourRollEntry | LineRead, rank: int | None, *, staff: bool
    ) -> dict[str, Any]:
        """The line as `HonourRollLine` takes it (validated with its roll, in one pass)."""
        return {
            "rank": rank,
            "name": entry.display_name,
            "value": entry.value,
            "line": str(entry.id) if staff else None,
            "removed_reason": entry.removed_reason if staff else None,
        }


class HonourRollOut(Answer):
    id: str
    district: str
    period: str
    taken_at: datetime
    status: Literal["draft", "published"] = Field(description="residents see published rolls only")
    published_at: datetime | None
    hours: list[HonourRollLine]
    credits: list[HonourRollLine]
    communities: list[HonourRollLine]

    @classmethod
    def of(
        cls,
        roll: HonourRoll | RollRead,
        *,
        district_code: str,
        entries: Sequence[HonourRollEntry | LineRead],
        staff: bool,
    ) -> HonourRollOut:
        """The boards of a roll from its entries (by board and rank). Residents: the lines
        kept, ranked in order. Staff also see the removed lines (no rank, with the reason)
        and each line's id for review."""
        boards: dict[str, list[dict[str, Any]]] = {board: [] for board in HONOUR_BOARDS}
        kept = dict.fromkeys(HONOUR_BOARDS, 0)
        for entry in entries:
            if entry.removed_at is not None and not staff:
                continue
            rank = None
            if entry.removed_at is None:
                kept[entry.board] = rank = kept[entry.board] + 1
            boards[entry.board].append(HonourRollLine.shown(entry, rank, staff=staff))
        return cls.from_model(roll, district=district_code, **boards)


class HonourRollSummary(Answer):
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


class BadgeProgressOut(Answer):
    """How far the resident is from a badge they do not hold yet."""

    code: str
    name: str
    criterion: str = Field(description="what counts: hours, an action's count, credits, …")
    current: JsonDecimal
    threshold: JsonDecimal
    remaining: JsonDecimal
    progress: float = Field(description="0 to 1")
    image_url: str


class SummaryOut(Answer):
    """A resident's summary: verified hours, credits, star level, badges held and the count of
    each action practised."""

    hours_total: JsonDecimal
    credits_balance: JsonDecimal
    credits_held: JsonDecimal
    star: int
    badges: list[BadgeRef]
    actions: dict[str, int]
