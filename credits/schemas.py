"""Request and response models of the moral bank."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StringConstraints, field_validator

from credits.models import Entry, LedgerTransaction, Redemption, Reward, from_units
from kernel.http import Answer, JsonDecimal, PageQuery, Schema
from kernel.i18n import translate

Credits = Annotated[Decimal, Field(max_digits=10, decimal_places=2)]


def _from_ledger_units(value: object) -> object:
    return from_units(value) if isinstance(value, int) else value


# An amount the ledger stores in integer units (`credits.models.SCALE`), read off a model.
Units = Annotated[JsonDecimal, BeforeValidator(_from_ledger_units)]
Reason = Annotated[str, StringConstraints(min_length=2, max_length=500)]


class RewardIn(Schema):
    title: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    cost: Annotated[Credits, Field(gt=0)]
    stock: int = Field(ge=0, le=1_000_000)
    community: Annotated[str, StringConstraints(pattern=r"^([a-z0-9-]+/)?[a-z0-9-]+$")] | None = (
        None
    )


class RewardOut(Answer):
    id: str
    title: str
    description: str
    cost: Units
    stock: int
    community: str | None
    created_at: datetime
    withdrawn_at: datetime | None = Field(
        default=None, description="set when staff withdrew the reward from the catalogue"
    )

    @classmethod
    def of(cls, reward: Reward, communities: dict[str, str]) -> RewardOut:
        """`communities`: codes by id (`rewards.community_codes`)."""
        return cls.from_model(
            reward,
            community=communities.get(reward.community_id) if reward.community_id else None,
        )


class RewardPatch(Schema):
    """What staff may edit of a reward; the stock changes by restocking only."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    cost: Annotated[Credits, Field(gt=0)] | None = None


class RestockIn(Schema):
    quantity: int = Field(ge=1, le=1_000_000)
    reason: Annotated[str, StringConstraints(max_length=500)] = ""


class WithdrawIn(Schema):
    reason: Reason


class RewardChangeOut(Answer):
    """A recorded change of a reward: who did what, when and why."""

    id: str
    kind: Literal["edited", "restocked", "withdrawn"]
    quantity: int | None
    stock_after: int
    changes: dict[str, dict[str, str | None]]
    reason: str
    changed_by: str
    changed_at: datetime


class RedemptionOut(Answer):
    id: str
    reward: str
    reward_title: str = Field(description="the title of the reward redeemed")
    household: str | None = Field(
        default=None,
        validation_alias="household_id",
        description="the household whose credits pay it (its head redeemed), else null",
    )
    code: str
    cost: Units
    status: Literal["held", "fulfilled", "voided", "expired"]
    expires_at: datetime
    created_at: datetime
    settled_at: datetime | None

    @classmethod
    def of(cls, redemption: Redemption, titles: dict[str, str]) -> RedemptionOut:
        """`titles`: reward titles by id (`rewards.reward_titles`)."""
        return cls.from_model(
            redemption,
            reward=redemption.reward_id,
            reward_title=titles.get(redemption.reward_id, ""),
        )


class StaffRedemptionOut(Answer):
    """A redemption as staff see it: who redeemed what; never the pickup code."""

    id: str
    reward: str
    reward_title: str
    resident: str
    resident_nickname: str
    household: str | None = Field(
        default=None,
        validation_alias="household_id",
        description="the household whose credits pay it (its head redeemed), else null",
    )
    household_name: str | None = Field(default=None, description="that household's name")
    cost: Units
    status: Literal["held", "fulfilled", "voided", "expired"]
    expires_at: datetime
    created_at: datetime
    settled_at: datetime | None
    settled_by: str | None

    @classmethod
    def of(
        cls,
        redemption: Redemption,
        titles: dict[str, str],
        nicknames: dict[str, str],
        households: dict[str, str],
    ) -> StaffRedemptionOut:
        """`nicknames`: by resident id (`rewards.redeemer_nicknames`); `households`: names by
        id (`rewards.paying_households`)."""
        return cls.from_model(
            redemption,
            reward=redemption.reward_id,
            reward_title=titles.get(redemption.reward_id, ""),
            resident=redemption.resident_id,
            resident_nickname=nicknames.get(redemption.resident_id, ""),
            household_name=households.get(redemption.household_id or ""),
        )


class RedemptionQuery(PageQuery):
    status: Literal["held", "fulfilled", "voided", "expired"] | None = None


def _typed_digits(value: object) -> object:
    """A code as a person typed it: full-width digits (a Chinese input method's) are digits."""
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


class FulfilIn(Schema):
    code: Annotated[
        str, StringConstraints(pattern=r"^[0-9]{6,16}$"), BeforeValidator(_typed_digits)
    ]


class AdjustmentIn(Schema):
    """Credits to give (positive) or take (negative), with the reason kept in the ledger."""

    resident: Annotated[str, StringConstraints(min_length=1, max_length=26)]
    amount: Annotated[Credits, Field(ge=-1_000_000, le=1_000_000)]
    reason: Reason

    @field_validator("amount")
    @classmethod
    def _not_zero(cls, value: Decimal) -> Decimal:
        if value == 0:
            raise ValueError("an adjustment moves a non-zero amount")
        return value


class ReverseIn(Schema):
    reason: Reason


class LedgerEntryOut(Answer):
    owner_kind: str
    owner_id: str
    account: str = Field(validation_alias="account_kind")
    asset: str
    amount: Units
    balance_after: Units | None
    expires_at: datetime | None


class TransactionOut(Answer):
    id: str
    district_id: str
    kind: str
    ref_type: str
    ref_id: str
    action: str | None
    reverses: str | None
    actor: str
    memo: str
    rules_version: str | None = Field(
        description="the district rules version a participation's amounts were computed by"
    )
    occurred_at: datetime
    created_at: datetime
    entries: list[LedgerEntryOut]

    @classmethod
    def of(
        cls, transaction: LedgerTransaction, entries: list[Entry], rules_version: str | None
    ) -> TransactionOut:
        """`rules_version`: `service.rules_version_of(transaction)`."""
        return cls.from_model(
            transaction,
            reverses=transaction.reverses_id,
            memo=translate(transaction.memo),
            rules_version=rules_version,
            entries=entries,
        )


class HistoryItem(Answer):
    """One movement of the resident's credits, with the balance it left."""

    id: str
    kind: str
    action: str | None
    amount: Units
    balance_after: Units | None
    memo: str
    created_at: datetime

    @classmethod
    def of(cls, entry: Entry) -> HistoryItem:
        """Needs the entry's `transaction` fetched."""
        return cls.from_model(
            entry,
            id=entry.transaction_id,
            memo=translate(entry.transaction.memo),
        )


class ExpiringCredits(Answer):
    expires_at: datetime
    amount: JsonDecimal


class MyCreditsOut(Answer):
    balance: JsonDecimal
    held: JsonDecimal
    earned: JsonDecimal
    hours_total: JsonDecimal
    expiring: list[ExpiringCredits]
