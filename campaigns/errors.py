"""Errors of campaigns and their events, each with its HTTP status and stable code."""

from __future__ import annotations

from kernel.errors import Conflict, Invalid
from kernel.i18n import N_


class InvalidPeriod(Invalid):
    code, title = "invalid_period", N_("The campaign's period does not fit")


class UnknownCampaignAction(Invalid):
    code, title = "unknown_campaign_action", N_("No such civility action in the campaign's scope")


class UnknownDistrict(Invalid):
    code, title = "unknown_district", N_("No such district")


class NotTaggable(Invalid):
    code, title = "not_taggable", N_("This cannot be tagged to the campaign")


class AlreadyTagged(Conflict):
    code, title = "already_tagged", N_("Tagged to the campaign already")


class CampaignNotRunning(Conflict):
    code, title = "campaign_not_running", N_("The campaign is not running")


class EventNotOpen(Conflict):
    code, title = "event_not_open", N_("The event does not take check-ins now")


class AlreadyCheckedIn(Conflict):
    code, title = "already_checked_in", N_("Checked in at this event already")


class ZoneCodeInvalid(Invalid):
    code, title = "zone_code_invalid", N_("Not a gate code of this event")


class ZoneCodeExpired(Invalid):
    code, title = "zone_code_expired", N_("The gate code has changed")


class NotCheckedIn(Conflict):
    code, title = "not_checked_in", N_("Check in at the event first")


class TaskReported(Conflict):
    code, title = "task_reported", N_("This task is reported already")
