"""Request and response models of households."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from accounts.models import Household, HouseholdMembership
from credits.models import Entry
from credits.schemas import Units
from kernel.http import Answer, JsonDecimal, Schema
from kernel.i18n import translate
from moralbank.households import Standing

HouseholdName = Annotated[str, StringConstraints(min_length=1, max_length=50)]
Reason = Annotated[str, StringConstraints(min_length=2, max_length=500)]
ResidentId = Annotated[str, StringConstraints(min_length=1, max_length=26)]


class HouseholdIn(Schema):
    name: HouseholdName


class HouseholdJoinIn(Schema):
    code: Annotated[str, StringConstraints(min_length=4, max_length=16)] = Field(
        description="the invitation code the head shows (as text or as a QR)"
    )


class HeadshipHandOverIn(Schema):
    resident: ResidentId = Field(description="the member who heads the household from now")


class HouseholdCorrectionIn(Schema):
    change: Literal["add", "remove"]
    resident: ResidentId
    reason: Reason


class HouseholdMemberOut(Answer):
    resident: str
    nickname: str
    head: bool
    joined_at: datetime

    @classmethod
    def of(cls, membership: HouseholdMembership, head_id: str | None) -> HouseholdMemberOut:
        return cls(
            resident=membership.resident_id,
            nickname=membership.resident.nickname,
            head=membership.resident_id == head_id,
            joined_at=membership.joined_at or membership.created_at,
        )


class HouseholdMembershipOut(Answer):
    """A request to join or a time of membership, as the history keeps it."""

    id: str
    household: str = Field(validation_alias="household_id")
    resident: str = Field(validation_alias="resident_id")
    nickname: str
    status: Literal["requested", "member", "ended"]
    requested_at: datetime | None
    joined_at: datetime | None
    left_at: datetime | None
    end_kind: str | None = Field(
        description="confirmed, declined, withdrawn (requests); left, removed (memberships)"
    )
    started_by: str
    start_note: str
    ended_by: str | None
    end_note: str

    @classmethod
    def of(cls, membership: HouseholdMembership) -> HouseholdMembershipOut:
        return cls.from_model(membership, nickname=membership.resident.nickname)


class HouseholdOut(Answer):
    id: str
    name: str
    community: str = Field(validation_alias="community_id")
    head: str | None = Field(validation_alias="head_id")
    balance: JsonDecimal = Field(description="the household's credits")
    rank: int = Field(description="its place among the households of its community, by credits")
    members: list[HouseholdMemberOut]
    requests: list[HouseholdMembershipOut] = Field(
        description="requests to join waiting for the head's answer"
    )
    created_at: datetime

    @classmethod
    def of(
        cls,
        household: Household,
        standing: Standing,
        members: list[HouseholdMembership],
        requests: list[HouseholdMembership],
    ) -> HouseholdOut:
        return cls.from_model(
            household,
            balance=standing.balance,
            rank=standing.rank,
            members=[HouseholdMemberOut.of(m, household.head_id) for m in members],
            requests=[HouseholdMembershipOut.of(r) for r in requests],
        )


class MyHouseholdOut(Answer):
    """The resident's household (none yet: null) and their own requests to join waiting for
    a head's answer."""

    household: HouseholdOut | None
    my_requests: list[HouseholdMembershipOut]


class HouseholdListItem(Schema):
    id: str
    name: str
    community: str = Field(validation_alias="community_id")
    head: str | None = Field(validation_alias="head_id")
    balance: JsonDecimal
    rank: int
    member_count: int

    @classmethod
    def of(cls, household: Household, standing: Standing) -> HouseholdListItem:
        return cls.from_model(
            household,
            balance=standing.balance,
            rank=standing.rank,
            member_count=standing.members,
        )


class HouseholdInvitationOut(Answer):
    code: str = Field(validation_alias="invite_code")
    expires_at: datetime = Field(validation_alias="invite_expires_at")
    qr_png_url: str

    @classmethod
    def of(cls, household: Household, base: str) -> HouseholdInvitationOut:
        return cls.from_model(
            household, qr_png_url=f"{base}/api/v1/households/{household.id}/invitation.png"
        )


class HouseholdRedemptionIn(Schema):
    """The reward the head redeems from the household's credits."""

    reward: Annotated[str, StringConstraints(min_length=1, max_length=26)]


class HouseholdEntryOut(Answer):
    """One movement of the household's credits."""

    id: int
    transaction: str = Field(validation_alias="transaction_id")
    kind: str
    action: str | None
    amount: Units
    balance_after: Units | None
    memo: str = Field(
        description="the reward redeemed (a hold), why a hold came back (a void), or a reason"
    )
    created_at: datetime

    @classmethod
    def of(cls, entry: Entry) -> HouseholdEntryOut:
        """Needs the entry's `transaction` fetched."""
        return cls.from_model(entry, memo=translate(entry.transaction.memo))
