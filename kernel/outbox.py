"""The notifications outbox: queued in the event's transaction, sent by a job through a
sender, retried with backoff, and claimed row by row so that none is sent twice."""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from tortoise.queryset import QuerySet

from kernel.i18n import translate
from kernel.models import Notification
from kernel.scheduler import job
from kernel.settings import get_settings
from kernel.sql import Rider, db_time, execute, query_rows

log = logging.getLogger("app.notifications")
BATCH = 200


_COLUMNS = (
    "INSERT INTO notification (recipient_kind, recipient_id, topic, payload, status, attempts, "
    "next_attempt_at, created_at) "
)
_QUEUE = _COLUMNS + "VALUES (?, ?, ?, ?{json_cast}, 'pending', 0, ?, ?) RETURNING id"
_PAYLOAD = Notification._meta.fields_map["payload"]


async def queue_notification(
    recipient_kind: Literal["resident", "staff"],
    recipient_id: str,
    topic: str,
    payload: dict[str, Any],
) -> Notification:
    """Call inside the transaction of the event, so the notice exists exactly when it happened.
    One prepared statement (it is on the path of every value-moving write)."""
    now = datetime.now(UTC)
    stored = _PAYLOAD.to_db_value(payload, Notification)  # as the model stores it
    found = await query_rows(
        _QUEUE, [recipient_kind, recipient_id, topic, stored, db_time(now), db_time(now)]
    )
    notice = Notification(
        id=found[0]["id"],
        recipient_kind=recipient_kind,
        recipient_id=recipient_id,
        topic=topic,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    notice._saved_in_db = True
    return notice


def notice_with(
    recipient_kind: Literal["resident", "staff"],
    recipient_id: str,
    topic: str,
    payload: dict[str, Any],
) -> Rider:
    """The same notice as `queue_notification`'s, queued by the statement it rides on (a
    posting's): no round trip of its own on PostgreSQL."""
    now = db_time(datetime.now(UTC))
    return Rider(
        _COLUMNS + "SELECT :notice_kind, :notice_recipient, :notice_topic, "
        ":notice_payload{json_cast}, 'pending', 0, :notice_at, :notice_at WHERE {posted}",
        {
            "notice_kind": recipient_kind,
            "notice_recipient": recipient_id,
            "notice_topic": topic,
            "notice_payload": _PAYLOAD.to_db_value(payload, Notification),
            "notice_at": now,
        },
    )


async def queue_notifications_from(select: str, params: Mapping[str, Any]) -> int:
    """Queues one notice per row of `select` in one statement, inside the caller's transaction:
    for jobs that notify thousands at once. `select` is raw SQL (`kernel.sql`: `:name`
    markers, `{json}` parts) yielding `recipient_kind`, `recipient_id`, `topic` and `payload`
    (a JSON object, `{json_cast}` on it). Returns how many were queued."""
    return await execute(
        _COLUMNS + "SELECT q.recipient_kind, q.recipient_id, q.topic, q.payload, 'pending', 0, "
        f":queued_at, :queued_at FROM ({select}) q",
        {**params, "queued_at": db_time(datetime.now(UTC))},
    )


# What a notice says in the resident's inbox, per topic: a message template (English msgid,
# translated when read) filled from the payload. Domains register their topics.
_NOTICE_TEXTS: dict[str, str] = {}


def register_notice(topic: str, template: str) -> None:
    _NOTICE_TEXTS[topic] = template


def notice_text(topic: str, payload: dict[str, Any]) -> str:
    """The notice in the reader's language; a field the payload lacks shows empty."""
    template = _NOTICE_TEXTS.get(topic)
    if template is None:
        return topic
    return string.Formatter().vformat(translate(template), (), _Fields(payload))


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def inbox(
    recipient_kind: str, recipient_id: str, *, unread: bool = False
) -> QuerySet[Notification]:
    found = Notification.filter(recipient_kind=recipient_kind, recipient_id=recipient_id)
    return found.filter(read_at__isnull=True) if unread else found


async def mark_read(
    recipient_kind: str, recipient_id: str, notification_id: str | None = None
) -> int:
    """Marks one notice (or all) of the recipient read; returns how many changed."""
    found = inbox(recipient_kind, recipient_id, unread=True)
    if notification_id is not None:
        if not notification_id.isdigit() or len(notification_id) > 18:
            return 0
        found = found.filter(id=int(notification_id))
    return await found.update(read_at=datetime.now(UTC))


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
