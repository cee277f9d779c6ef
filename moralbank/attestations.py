"""Attestations for partner banks: a W3C verifiable credential (VC data model 2.0) stating a
household's band at the asking partner and the assessment period it comes from — never the
score's items, deductions, members or history — secured as a VC-JWT with the credential key
the badges use (published in the JWKS) and revocable through a Bitstring Status List built and
signed as the badges' are (`credits.recognition.credentials`).

Every question a partner asks about a household of its district is logged, answered or not,
and shown to the household."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from accounts.models import District, Household
from credits.recognition.credentials import (
    LAST_STATUS_LIST,
    STATUS_LIST_SIZE,
    VC_CONTEXT,
    issuer_profile,
    revocation_list,
    sign,
    status_slot,
)
from kernel import localtime
from kernel.errors import Problem
from kernel.i18n import N_
from kernel.settings import get_settings
from moralbank import assessment, consents
from moralbank.partner_errors import (
    ConsentRequired,
    NoStanding,
    NoSuchHousehold,
    NoSuchStatusList,
)
from moralbank.partner_models import Attestation, PartnerBank, PartnerQuery
from moralbank.partners import band_for

CREDENTIAL_TYPE = "MoralStandingCredential"
# However long the consent runs, an attestation speaks for at most this long: the next
# quarter's standing may differ.
LONGEST = timedelta(days=90)


def _base() -> str:
    return get_settings().public_base_url.rstrip("/")


def status_list_url(number: int) -> str:
    return f"{_base()}/attestations/status/{number}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


async def household_standing(household_id: str) -> tuple[Decimal, str] | None:
    """The household's standing score and its period (the assessment's, once it stands)."""
    found = await assessment.standing(household_id)
    return (found[0], found[1]) if found else None


def status_entry(attestation: Attestation) -> dict[str, Any]:
    number, position = divmod(attestation.id, STATUS_LIST_SIZE)
    index = status_slot(number, position)
    return {
        "id": f"{status_list_url(number)}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": status_list_url(number),
    }


def build_credential(
    attestation: Attestation, partner: PartnerBank, district: District
) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT],
        "id": f"urn:uuid:{_uuid(attestation.public_id)}",
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "name": "道德银行信用等级证明",
        "description": f"{district.name}道德银行：农户家庭在{partner.name}的信用等级",
        "issuer": issuer_profile(district),
        "validFrom": _iso(attestation.issued_at),
        "validUntil": _iso(attestation.valid_until),
        "credentialSubject": {
            "id": f"urn:moralbank:household:{attestation.household_id}",
            "type": "Household",
            "band": attestation.band,
            "bandScheme": partner.name,
            "assessmentPeriod": attestation.period,
            "assessmentPeriodName": localtime.period_name(attestation.period),
        },
        "credentialStatus": status_entry(attestation),
    }


def _uuid(public_id: str) -> str:
    """A random public id (32 hex digits) as a version-4 UUID's text."""
    h = public_id
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


@dataclass(frozen=True)
class Issued:
    attestation: Attestation
    credential: dict[str, Any]
    token: str


async def attest(household_id: str, *, purpose: str, partner: PartnerBank) -> Issued | Problem:
    """The partner's question about a household of its district, logged whatever the answer:
    a signed credential under a live consent, else a refusal (returned, so the log commits).
    A household of another district is not logged (the partner has no business there), but
    the 404 is returned too: the question still counts against the client's budget."""
    household = await Household.get_or_none(id=household_id[:26], district_id=partner.district_id)
    if household is None:
        return NoSuchHousehold(N_("No such household in the partner's district."))
    query = PartnerQuery(
        district_id=household.district_id,
        household_id=household.id,
        partner_id=partner.id,
        purpose=purpose,
    )
    consent = await consents.live_consent(household.id, partner, purpose)
    if consent is None:
        query.outcome = "no_consent"
        await query.save()
        return ConsentRequired(N_("The household has not consented to this bank for this purpose."))
    standing = await household_standing(household.id)
    band = band_for(partner.terms, standing[0]) if standing else None
    if standing is None or band is None:
        query.outcome = "no_standing"
        await query.save()
        return NoStanding(N_("The household has no standing assessment in the bank's bands."))
    now = datetime.now(UTC)
    attestation = await Attestation.create(
        public_id=secrets.token_hex(16),
        district_id=household.district_id,
        household_id=household.id,
        partner_id=partner.id,
        consent_id=consent.id,
        band=band["band"],
        period=standing[1],
        issued_at=now,
        valid_until=min(consent.valid_until, now + LONGEST),
    )
    query.outcome, query.attestation_id = "issued", attestation.id
    await query.save()
    district = await District.get(id=household.district_id)
    credential = build_credential(attestation, partner, district)
    return Issued(attestation=attestation, credential=credential, token=sign(credential))


async def status_list_credential(number: int) -> dict[str, Any]:
    """The attestations' revocation list `number`, made as the badges' lists are."""
    if not 0 <= number <= LAST_STATUS_LIST:
        raise NoSuchStatusList(N_("No status list {number}."), number=number)
    return await revocation_list(Attestation, number, status_list_url(number))
