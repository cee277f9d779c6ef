"""Errors of the green card, the partner banks, consents and attestations: status, code, title."""

from __future__ import annotations

from kernel.errors import BadRequest, Conflict, Invalid, NotFound, Unauthenticated
from kernel.i18n import N_

GREEN_CARD_STATUS_NAMES = {
    "active": N_("Valid"),
    "suspended": N_("Suspended"),
    "revoked": N_("Revoked"),
}


class NoSuchGreenCard(NotFound):
    code, title = "no_such_green_card", N_("No such green card")


class UnknownResident(Invalid):
    code, title = "unknown_resident", N_("No such resident in your district")


class GreenCardHeld(Conflict):
    code, title = "green_card_held", N_("The resident holds a green card already")


class GreenCardStatusConflict(Conflict):
    code, title = "green_card_status", N_("The green card is not in a state that allows this")


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
