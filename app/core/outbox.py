"""The notifications outbox: queued in the event's transaction, sent by a job through a
sender, retried with backoff, and claimed row by row so that none is sent twice."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from app.core.models import Notification
from app.core.scheduler import job
from app.core.settings import get_settings

log = logging.getLogger("app.notifications")
BATCH = 200


async def queue_notification(
    recipient_kind: Literal["resident", "staff"],
    recipient_id: str,
    topic: str,
    payload: dict[str, Any],
) -> Notification:
    """Call inside the transaction of the event, so the notice exists exactly when it happened."""
    return await Notification.create(
        recipient_kind=recipient_kind,
        recipient_id=recipient_id,
        topic=topic,
        payload=payload,
        next_attempt_at=datetime.now(UTC),
    )


class Sender(Protocol):
    async def send(self, notification: Notification) -> None:
        """Delivers one notification; raises to have it retried later."""


class LogSender:
    """The default: writes each notification to the log."""

    async def send(self, notification: Notification) -> None:
        log.info(
            "notification",
            extra={
                "recipient": f"{notification.recipient_kind}:{notification.recipient_id}",
                "topic": notification.topic,
            },
        )


_sender: Sender = LogSender()


def use_sender(sender: Sender) -> Sender:
    """Sets the sender; returns the previous one."""
    global _sender
    previous, _sender = _sender, sender
    return previous


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 6 * 3600))


@job("dispatch-notifications", schedule="* * * * *", transactional=False)
async def dispatch_notifications() -> dict[str, Any]:
    """Sends pending notifications; each is claimed (pending → sending) before it is sent."""
    now = datetime.now(UTC)
    max_attempts = get_settings().notification_max_attempts
    due = (
        await Notification.filter(status="pending", next_attempt_at__lte=now)
        .order_by("id")
        .limit(BATCH)
    )
    sent = retried = failed = 0
    for notification in due:
        claimed = await Notification.filter(id=notification.id, status="pending").update(
            status="sending", attempts=notification.attempts + 1
        )
        if not claimed:
            continue
        attempts = notification.attempts + 1
        try:
            await _sender.send(notification)
        except Exception as exc:
            final = attempts >= max_attempts
            await Notification.filter(id=notification.id).update(
                status="failed" if final else "pending",
                next_attempt_at=datetime.now(UTC) + backoff(attempts),
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            failed, retried = failed + final, retried + (not final)
            continue
        await Notification.filter(id=notification.id).update(
            status="sent", sent_at=datetime.now(UTC)
        )
        sent += 1
    return {"sent": sent, "retried": retried, "failed": failed}
