"""Errors of the activities domain, each with its HTTP status and stable code."""

from __future__ import annotations

from kernel.errors import (
    Conflict,
    Invalid,
    Problem,
    RateLimited,
)
from kernel.i18n import N_

# The statuses of activities, enrolments, attendances, deeds, corrections and filings, by the
# names a refusal shows and the console shows (`console/names.py` reads them from here).
STATUS_NAMES = {
    "published": N_("Published"),
    "cancelled": N_("Cancelled"),
    "finished": N_("Finished"),
    "enrolled": N_("Enrolled"),
    "waitlisted": N_("Waitlisted"),
    "no_show": N_("No-show"),
    "open": N_("Checked in"),
    "pending": N_("Waiting for review"),
    "verified": N_("Verified"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "accepted": N_("Accepted"),
    "filed": N_("Filed"),
    "confirmed": N_("Confirmed"),
    "declined": N_("Declined"),
}


class UnknownAction(Invalid):
    code, title = "unknown_action", N_("No such civility action")


class ActionExists(Conflict):
    code, title = "action_exists", N_("An action with this code exists")


class UnknownCommunity(Invalid):
    code, title = "unknown_community", N_("No such community in your scope")


class UnknownResident(Invalid):
    code, title = "unknown_resident", N_("No such resident in your scope")


class InvalidTimes(Invalid):
    code, title = "invalid_times", N_("The times do not fit")


class ActivityNotOpen(Conflict):
    code, title = "activity_not_open", N_("The activity does not take this now")


class ActivityStarted(Conflict):
    code, title = "activity_started", N_("The activity has started")


class CapacityBelowEnrolled(Conflict):
    code, title = "capacity_below_enrolled", N_("More residents are enrolled than that capacity")


class AlreadyEnrolled(Conflict):
    code, title = "already_enrolled", N_("You are enrolled already")


class NotEnrolled(Conflict):
    code, title = "not_enrolled", N_("You are not enrolled in this activity")


class CheckinTokenInvalid(Problem):
    status, code, title = 422, "checkin_token_invalid", N_("The check-in code is not valid")


class CheckinTokenExpired(Problem):
    status, code, title = 422, "checkin_token_expired", N_("The check-in code has expired")


class OutsideGeofence(Problem):
    status, code, title = 422, "outside_geofence", N_("You are not at the activity's place")


class OutsideTimeWindow(Conflict):
    code, title = "outside_time_window", N_("Not within the activity's time")


class AlreadyCheckedIn(Conflict):
    code, title = "already_checked_in", N_("You have checked in already")


class NotCheckedIn(Conflict):
    code, title = "not_checked_in", N_("You have not checked in")


class OverlappingAttendance(Conflict):
    code, title = "overlapping_attendance", N_("This overlaps another attendance of the resident")


class AttendanceNotPending(Conflict):
    code, title = "attendance_not_pending", N_("The attendance is not waiting for verification")


class HoursRequired(Invalid):
    code, title = "hours_required", N_("Say how many hours count, and why")


class ReasonRequired(Invalid):
    code, title = "reason_required", N_("A reason is required")


class DistrictReviewRequired(Conflict):
    code, title = "district_review_required", N_("These hours need the district's review")


class DailyHoursExceeded(Conflict):
    code, title = "daily_hours_exceeded", N_("More hours in one day than the district allows")


class DailyCapReached(Conflict):
    code, title = "daily_cap_reached", N_("The daily limit for this action is reached")


class DeedNotPending(Conflict):
    code, title = "deed_not_pending", N_("The deed has been reviewed already")


class UnknownUpload(Invalid):
    code, title = "unknown_upload", N_("No such upload of yours")


class CorrectionTarget(Invalid):
    code, title = "correction_target", N_("Name exactly one record or one activity")


class CorrectionNotPending(Conflict):
    code, title = "correction_not_pending", N_("The correction has been decided already")


class RecordReversed(Conflict):
    code, title = "record_reversed", N_("The record has been reversed already")


class CertificateQuotaReached(RateLimited):
    code, title = "certificate_quota_reached", N_("Too many certificates today")


class NoServiceRecords(Conflict):
    code, title = "no_service_records", N_("There is no verified service to certify")


class AttendanceExists(Conflict):
    code, title = "attendance_exists", N_("The resident already has an attendance at this activity")


class InvalidHours(Invalid):
    code, title = "invalid_hours", N_("The hours do not fit the activity")


class NoFreeSeat(Conflict):
    code, title = "no_free_seat", N_("There is no free seat")


class EvidenceRequired(Invalid):
    code, title = "evidence_required", N_("This action is reported with evidence")


class AttestationOnly(Invalid):
    code, title = "attestation_only", N_("Only a worker's attestation records this action")


class CheckInOnly(Invalid):
    code, title = "check_in_only", N_("This action counts through activities with check-in")


class EventFilingOnly(Invalid):
    code, title = "event_filing_only", N_("This action is filed before the event")


class NotAFiledAction(Invalid):
    code, title = "not_a_filed_action", N_("This action is not filed ahead")


class FilingNotDue(Conflict):
    code, title = "filing_not_due", N_("The filed event has not taken place yet")


class FilingDecided(Conflict):
    code, title = "filing_decided", N_("The filing has been decided already")


class RealNameNotVerified(Conflict):
    code, title = "real_name_not_verified", N_("The real name has not been verified")


class CertificateRevoked(Conflict):
    code, title = "certificate_revoked", N_("The certificate was revoked already")
