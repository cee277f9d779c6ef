"""Errors of the green card, the partner banks, consents and attestations: status, code, title."""

from __future__ import annotations

from kernel.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from kernel.i18n import N_

GREEN_CARD_STATUS_NAMES = {
    "active": N_("Valid"),
    "suspended": N_("Suspended"),
    "revoked": N_("Revoked"),
}

# What a partner's question about a household was told (`PartnerQuery.outcome`).
PARTNER_QUERY_OUTCOMES = {
    "issued": N_("Attestation issued"),
    "no_consent": N_("Refused: no consent"),
    "no_standing": N_("Not issued: no standing assessment"),
}


class NoSuchGreenCard(NotFound):
    code, title = "no_such_green_card", N_("No such green card")


class UnknownResident(Invalid):
    code, title = "unknown_resident", N_("No such resident in your district")


class GreenCardHeld(Conflict):
    code, title = "green_card_held", N_("The resident holds a green card already")


class GreenCardStatusConflict(Conflict):
    code, title = "green_card_status", N_("The green card is not in a state that allows this")


class NoSuchMerchant(NotFound):
    code, title = "no_such_merchant", N_("No such merchant")


class NoSuchPartner(NotFound):
    code, title = "no_such_partner", N_("No such partner bank")


class PartnerExists(Conflict):
    code, title = "partner_exists", N_("A partner bank of this name exists already")


class InvalidClient(Unauthenticated):
    """RFC 6749's `invalid_client`: the client id or secret is wrong (or retired)."""

    code, title = "invalid_client", N_("The partner client is not known")


class PartnerTokenRefused(Unauthenticated):
    code, title = "invalid_token", N_("The partner token is not accepted")


class UnsupportedGrant(BadRequest):
    code, title = "unsupported_grant_type", N_("Only the client credentials grant is offered")


class NoHousehold(Conflict):
    code, title = "no_household", N_("You are not a member of a household")


class ConsentExists(Conflict):
    code, title = "consent_exists", N_("The household's consent stands already")


class ConsentTooLong(Invalid):
    code, title = "consent_period", N_("A consent lasts at most a year")


class NoSuchConsent(NotFound):
    code, title = "no_such_consent", N_("No such consent")


class NoSuchHousehold(NotFound):
    code, title = "no_such_household", N_("No such household in the district")


class ConsentRequired(Forbidden):
    code, title = "consent_required", N_("The household has not consented")


class NoStanding(Conflict):
    code, title = "no_standing", N_("The household has no standing assessment")


class NoSuchStatusList(NotFound):
    code, title = "no_such_status_list", N_("No such status list")


class QueryBudgetSpent(RateLimited):
    """The partner's client has made all the queries its budget allows in this window."""

    code, title = "query_budget_spent", N_("The client's query budget is spent")


class TokenBudgetSpent(RateLimited):
    """The partner's client has been given all the tokens its budget allows in this window."""

    code, title = "token_budget_spent", N_("The client's token budget is spent")
