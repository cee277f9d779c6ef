"""Errors of recognition, each with its HTTP status."""

from __future__ import annotations

from app.core.errors import Conflict, NotFound


class BadgeCodeTaken(Conflict):
    code, title = "badge_code_taken", "A badge with this code exists"


class AwardAlreadyRevoked(Conflict):
    code, title = "award_already_revoked", "The badge award is revoked already"


class CredentialNotFound(NotFound):
    code, title = "credential_not_found", "No such credential"


class HonourRollNotFound(NotFound):
    code, title = "honour_roll_not_found", "No honour roll for this period"
