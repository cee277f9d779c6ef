"""Errors of the green card, the partner banks, consents and attestations: status, code, title."""

from __future__ import annotations

from kernel.errors import Conflict, Invalid, NotFound
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
