"""Errors of accounts, each with its HTTP status."""

from __future__ import annotations

from kernel.errors import Conflict, Forbidden, Invalid, NotFound, Problem, RateLimited
from kernel.i18n import N_


class DistrictExists(Conflict):
    code, title = "district_exists", N_("A district with this code exists")


class CommunityExists(Conflict):
    code, title = "community_exists", N_("A community with this code exists in the district")


class UsernameTaken(Conflict):
    code, title = "username_taken", N_("The username is taken")


class IdNumberInUse(Conflict):
    code, title = "id_number_in_use", N_("The ID number belongs to another resident")


class InvalidIdNumber(Invalid):
    code, title = "invalid_id_number", N_("The ID number is not valid")


class InvalidStaffScope(Invalid):
    code, title = "invalid_staff_scope", N_("The role and its district or communities do not fit")


class LoginFailed(Problem):
    status, code, title = 401, "login_failed", N_("Wrong username or password")


class UnknownAction(Invalid):
    code, title = "unknown_action", N_("No such civility action in the district")


class DefaultRequired(Invalid):
    code, title = "default_required", N_("A per-action map keeps its `default`")


class RetroactiveRulesChange(Invalid):
    code, title = "retroactive_rules_change", N_("A rules change cannot take effect in the past")


class RulesChangeInForce(Conflict):
    code, title = "rules_change_in_force", N_("The rules change has taken effect already")


class NoSuchStaff(NotFound):
    code, title = "staff_not_found", N_("No such member of staff")


class CannotDisableSelf(Forbidden):
    code, title = "cannot_disable_self", N_("You cannot disable your own account")


class RealNameMissing(Conflict):
    code, title = "real_name_missing", N_("No real name has been given")


class CommunityClosed(Conflict):
    code, title = "community_closed", N_("The community is not taking new residents")


class IdentityMismatch(Invalid):
    code, title = "identity_mismatch", N_("The identity service did not confirm the real name")


class IdentityChecksExhausted(RateLimited):
    code, title = "identity_checks_exhausted", N_("Too many identity checks today")
