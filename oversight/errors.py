"""Errors of the accountability domain, each with its HTTP status and a stable code."""

from __future__ import annotations

from kernel.errors import Conflict, Invalid, NotFound, Problem
from kernel.i18n import N_

# The statuses of problem reports and rectification tasks, by the names a refusal and the
# console show (`console/names.py` reads them from here).
REPORT_STATUS_NAMES = {
    "submitted": N_("Waiting for triage"),
    "rejected": N_("Rejected"),
    "merged": N_("Merged as a duplicate"),
    "confirmed": N_("Confirmed"),
    "resolved": N_("Resolved"),
}
TASK_STATUS_NAMES = {
    "open": N_("Being put right"),
    "submitted": N_("Evidence submitted"),
    "accepted": N_("Accepted, waiting for re-inspection"),
    "closed": N_("Closed"),
}


class UnitExists(Conflict):
    code, title = "unit_exists", N_("A unit with this code exists already")


class UnknownCommunity(Invalid):
    code, title = "unknown_community", N_("No such community in your scope")


class UnknownUnit(Invalid):
    code, title = "unknown_unit", N_("No such unit in your scope")


class UnknownUnitType(Invalid):
    code, title = "unknown_unit_type", N_("No such unit type")


class UnknownCategory(Invalid):
    code, title = "unknown_category", N_("Not one of the district's problem categories")


class UnknownPhoto(Invalid):
    code, title = "unknown_photo", N_("Photos must be images you uploaded")


class PhotoRequired(Invalid):
    code, title = "photo_required", N_("A failed item needs a photo")


class DeadlineInPast(Invalid):
    code, title = "deadline_in_past", N_("The deadline is in the past")


class ReasonRequired(Invalid):
    code, title = "reason_required", N_("A reason is required")


class UnknownChecklistItem(Invalid):
    code, title = "unknown_checklist_item", N_("Not an item of this checklist")


class MissingChecklistItem(Invalid):
    code, title = "missing_checklist_item", N_("Every item of the checklist needs a score")


class ScoreOutOfRange(Invalid):
    code, title = "score_out_of_range", N_("A score is outside its item's range")


class UnknownChecklist(Invalid):
    code, title = "unknown_checklist", N_("No such checklist for this unit type")


class UnknownEvaluator(Invalid):
    code, title = "unknown_evaluator", N_("No such evaluator in your district")


class UnknownPeriod(Invalid):
    code, title = "unknown_period", N_("A period is written like 2026Q3 and has ended")


class InvalidTaskTarget(Invalid):
    code, title = "invalid_task_target", N_("A task is for a unit or for a department")


class ReportNotOpen(Conflict):
    code, title = "report_not_open", N_("The report was triaged already")


class CannotMergeIntoItself(Invalid):
    code, title = "cannot_merge_into_itself", N_("A report cannot be merged into itself")


class InspectionRecorded(Conflict):
    code, title = "inspection_recorded", N_("The inspection was recorded already")


class InspectionNotFailed(Conflict):
    code, title = "inspection_not_failed", N_("Only a failed inspection is re-inspected")


class TaskNotOpen(Conflict):
    code, title = "task_not_open", N_("The task does not take evidence now")


class TaskNotSubmitted(Conflict):
    code, title = "task_not_submitted", N_("The task has no evidence waiting for review")


class ListNotDraft(Conflict):
    code, title = "list_not_draft", N_("The list is no longer a draft")


class ListNotNoticed(Conflict):
    code, title = "list_not_noticed", N_("The list was not sent to its units yet")


class ObjectionWindowOpen(Conflict):
    code, title = "objection_window_open", N_("Units may still object to this list")


class ObjectionsPending(Conflict):
    code, title = "objections_pending", N_("Objections to this list wait for a decision")


class ObjectionWindowClosed(Conflict):
    code, title = "objection_window_closed", N_("The time to object has passed")


class NotBlackListed(Conflict):
    code, title = "not_black_listed", N_("Only a black-list entry can be objected to or repaired")


class AlreadyDecided(Conflict):
    code, title = "already_decided", N_("This was decided already")


class EntryRemoved(Conflict):
    code, title = "entry_removed", N_("The entry was removed from its list already")


class ListNotPublished(Conflict):
    code, title = "list_not_published", N_("The list is not published")


class RepairPending(Conflict):
    code, title = "repair_pending", N_("An application for credit repair waits for a decision")


class NoSuchUnit(NotFound):
    code, title = "unit_not_found", N_("No such unit")


class NoSuchReport(NotFound):
    code, title = "report_not_found", N_("No such report")


class NoSuchChecklist(NotFound):
    code, title = "checklist_not_found", N_("No such checklist")


class NoSuchInspection(NotFound):
    code, title = "inspection_not_found", N_("No such inspection")


class NoSuchTask(NotFound):
    code, title = "task_not_found", N_("No such rectification task")


class NoSuchList(NotFound):
    code, title = "list_not_found", N_("No such list")


class NoSuchEntry(NotFound):
    code, title = "list_entry_not_found", N_("No such list entry")


class NoSuchObjection(NotFound):
    code, title = "objection_not_found", N_("No such objection")


class NoSuchRepair(NotFound):
    code, title = "repair_not_found", N_("No such application for credit repair")


class NoSuchPhoto(NotFound):
    code, title = "photo_not_found", N_("No such photo")


class TooFarFromUnit(Invalid):
    code, title = "too_far_from_unit", N_("The inspection is recorded away from the unit")


class RectificationOutstanding(Conflict):
    code, title = "rectification_outstanding", N_("The unit has rectification still open")


class WeChatNotBound(Problem):
    status, code, title = (
        401,
        "wechat_not_bound",
        N_("This WeChat account is not bound to a unit's login"),
    )


class WeChatBoundElsewhere(Conflict):
    code, title = "wechat_bound_elsewhere", N_("This WeChat account signs in for another login")
