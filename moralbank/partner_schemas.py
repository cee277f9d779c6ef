"""Request and response models of the green card, the partner banks, consents and attestations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from kernel.http import PageQuery, Schema

Id = Annotated[str, StringConstraints(min_length=1, max_length=26)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500)]
GreenCardStatus = Literal["active", "suspended", "revoked"]


# --- the green card ------------------------------------------------------------------------


class GreenCardIn(Schema):
    resident: Id = Field(description="The resident (a moral model) the district grants it to.")
    reason: Reason = Field(description="The district's decision: why this resident.")


class GreenCardDecisionIn(Schema):
    reason: Reason


class GreenCardQuery(PageQuery):
    status: GreenCardStatus | None = None


class GreenCardOut(Schema):
    """A card as the district sees it."""

    id: str
    resident_id: str
    holder: str = Field(description="The holder's masked name, as a merchant sees it.")
    status: GreenCardStatus
    grant_reason: str
    granted_by: str
    granted_at: datetime
    status_reason: str | None
    status_at: datetime | None


class MyGreenCardOut(Schema):
    """A card as its holder sees it: `link` is what the QR code says (`qr_png_url` draws it)."""

    id: str
    district: str
    status: GreenCardStatus
    grant_reason: str
    granted_at: datetime
    status_reason: str | None
    status_at: datetime | None
    link: str
    qr_png_url: str


class GreenCardScanOut(Schema):
    """One look at the card's public page, and what it showed."""

    id: str
    card_id: str
    shown_status: GreenCardStatus
    scanned_at: datetime
