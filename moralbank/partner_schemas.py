"""Request and response models of the green card, the partner banks, consents and attestations."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from kernel.http import Answer, Day, JsonDecimal, PageQuery, Schema

Id = Annotated[str, StringConstraints(min_length=1, max_length=26)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500)]
GreenCardStatus = Literal["active", "suspended", "revoked"]
GreenCardBasis = Literal["decision", "star"]


# --- the green card ------------------------------------------------------------------------


class GreenCardIn(Schema):
    resident: Id = Field(description="The resident (a moral model) the district grants it to.")
    reason: Reason = Field(description="The district's decision: why this resident.")


class GreenCardDecisionIn(Schema):
    reason: Reason


class GreenCardQuery(PageQuery):
    status: GreenCardStatus | None = None


class GreenCardOut(Answer):
    """A card as the district sees it."""

    id: str
    resident_id: str
    holder: str = Field(description="The holder's masked name, as a merchant sees it.")
    status: GreenCardStatus
    basis: GreenCardBasis = Field(
        description="`decision`: granted by an administrator; `star`: by the rule on stars."
    )
    grant_reason: str
    granted_by: str
    granted_at: datetime
    status_reason: str | None
    status_at: datetime | None


class MyGreenCardOut(Answer):
    """A card as its holder sees it: `link` is what the QR code says (`qr_png_url` draws it)."""

    id: str
    district: str
    status: GreenCardStatus
    basis: GreenCardBasis
    grant_reason: str
    granted_at: datetime
    status_reason: str | None
    status_at: datetime | None
    link: str
    qr_png_url: str


class GreenCardScanOut(Answer):
    """One look at the card's public page, and what it showed."""

    id: str
    card_id: str
    shown_status: GreenCardStatus
    scanned_at: datetime


# --- merchants that honour the card ------------------------------------------------------

MerchantName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Address = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Courtesy = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class MerchantIn(Schema):
    name: MerchantName
    address: Address
    courtesy: Courtesy = Field(description="The courtesy (礼遇) to holders: 凭绿卡就餐九折.")
    active: bool = Field(default=True, description="Whether it honours the card now.")


class MerchantPatch(Schema):
    """What changes; what is left out stays."""

    name: MerchantName | None = None
    address: Address | None = None
    courtesy: Courtesy | None = None
    active: bool | None = None


class MerchantQuery(PageQuery):
    active: bool | None = None


class MerchantOut(Answer):
    """A merchant as the district manages it."""

    id: str
    name: str
    address: str
    courtesy: str
    active: bool
    created_at: datetime
    changed_at: datetime | None


class OfferedMerchantOut(Answer):
    """A merchant where the holder's valid card brings a courtesy."""

    id: str
    district: str = Field(description="The district whose card it honours.")
    name: str
    address: str
    courtesy: str


# --- partner banks -------------------------------------------------------------------------

Score = Annotated[Decimal, Field(ge=0, le=1000, max_digits=7, decimal_places=2)]


class BandTerms(Schema):
    """One line of a partner's table: the scores it covers (both ends included), the band's
    name, and what the partner offers a household of it."""

    band: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    min_score: Score
    max_score: Score
    loan_limit: int = Field(ge=0, le=100_000_000, description="Yuan.")
    rate: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        description="The rate as the partner words it (年利率 3.85% 起)."
    )


class BandTermsOut(BandTerms):
    min_score: JsonDecimal
    max_score: JsonDecimal


def _ordered(terms: list[BandTerms]) -> list[BandTerms]:
    ordered = sorted(terms, key=lambda t: t.min_score)
    for line in ordered:
        if line.min_score > line.max_score:
            raise ValueError("a band's min_score is above its max_score")
    for before, after in itertools.pairwise(ordered):
        if after.min_score <= before.max_score:
            raise ValueError("the bands' scores overlap")
    if len({t.band for t in ordered}) != len(ordered):
        raise ValueError("each band is named once")
    return terms


Terms = Annotated[list[BandTerms], Field(min_length=1, max_length=10), AfterValidator(_ordered)]


PartnerName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Contact = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True),
    Field(
        description="How a household reaches the bank: a phone number and/or an address "
        "(0574-12345678 宁波市海曙区…). Shown on the consent screen (PIPL art. 23).",
    ),
]


class PartnerIn(Schema):
    name: PartnerName
    contact: Contact
    terms: Terms


class PartnerPatch(Schema):
    """The bank's name or contact; what is left out stays. Its terms have their own route."""

    name: PartnerName | None = None
    contact: Contact | None = None


class TermsIn(Schema):
    terms: Terms


class PartnerOut(Answer):
    id: str
    name: str
    contact: str | None = Field(description="None only for a bank registered before contacts.")
    terms: list[BandTermsOut]
    created_at: datetime
    terms_changed_at: datetime | None
    client_id: str | None = Field(description="The client id in use (its secret is never shown).")


class CredentialsOut(Answer):
    """Shown once: the secret is kept only as a keyed hash and cannot be shown again."""

    client_id: str
    client_secret: str
    created_at: datetime


class PartnerRegisteredOut(Answer):
    partner: PartnerOut
    credentials: CredentialsOut


class PartnerTokenOut(Answer):
    """RFC 6749 section 5.1."""

    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int


# --- consents, queries and attestations ----------------------------------------------------

Purpose = Literal["credit_assessment", "loan_management"]


class ConsentIn(Schema):
    partner: Id
    purpose: Purpose
    until: Day = Field(description="The last day (Beijing time) the consent holds; a year at most.")


class ConsentOut(Answer):
    id: str
    partner_id: str
    partner: str = Field(description="The partner bank's name.")
    purpose: Purpose
    purpose_name: str
    given_at: datetime
    valid_until: datetime
    until: date = Field(description="The last day (Beijing time) it holds, as it was given.")
    withdrawn_at: datetime | None
    state: Literal["live", "expired", "withdrawn"]


class PartnerQueryOut(Answer):
    """A partner's question about the household (谁查询了我家的道德积分) and what it was told."""

    id: str
    partner_id: str
    partner: str
    purpose: Purpose
    purpose_name: str
    outcome: Literal["issued", "no_consent", "no_standing"]
    asked_at: datetime


class AskerHeadOut(Answer):
    """A household's head as the console shows people: masked, never an ID number."""

    id: str
    nickname: str
    real_name_masked: str | None
    phone_masked: str | None


class AskedQueryOut(Answer):
    """One question a partner bank asked about a household of the district, and its answer."""

    id: str
    asked_at: datetime
    household_id: str
    household: str = Field(description="The household's name.")
    community_id: str
    community: str = Field(description="The household's community, by its name.")
    head: AskerHeadOut | None = Field(
        description="The household's head now (none once everyone left), masked."
    )
    purpose: Purpose
    purpose_name: str
    outcome: Literal["issued", "no_consent", "no_standing"]
    outcome_name: str = Field(description="What the bank was told, in words.")


class PartnerOfferOut(Answer):
    """A partner bank of the district: its terms, and where the household's standing falls."""

    id: str
    name: str
    contact: str | None = Field(
        description="How to reach the bank (PIPL art. 23); None if its district has not said."
    )
    terms: list[BandTermsOut]
    band: BandTermsOut | None = Field(description="The household's band here, if it has one.")
    period: str | None = Field(description="The assessment period the band comes from.")
    period_name: str | None = Field(description="That period by its name (2026年第三季度).")


class AttestationIn(Schema):
    household: Id = Field(description="The household's number, as its members gave it.")
    purpose: Purpose


class AttestationOut(Answer):
    """The signed credential (VC-JWT); the band, period and validity repeat what it states."""

    vc_jwt: str
    band: str
    period: str
    valid_until: datetime
    status_list_credential: str
