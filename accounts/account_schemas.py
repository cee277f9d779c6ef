"""Request and response models of logging in and of a resident's own account: `/me`, its
notices, onboarding and real name."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from accounts.schemas import StaffOut
from kernel import outbox
from kernel.auth import Role
from kernel.http import Answer, PageQuery, Schema
from kernel.i18n import N_, translate
from kernel.ratelimit import LoginProof

if TYPE_CHECKING:
    from accounts.models import Community, Resident
    from kernel.models import Notification


class ResidentOut(Answer):
    missing: list[Literal["community", "nickname", "real_name", "real_name_verification"]] = Field(
        default_factory=list,
        description="what the resident has yet to give: `community` first (nothing is shown "
        "without it; see GET /api/v1/onboarding/communities)",
    )
    next_step: str | None = Field(default=None, description="what to do next, in words")
    id: str
    nickname: str
    district: str | None
    community: str | None
    public_profile: bool
    real_name_status: Literal["none", "number_checked", "verified"] = Field(
        description="`number_checked`: the ID number is well-formed; `verified`: a worker saw "
        "the document in person (or an identity service confirmed it)"
    )
    real_name_verified: bool = Field(description="true only when `real_name_status` is verified")
    real_name_masked: str | None
    id_number_masked: str | None
    phone_masked: str | None = Field(
        default=None, description="the number WeChat vouched for, masked: 138****1234"
    )

    @model_validator(mode="after")
    def _say_next_step(self) -> ResidentOut:
        if self.next_step is None and self.missing:
            self.next_step = translate(NEXT_STEPS[self.missing[0]])
        return self

    @classmethod
    def of(cls, resident: Resident, community: Community | None) -> ResidentOut:
        """The resident as they see themselves; `community` with its district fetched."""
        return cls.from_model(
            resident,
            district=community.district.code if community else None,
            community=f"{community.district.code}/{community.code}" if community else None,
            next_step=None,
        )


NEXT_STEPS = {
    "community": N_("Choose your community to see its activities and rewards."),
    "nickname": N_("Choose a nickname."),
    "real_name": N_("Give your real name to receive certificates of service."),
    "real_name_verification": N_(
        "Show your ID card to a community worker to verify your real name."
    ),
}


class MeOut(Answer):
    kind: Literal["resident", "staff"]
    role: Role
    resident: ResidentOut | None = None
    staff: StaffOut | None = None


class MePatch(Schema):
    nickname: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    community: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$")] | None = None
    public_profile: bool | None = None


class RealNameIn(Schema):
    name: Annotated[str, StringConstraints(min_length=2, max_length=30)]
    id_number: Annotated[str, StringConstraints(pattern=r"^\d{17}[\dXx]$")]


class PhoneIn(Schema):
    code: Annotated[str, StringConstraints(min_length=1, max_length=256)] = Field(
        description="the code the mini-program's getPhoneNumber button gave (single use)"
    )


class LoginProofIn(Schema):
    """A proof of work, asked for by a `login_proof_required` answer (docs/security.md)."""

    challenge: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,200}$")] = Field(
        description="the `challenge` of the `login_proof_required` answer"
    )
    nonce: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] = Field(
        description='sha256("<challenge>:<code>:<nonce>") begins with `difficulty` zero bits'
    )

    def proof(self) -> LoginProof:
        return LoginProof(challenge=self.challenge, nonce=self.nonce)


class WeChatLoginIn(Schema):
    code: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    proof: LoginProofIn | None = None


class PasswordLoginIn(Schema):
    username: Annotated[str, StringConstraints(min_length=1, max_length=150)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class RefreshIn(Schema):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class TokenPair(Answer):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    resident: ResidentOut | None = None
    staff: StaffOut | None = None


class NotificationQuery(PageQuery):
    unread: bool = False


class NotificationOut(Answer):
    """A notice in the resident's inbox: `text` in the reader's language, `payload` for links."""

    id: str
    topic: str
    text: str
    payload: dict[str, Any]
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, notice: Notification) -> NotificationOut:
        return cls.from_model(
            notice, id=str(notice.id), text=outbox.notice_text(notice.topic, notice.payload)
        )


class MarkedReadOut(Answer):
    marked: int = Field(description="how many notices this marked read")
