"""Errors of recognition, each with its HTTP status."""

from __future__ import annotations

from kernel.errors import Conflict, NotFound
from kernel.i18n import N_


class BadgeCodeTaken(Conflict):
    code, title = "badge_code_taken", N_("A badge with this code exists")


class AwardAlreadyRevoked(Conflict):
    code, title = "award_already_revoked", N_("The badge award is revoked already")


class CredentialNotFound(NotFound):
    code, title = "credential_not_found", N_("No such credential")


class HonourRollNotFound(NotFound):
    code, title = "honour_roll_not_found", N_("No honour roll for this period")


class HonourRollPublished(Conflict):
    code, title = "honour_roll_published", N_("The honour roll is published already")


class HonourRollLineNotFound(NotFound):
    code, title = "honour_roll_line_not_found", N_("No such line on the honour roll")
