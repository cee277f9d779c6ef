"""Errors of the activities domain, each with its HTTP status and stable code."""

from __future__ import annotations

from app.core.errors import (
    Conflict,
    Invalid,
    PayloadTooLarge,
    Problem,
    RateLimited,
    UnsupportedMediaType,
)


class UnknownAction(Invalid):
    code, title = "unknown_action", "No such civility action"


class ActionExists(Conflict):
    code, title = "action_exists", "An action with this code exists"


class UnknownCommunity(Invalid):
    code, title = "unknown_community", "No such community in your scope"


class UnknownResident(Invalid):
    code, title = "unknown_resident", "No such resident in your scope"


class InvalidTimes(Invalid):
    code, title = "invalid_times", "The times do not fit"


class ActivityNotOpen(Conflict):
    code, title = "activity_not_open", "The activity does not take this now"


class ActivityStarted(Conflict):
    code, title = "activity_started", "The activity has started"


class CapacityBelowEnrolled(Conflict):
    code, title = "capacity_below_enrolled", "More residents are enrolled than that capacity"


class AlreadyEnrolled(Conflict):
    code, title = "already_enrolled", "You are enrolled already"


class NotEnrolled(Conflict):
    code, title = "not_enrolled", "You are not enrolled in this activity"


class CheckinTokenInvalid(Problem):
    status, code, title = 422, "checkin_token_invalid", "The check-in code is not valid"


class CheckinTokenExpired(Problem):
    status, code, title = 422, "checkin_token_expired", "The check-in code has expired"


class OutsideGeofence(Problem):
    status, code, title = 422, "outside_geofence", "You are not at the activity's place"


class OutsideTimeWindow(Conflict):
    code, title = "outside_time_window", "Not within the activity's time"


class AlreadyCheckedIn(Conflict):
    code, title = "already_checked_in", "You have checked in already"


class NotCheckedIn(Conflict):
    code, title = "not_checked_in", "You have not checked in"


class OverlappingAttendance(Conflict):
    code, title = "overlapping_attendance", "This overlaps another attendance of the resident"


class AttendanceNotPending(Conflict):
    code, title = "attendance_not_pending", "The attendance is not waiting for verification"


class HoursRequired(Invalid):
    code, title = "hours_required", "Say how many hours count, and why"


class ReasonRequired(Invalid):
    code, title = "reason_required", "A reason is required"


class DistrictReviewRequired(Conflict):
    code, title = "district_review_required", "These hours need the district's review"


class DailyHoursExceeded(Conflict):
    code, title = "daily_hours_exceeded", "More hours in one day than the district allows"


class DailyCapReached(Conflict):
    code, title = "daily_cap_reached", "The daily limit for this action is reached"


class DeedNotPending(Conflict):
    code, title = "deed_not_pending", "The deed has been reviewed already"


class UnknownUpload(Invalid):
    code, title = "unknown_upload", "No such upload of yours"


class NotAnImage(UnsupportedMediaType):
    code, title = "not_an_image", "Only JPEG, PNG or WebP images are accepted"


class UploadTooLarge(PayloadTooLarge):
    code, title = "upload_too_large", "The file is too large"


class UploadQuotaReached(RateLimited):
    code, title = "upload_quota_reached", "Too many uploads today"


class CorrectionTarget(Invalid):
    code, title = "correction_target", "Name exactly one record or one activity"


class CorrectionNotPending(Conflict):
    code, title = "correction_not_pending", "The correction has been decided already"


class RecordReversed(Conflict):
    code, title = "record_reversed", "The record has been reversed already"


class CertificateQuotaReached(RateLimited):
    code, title = "certificate_quota_reached", "Too many certificates today"


class NoServiceRecords(Conflict):
    code, title = "no_service_records", "There is no verified service to certify"


class AttendanceExists(Conflict):
    code, title = "attendance_exists", "The resident already has an attendance at this activity"


class InvalidHours(Invalid):
    code, title = "invalid_hours", "The hours do not fit the activity"
