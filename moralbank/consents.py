"""A household's consent to give its moral standing to one partner bank (PIPL art. 23: a
separate consent for giving personal information to a third party): for one purpose, until a
day, withdrawn at any time. Withdrawing stops new attestations at once and revokes the
outstanding ones (`moralbank.attestations`, through the status list)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from accounts.models import Household, Resident
from kernel import localtime
from kernel.auth import Principal
from kernel.i18n import N_
from moralbank.partner_errors import (
    ConsentExists,
    ConsentTooLong,
    NoHousehold,
    NoSuchConsent,
    NoSuchPartner,
)
from moralbank.partner_models import Attestation, Consent, PartnerBank
from moralbank.partner_scope import offered_partners, readable_consents
from moralbank.scope import require_head

# What a partner may be given the standing for (purpose → its name for people).
PURPOSES = {
    "credit_assessment": N_("Assessing a moral loan"),
    "loan_management": N_("Managing a loan granted"),
}
LONGEST = timedelta(days=366)


async def consenting_household(who: Principal) -> str:
    """The household whose consents `who` gives and withdraws: the one they are a member of
    (409 when none), provided they head it (403 otherwise: the household's rule of who speaks
    for it, `moralbank.scope.require_head`). Reading stays open to every member."""
    resident = await Resident.get_or_none(id=who.id)
    if resident is None or resident.household_id is None:
        raise NoHousehold(N_("You are not a member of a household."))
    household = await Household.get(id=resident.household_id)
    require_head(household, who=who)
    return household.id


async def household_of(who: Principal) -> str | None:
    """The household a resident is a member of (what they read of consents and queries)."""
    resident = await Resident.get_or_none(id=who.id)
    return resident.household_id if resident else None


def last_day(consent: Consent) -> date:
    """The last local day the consent holds (the `until` it was given with)."""
    return localtime.local_date(consent.valid_until) - timedelta(days=1)


def state(consent: Consent, now: datetime) -> str:
    """live, expired or withdrawn."""
    if consent.withdrawn_at is not None:
        return "withdrawn"
    return "live" if now < consent.valid_until else "expired"


async def give(partner_id: str, *, purpose: str, until: date, by: Principal) -> Consent:
    household_id = await consenting_household(by)
    partner = await offered_partners(by).rows().get_or_none(id=partner_id)
    if partner is None:
        raise NoSuchPartner(N_("No such partner bank."))
    today = localtime.today()
    if not today <= until <= today + LONGEST:
        raise ConsentTooLong(N_("A consent lasts from today to at most a year from today."))
    now = datetime.now(UTC)
    given = Consent.filter(
        household_id=household_id,
        partner_id=partner.id,
        purpose=purpose,
        withdrawn_at__isnull=True,
        valid_until__gt=now,
    )
    if await given.select_for_update().exists():
        raise ConsentExists(
            N_("Your household's consent to this bank for this purpose stands already.")
        )
    return await Consent.create(
        district_id=partner.district_id,
        household_id=household_id,
        partner_id=partner.id,
        purpose=purpose,
        given_by_id=by.id,
        valid_until=localtime.start_of(until + timedelta(days=1)),
    )


async def withdraw(consent_id: str, *, by: Principal) -> Consent:
    """Withdraws the consent (again: nothing more happens) and revokes, in the same
    transaction, every attestation issued under it: the status list says so at once."""
    consent = await readable_consents(by).rows().select_for_update().get_or_none(id=consent_id)
    if consent is None or consent.household_id != await consenting_household(by):
        raise NoSuchConsent(N_("No such consent of your household."))
    if consent.withdrawn_at is not None:
        return consent
    now = datetime.now(UTC)
    consent.withdrawn_at, consent.withdrawn_by = now, by.subject
    await consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    await Attestation.filter(consent_id=consent.id, revoked_at__isnull=True).update(revoked_at=now)
    return consent


async def live_consent(household_id: str, partner: PartnerBank, purpose: str) -> Consent | None:
    now = datetime.now(UTC)
    return (
        await Consent.filter(
            household_id=household_id,
            partner_id=partner.id,
            purpose=purpose,
            withdrawn_at__isnull=True,
            given_at__lte=now,
            valid_until__gt=now,
        )
        .order_by("-given_at")
        .first()
    )
