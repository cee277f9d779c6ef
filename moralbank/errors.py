"""Errors of households, each with its HTTP status."""

from __future__ import annotations

from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from kernel.i18n import N_


class NoSuchHousehold(NotFound):
    code, title = "no_such_household", N_("No such household")


class NoSuchHouseholdRequest(NotFound):
    code, title = "no_such_household_request", N_("No such request to join")


class NoHousehold(NotFound):
    code, title = "no_household", N_("You are not in a household")


class AlreadyInHousehold(Conflict):
    code, title = "already_in_household", N_("Already in a household")


class NoCommunity(Conflict):
    code, title = "no_community", N_("Join a community first")


class InvitationInvalid(Conflict):
    code, title = "invitation_invalid", N_("The invitation code is not valid")


class NotTheHead(Forbidden):
    code, title = "not_the_head", N_("Only the head of the household may do this")


class HeadMustHandOver(Conflict):
    code, title = "head_must_hand_over", N_("The head hands over headship before leaving")


class NotAMember(Invalid):
    code, title = "not_a_member", N_("Not a member of this household")


class RequestNotPending(Conflict):
    code, title = "request_not_pending", N_("The request to join was already answered")


class ResidentNotInCommunity(Invalid):
    code, title = (
        "resident_not_in_community",
        N_("The resident does not live in the household's community"),
    )
