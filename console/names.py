"""Every code the console shows, by its name in the reader's language (from the catalogue).
A code with no name here is shown as "unknown" in words, never as the raw code."""

from __future__ import annotations

from activities.errors import STATUS_NAMES as ACTIVITY_STATUSES
from credits.errors import STATUS_NAMES as REDEMPTION_STATUSES
from kernel.auth import ROLE_NAMES
from kernel.i18n import N_, translate
from moralbank.assessment_errors import ASSESSMENT_STATUS_NAMES
from moralbank.consents import PURPOSES
from moralbank.partner_errors import GREEN_CARD_STATUS_NAMES, PARTNER_QUERY_OUTCOMES
from oversight.errors import REPORT_STATUS_NAMES, TASK_STATUS_NAMES

# The domains' statuses are named where their refusals name them; the console adds its own.
STATUSES = {
    **ACTIVITY_STATUSES,  # activities, enrolments, attendances, deeds, corrections, filings
    **REDEMPTION_STATUSES,
    # jobs
    "running": N_("Running"),
    "succeeded": N_("Succeeded"),
    "failed": N_("Failed"),
    # problem reports, inspections, rectification tasks, red and black lists
    **{code: name for code, name in REPORT_STATUS_NAMES.items() if code != "submitted"},
    "assigned": N_("Planned"),
    "recorded": N_("Recorded"),
    "closed": N_("Closed"),
    "draft": N_("Draft"),
    "noticed": N_("Units told, objections open"),
}
# A code that names another state of another kind of thing ("open": an attendance checked
# in, a rectification task being put right): its name for that kind, `status(code, of=kind)`.
STATUSES_OF = {"report": REPORT_STATUS_NAMES, "task": TASK_STATUS_NAMES}
STATUSES_OF["assessment"] = ASSESSMENT_STATUS_NAMES
STATUSES_OF["green_card"] = GREEN_CARD_STATUS_NAMES
# What a partner bank's question about a household was told.
STATUSES_OF["partner_query"] = PARTNER_QUERY_OUTCOMES
ROLES = ROLE_NAMES
FLAGS = {
    "shared_device_or_position": N_(
        "Checked in from the same phone or the very same spot as another resident"
    ),
    "too_many_hours_in_a_day": N_("More hours in one day than the district allows"),
    "backfill": N_("Back-filled by a worker, not checked in on site"),
    "burst_of_reports": N_("Many reports in a short time"),
}
SOURCES = {"live": N_("On site"), "backfill": N_("Back-filled")}
DEED_MODES = {
    "report": N_("Reported by the resident"),
    "attest": N_("Attested by a worker"),
    "proxy": N_("Attested on the resident's behalf"),
}
EXPORTS = {
    "service-records": N_("Service records"),
    "attendances": N_("Attendances"),
    "deeds": N_("Good deeds"),
    "ledger": N_("Credit transactions"),
    "unit-record": N_("Unit credit record"),
}
# Scheduled jobs, by what they do (their docstrings are the operators' English).
JOBS = {
    "award-badges": N_("Award badges"),
    "close-activities": N_("Close finished activities"),
    "expire-holds": N_("Void reward holds past their time"),
    "remind-expiring-holds": N_("Remind residents of holds about to lapse"),
    "expire-credits": N_("Expire credits past their date"),
    "seal-ledger": N_("Seal the ledger"),
    "honour-roll": N_("Draft the month's honour roll"),
    "console-dashboards": N_("Add up the dashboards"),
    "console-sessions": N_("Remove ended console sign-ins"),
    "purge-expired-sessions": N_("Remove expired sign-ins"),
    "dispatch-notifications": N_("Send notifications"),
    "oversight-rectification": N_("Follow up rectification deadlines"),
    "oversight-lists": N_("Draw up the quarterly lists"),
    "campaigns-rollup": N_("Count the campaigns' progress"),
    "household-rollup": N_("Roll members' credits up to their households"),
    "assessment-standing": N_("Let published moral assessments stand and post them"),
    "green-card-stars": N_("Grant green cards to the stars by the district's rule"),
}
UNKNOWN = N_("Unknown")
# A session's browser and system, from its User-Agent: the first key found names it (WeChat's
# and Edge's name Chrome and Safari too, Android's Linux, an iPhone's "like Mac OS X").
BROWSERS = (
    ("MicroMessenger", N_("WeChat")),
    ("Edg", N_("Edge")),
    ("QQBrowser", N_("QQ Browser")),
    ("UCBrowser", N_("UC Browser")),
    ("360SE", N_("360 Browser")),
    ("Firefox/", N_("Firefox")),
    ("FxiOS/", N_("Firefox")),
    ("Chrome/", N_("Chrome")),
    ("CriOS/", N_("Chrome")),
    ("Safari/", N_("Safari")),
)
SYSTEMS = (
    ("HarmonyOS", N_("HarmonyOS")),
    ("iPhone", N_("iPhone")),
    ("iPad", N_("iPad")),
    ("Android", N_("Android")),
    ("Windows", N_("Windows")),
    ("Macintosh", N_("macOS")),
    ("CrOS", N_("ChromeOS")),
    ("Linux", N_("Linux")),
)


def _name(table: dict[str, str], code: str | None) -> str:
    if code is None:
        return "—"
    return translate(table.get(code, UNKNOWN))


def browser(user_agent: str | None) -> str:
    """Which browser on which system, in words ("Windows 上的 Chrome")."""
    agent = user_agent or ""
    name = next((n for key, n in BROWSERS if key in agent), N_("Unknown browser"))
    system = next((n for key, n in SYSTEMS if key in agent), None)
    if system is None:
        return translate(name)
    return translate(N_("{browser} on {system}"), browser=translate(name), system=translate(system))


def status(code: str | None, of: str | None = None) -> str:
    """A status by its name, for the kind of thing it is the status of when that matters."""
    if code is not None and code in STATUSES_OF.get(of or "", {}):
        return translate(STATUSES_OF[of or ""][code])
    return _name(STATUSES, code)


def purpose(code: str | None) -> str:
    """What a partner bank asks for a household's standing for (a consent's purpose)."""
    return _name(PURPOSES, code)


def role(code: str | None) -> str:
    return _name(ROLES, code)


def flag(code: str | None) -> str:
    return _name(FLAGS, code)


def source(code: str | None) -> str:
    return _name(SOURCES, code)


def deed_mode(code: str | None) -> str:
    return _name(DEED_MODES, code)


def export(code: str | None) -> str:
    return _name(EXPORTS, code)


def job(code: str | None) -> str:
    return _name(JOBS, code)


FIELDS = {
    "title": N_("Title"),
    "description": N_("Description"),
    "action": N_("Civility action"),
    "community": N_("Community"),
    "starts_at": N_("Starts (Beijing time)"),
    "ends_at": N_("Ends (Beijing time)"),
    "capacity": N_("Capacity"),
    "lat": N_("Latitude"),
    "lng": N_("Longitude"),
    "radius_m": N_("Check-in radius"),
    "address": N_("Address"),
    "location": N_("Location"),
    "hours": N_("Hours"),
    "reason": N_("Reason"),
    "note": N_("Note"),
    "resident": N_("Resident"),
    "checked_in_at": N_("Arrived (Beijing time)"),
    "checked_out_at": N_("Left (Beijing time)"),
    "occurred_at": N_("When (Beijing time)"),
    "consent": N_("Consent"),
    "code": N_("Pickup code"),
    "decision": N_("Decision"),
    "cost": N_("Credits"),
    "stock": N_("Stock"),
    "username": N_("Username"),
    "password": N_("Password"),
    "display_name": N_("Name"),
    "body": N_("The form"),
    "credits_per_hour": N_("Credits per hour"),
    "credits_per_report": N_("Credits per report"),
    "report_daily_cap": N_("Reports a day at most"),
    "effective_from": N_("From (Beijing time, empty: now)"),
    "max_hours_per_day": N_("Hours counted per day at most"),
    "review_hours_per_day": N_("Hours per day above which a worker reviews"),
    "credit_expiry": N_("Credits expire"),
    "months": N_("Months (when they expire after months)"),
    "redemption_hold_hours": N_("A reward is held for (hours)"),
    "geofence_radius_m": N_("Default check-in radius (m)"),
    "household_share_percent": N_("Share of members' credits a household earns, in per cent"),
    "household_actions": N_("Household actions (the household earns their whole credits)"),
    "quantity": N_("Add to stock"),
    "threshold": N_("Threshold"),
    "criterion": N_("Earned by"),
    # Every form's `name` names a thing (a community, a badge, a merchant); a person's name
    # is `display_name`.
    "name": N_("Name of the item"),
    "from": N_("From"),
    "to": N_("To"),
    "regulation": N_("Regulation"),
    "kind": N_("Question type"),
    "text": N_("Question"),
    "options": N_("Options"),
    "answer": N_("Right answer"),
    "explanation": N_("Explanation"),
    "article": N_("Article"),
    "opens_at": N_("Opens (Beijing time)"),
    "closes_at": N_("Closes (Beijing time)"),
    "questions": N_("Number of questions"),
    "campaign_bonus": N_("A campaign's participation bonus (credits)"),
    "zones": N_("Venues and gates, one a line: venue，gate"),
    "venue": N_("Venues and gates, one a line: venue，gate"),
    "quiz_questions_per_day": N_("Questions of the daily quiz"),
    "quiz_points_per_correct": N_("Quiz credits per right answer"),
    "quiz_daily_cap": N_("Quiz credits a day at most"),
    "green_card_on_star": N_("Green card by the stars"),
    "courtesy": N_("Courtesy"),
}
PER_ACTION = ("credits_per_hour", "credits_per_report", "report_daily_cap")


def field(path: str) -> str:
    """The form field an API error names (`location.lat`), by its label."""
    parts = [p for p in path.split(".") if p and not p.isdigit() and p not in ("body", "query")]
    if len(parts) >= 2 and parts[-2] in PER_ACTION:  # a per-action setting: name the action
        return f"{translate(FIELDS[parts[-2]])}（{parts[-1]}）"
    name = parts[-1] if parts else "body"
    return translate(FIELDS.get(name, N_("The form")))
