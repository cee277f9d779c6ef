"""Errors of accounts, each with its HTTP status."""

from __future__ import annotations

from app.core.errors import Conflict, Invalid, Problem


class DistrictExists(Conflict):
    code, title = "district_exists", "A district with this code exists"


class CommunityExists(Conflict):
    code, title = "community_exists", "A community with this code exists in the district"


class UsernameTaken(Conflict):
    code, title = "username_taken", "The username is taken"


class IdNumberInUse(Conflict):
    code, title = "id_number_in_use", "The ID number belongs to another resident"


class InvalidIdNumber(Invalid):
    code, title = "invalid_id_number", "The ID number is not valid"


class InvalidStaffScope(Invalid):
    code, title = "invalid_staff_scope", "The role and its district or communities do not fit"


class LoginFailed(Problem):
    status, code, title = 401, "login_failed", "Wrong username or password"
