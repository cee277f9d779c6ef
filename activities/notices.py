"""What a resident is told when staff decide on their participation: each decision queues a
notice through the outbox in the decision's own transaction, read in the inbox in the
reader's language."""

from __future__ import annotations

from decimal import Decimal

from activities.models import Activity, Attendance, Certificate, Correction, Deed, EventFiling
from activities.service import find_action
from kernel.i18n import N_
from kernel.outbox import queue_notification, register_notice

register_notice("attendance_approved", N_("Your {hours} h at “{title}” were confirmed."))
register_notice(
    "attendance_hours_changed",
    N_("Your time at “{title}” was counted as {hours} h: {reason}"),
)
register_notice(
    "attendance_rejected", N_("Your attendance at “{title}” was not confirmed: {reason}")
)
register_notice("deed_approved", N_("Your “{action_name}” report was approved: {summary}"))
register_notice("deed_rejected", N_("Your “{action_name}” report was not approved: {reason}"))
register_notice(
    "correction_accepted", N_("Your correction request about “{title}” was accepted: {reason}")
)
register_notice(
    "correction_rejected", N_("Your correction request about “{title}” was refused: {reason}")
)
register_notice("filing_confirmed", N_("Your filed “{action_name}” on {day} was confirmed."))
register_notice("filing_declined", N_("Your filed “{action_name}” on {day} was declined: {reason}"))
register_notice(
    "certificate_revoked", N_("Your certificate of service {number} was revoked: {reason}")
)


def _plain_hours(hours: Decimal) -> str:
    return format(hours.normalize(), "f")


def _summary(text: str) -> str:
    return text if len(text) <= 60 else text[:59] + "…"


async def tell_attendance_decided(attendance: Attendance, activity: Activity) -> None:
    """After `verify_attendance`: confirmed (with the hours, and why when they differ from the
    check-in and check-out) or rejected (with the reason)."""
    payload: dict[str, str] = {"activity": activity.id, "title": activity.title}
    if attendance.status == "rejected":
        topic = "attendance_rejected"
        payload["reason"] = attendance.decision_reason or ""
    else:
        assert attendance.hours is not None
        payload["hours"] = _plain_hours(Decimal(attendance.hours))
        topic = "attendance_hours_changed" if attendance.decision_reason else "attendance_approved"
        if attendance.decision_reason:
            payload["reason"] = attendance.decision_reason
    await queue_notification("resident", attendance.resident_id, topic, payload)


async def tell_deed_reviewed(deed: Deed) -> None:
    action = await find_action(deed.action, deed.district_id)
    approved = deed.status == "approved"
    await queue_notification(
        "resident",
        deed.resident_id,
        "deed_approved" if approved else "deed_rejected",
        {
            "deed": deed.id,
            "action": deed.action,
            "action_name": action.name,
            "summary": _summary(deed.description),
            "reason": deed.review_reason or "",
        },
    )


async def tell_correction_decided(correction: Correction) -> None:
    activity = await Activity.get_or_none(id=correction.activity_id or "")
    await queue_notification(
        "resident",
        correction.resident_id,
        "correction_accepted" if correction.status == "accepted" else "correction_rejected",
        {
            "correction": correction.id,
            "activity": correction.activity_id,
            "title": activity.title if activity else "",
            "reason": correction.decision_reason or "",
        },
    )


async def tell_filing_decided(filing: EventFiling) -> None:
    action = await find_action(filing.action, filing.district_id)
    await queue_notification(
        "resident",
        filing.resident_id,
        "filing_confirmed" if filing.status == "confirmed" else "filing_declined",
        {
            "filing": filing.id,
            "action": filing.action,
            "action_name": action.name,
            "day": filing.planned_on.isoformat(),
            "reason": filing.decision_reason or "",
        },
    )


async def tell_certificate_revoked(certificate: Certificate) -> None:
    await queue_notification(
        "resident",
        certificate.resident_id,
        "certificate_revoked",
        {"number": certificate.number, "reason": certificate.revoke_reason or ""},
    )
