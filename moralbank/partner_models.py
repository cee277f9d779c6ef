"""Tables of the moral bank's outward side: green cards, their scans and the stars that earned
them, the merchants that honour them, partner banks and their client credentials, households'
consents, partners' queries and the attestations issued."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from kernel.ids import new_id

if TYPE_CHECKING:
    from accounts.models import District, Household, Resident

GREEN_CARD_STATUSES = ("active", "suspended", "revoked")
# How a card came: a district administrator's decision, or the district's rule on stars.
GREEN_CARD_BASES = ("decision", "star")
# What the rule made of a star: a card for the head, the head's card already held, no head.
STAR_OUTCOMES = ("granted", "held", "no_head")


class GreenCard(Model):
    """A moral model green card granted by a district, shown as a QR code to partner merchants."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="green_cards", on_delete=fields.RESTRICT
    )
    district_id: str
    resident: fields.ForeignKeyRelation[Resident] = fields.ForeignKeyField(
        "models.Resident", related_name="green_cards", on_delete=fields.RESTRICT
    )
    resident_id: str
    # A keyed hash of the card's code: the code itself is derived from the card, never stored.
    code_hash = fields.CharField(max_length=64, unique=True)
    status = fields.CharField(max_length=16, default="active")
    basis = fields.CharField(max_length=16, default="decision", db_default="decision")
    grant_reason = fields.TextField()
    granted_by = fields.CharField(max_length=64)
    granted_at = fields.DatetimeField(auto_now_add=True)
    # The last suspension, reinstatement or revocation: why, by whom, when.
    status_reason = fields.TextField(null=True)
    status_by = fields.CharField(max_length=64, null=True)
    status_at = fields.DatetimeField(null=True)

    class Meta:
        table = "green_card"
        indexes = (("district_id", "status"), ("resident_id", "status"))


class GreenCardStar(Model):
    """A household's star of a period as the district's green-card rule decided it, once: the
    unique (household, period) is what makes a rerun or a concurrent run grant nothing more."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    community_id = fields.CharField(max_length=26)
    household_id = fields.CharField(max_length=26)
    # A quarter (2026Q3) or a year (2026Y).
    period = fields.CharField(max_length=16)
    score = fields.DecimalField(max_digits=7, decimal_places=2, null=True)
    # granted, held or no_head (STAR_OUTCOMES); `pending` only inside the deciding transaction.
    outcome = fields.CharField(max_length=16)
    # The head when it was decided, and the card granted (or the one they held already).
    resident_id = fields.CharField(max_length=26, null=True)
    card_id = fields.CharField(max_length=26, null=True, db_index=True)
    decided_at = fields.DatetimeField()

    class Meta:
        table = "green_card_star"
        unique_together = (("household_id", "period"),)
        indexes = (("district_id", "period"),)


class GreenCardMerchant(Model):
    """A merchant or service of a district that honours the green card with a courtesy (礼遇)."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="green_card_merchants", on_delete=fields.RESTRICT
    )
    district_id: str
    name = fields.CharField(max_length=100)
    address = fields.CharField(max_length=200)
    courtesy = fields.CharField(max_length=200)
    active = fields.BooleanField(default=True)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    changed_by = fields.CharField(max_length=64, null=True)
    changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "green_card_merchant"
        indexes = (("district_id", "active"),)


class GreenCardScan(Model):
    """One look at the public page of a green card: when, and what it showed."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    card: fields.ForeignKeyRelation[GreenCard] = fields.ForeignKeyField(
        "models.GreenCard", related_name="scans", on_delete=fields.RESTRICT
    )
    card_id: str
    district_id = fields.CharField(max_length=26)
    # The card's status the page showed (active, suspended or revoked).
    shown_status = fields.CharField(max_length=16)
    scanned_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "green_card_scan"
        indexes = (("card_id", "scanned_at"),)


class GreenCardMiss(Model):
    """A code asked for that names no card, by a keyed hash of the asking address: the throttle."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    address_hash = fields.CharField(max_length=64)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "green_card_miss"
        indexes = (("address_hash", "at"),)


class PartnerBank(Model):
    """A bank that lends on the moral standing, registered by a district with its band terms."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="partner_banks", on_delete=fields.RESTRICT
    )
    district_id: str
    name = fields.CharField(max_length=100)
    # How a household reaches the bank (PIPL art. 23): a phone number and/or an address, as the
    # district wrote it. Required at registration since migration 0038; NULL only for a bank
    # registered before it, until the district adds one (the consent screen says it is missing).
    contact = fields.CharField(max_length=200, null=True)
    # [{"min_score", "max_score", "band", "loan_limit", "rate"}], ordered by score.
    terms: Any = fields.JSONField()
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    terms_changed_at = fields.DatetimeField(null=True)
    # The last change of its name or contact: by whom, when.
    changed_by = fields.CharField(max_length=64, null=True)
    changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "partner_bank"
        unique_together = (("district_id", "name"),)


class PartnerCredential(Model):
    """A partner client id and the keyed hash of its secret. A new pair retires the old one."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    partner: fields.ForeignKeyRelation[PartnerBank] = fields.ForeignKeyField(
        "models.PartnerBank", related_name="credentials", on_delete=fields.RESTRICT
    )
    partner_id: str
    client_id = fields.CharField(max_length=40, unique=True)
    secret_hash = fields.CharField(max_length=64)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    retired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "partner_credential"


class Consent(Model):
    """A household consent to give its band to one partner for one purpose until a day."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    household: fields.ForeignKeyRelation[Household] = fields.ForeignKeyField(
        "models.Household", related_name="partner_consents", on_delete=fields.RESTRICT
    )
    household_id: str
    partner: fields.ForeignKeyRelation[PartnerBank] = fields.ForeignKeyField(
        "models.PartnerBank", related_name="consents", on_delete=fields.RESTRICT
    )
    partner_id: str
    purpose = fields.CharField(max_length=32)
    given_by: fields.ForeignKeyRelation[Resident] = fields.ForeignKeyField(
        "models.Resident", related_name="partner_consents", on_delete=fields.RESTRICT
    )
    given_by_id: str
    given_at = fields.DatetimeField(auto_now_add=True)
    valid_until = fields.DatetimeField()
    withdrawn_at = fields.DatetimeField(null=True)
    withdrawn_by = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "partner_consent"
        indexes = (("household_id", "partner_id"),)


class PartnerQuery(Model):
    """A partner asking for a household attestation: logged whatever the answer, shown to it."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    household_id = fields.CharField(max_length=26, db_index=True)
    partner: fields.ForeignKeyRelation[PartnerBank] = fields.ForeignKeyField(
        "models.PartnerBank", related_name="queries", on_delete=fields.RESTRICT
    )
    partner_id: str
    purpose = fields.CharField(max_length=32)
    # issued, no_consent, no_standing
    outcome = fields.CharField(max_length=16)
    attestation_id = fields.BigIntField(null=True)
    asked_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "partner_query"
        # A partner's questions, newest first (the district's console pages them by id).
        indexes = (("partner_id", "id"),)


class Attestation(Model):
    """A signed statement of a household band for a period, issued to a partner under a consent."""

    # The serial id places the attestation in the revocation status list.
    id = fields.BigIntField(primary_key=True)
    public_id = fields.CharField(max_length=32, unique=True)
    district_id = fields.CharField(max_length=26)
    household_id = fields.CharField(max_length=26)
    partner: fields.ForeignKeyRelation[PartnerBank] = fields.ForeignKeyField(
        "models.PartnerBank", related_name="attestations", on_delete=fields.RESTRICT
    )
    partner_id: str
    consent: fields.ForeignKeyRelation[Consent] = fields.ForeignKeyField(
        "models.Consent", related_name="attestations", on_delete=fields.RESTRICT
    )
    consent_id: str
    band = fields.CharField(max_length=32)
    period = fields.CharField(max_length=16)
    issued_at = fields.DatetimeField()
    valid_until = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "partner_attestation"
        indexes = (("consent_id",),)
