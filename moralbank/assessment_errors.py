"""Errors of the moral assessment, each with its HTTP status and a stable code."""

from __future__ import annotations

from kernel.errors import Conflict, Invalid, NotFound
from kernel.i18n import N_

# An assessment's statuses, by the names a refusal and the console show.
ASSESSMENT_STATUS_NAMES = {
    "open": N_("Being assessed"),
    "reviewed": N_("Reviewed, not yet published"),
    "published": N_("Published for objections"),
    "standing": N_("Standing"),
}
MARK_KIND_NAMES = {"self": N_("Self-assessment"), "neighbour": N_("Neighbours' assessment")}
OBJECTION_DECISION_NAMES = {"uphold": N_("Upheld"), "revise": N_("Revised")}


class NoStandard(Conflict):
    code, title = "assessment_no_standard", N_("The district has no scoring standard")


class NoSuchAssessment(NotFound):
    code, title = "no_such_assessment", N_("No such assessment")


class NoSuchAssessmentObjection(NotFound):
    code, title = "no_such_assessment_objection", N_("No such objection to an assessment")


class UnknownAssessmentCommunity(Invalid):
    code, title = "assessment_unknown_community", N_("No such community in your scope")


class PeriodNotBegun(Invalid):
    code, title = "assessment_period_not_begun", N_("The period has not begun")


class AssessmentClosed(Conflict):
    code, title = "assessment_closed", N_("The assessment no longer takes this")


class NotAssessor(Conflict):
    code, title = "assessment_not_assessor", N_("You may not assess this household")


class QuotaReached(Conflict):
    code, title = "assessment_quota_reached", N_("Your household has assessed as many as it may")


class AlreadyAssessed(Conflict):
    code, title = "assessment_already_assessed", N_("Your household has assessed this one already")


class InvalidPoints(Invalid):
    code, title = "assessment_invalid_points", N_("The points do not fit the standard")


class ObjectionNotTaken(Conflict):
    code, title = "assessment_objection_not_taken", N_("No objection is taken now")


class ObjectionDecided(Conflict):
    code, title = "assessment_objection_decided", N_("The objection was decided already")
