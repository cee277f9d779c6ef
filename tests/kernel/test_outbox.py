"""The notification outbox: sent once, retried with backoff, given up after the limit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from kernel.db import transaction
from kernel.models import Notification
from kernel.outbox import queue_notification, use_sender
from kernel.scheduler import run_job


class Recorder:
    def __init__(self, fail_times: int = 0) -> None:
        self.sent: list[int] = []
        self.fail_times = fail_times

    async def send(self, notification: Notification) -> None:
        await asyncio.sleep(0)
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("WeChat unreachable")
        self.sent.append(notification.id)


async def test_a_notification_exists_only_if_its_event_committed(app):
    try:
        async with transaction():
            await queue_notification("resident", "r1", "badge_awarded", {"badge": "star-1"})
            raise RuntimeError("the event failed")
    except RuntimeError:
        pass
    assert await Notification.all().count() == 0


async def test_pending_notifications_are_sent_once(app):
    recorder = Recorder()
    previous = use_sender(recorder)
    try:
        for index in range(3):
            await queue_notification("resident", f"r{index}", "activity_cancelled", {})
        first = await run_job("dispatch-notifications")
        second = await run_job("dispatch-notifications")
    finally:
        use_sender(previous)
    assert first is not None and first.stats["sent"] == 3
    assert second is not None and second.stats["sent"] == 0
    assert len(recorder.sent) == len(set(recorder.sent)) == 3
    assert await Notification.filter(status="sent").count() == 3


async def test_concurrent_dispatchers_never_send_twice(app):
    from kernel.outbox import dispatch_notifications

    recorder = Recorder()
    previous = use_sender(recorder)
    try:
        for index in range(20):
            await queue_notification("resident", f"r{index}", "t", {})
        await asyncio.gather(dispatch_notifications(), dispatch_notifications())
    finally:
        use_sender(previous)
    assert sorted(recorder.sent) == sorted(set(recorder.sent))
    assert len(recorder.sent) == 20


async def test_a_failed_send_is_retried_later_with_backoff(app):
    recorder = Recorder(fail_times=1)
    previous = use_sender(recorder)
    try:
        notification = await queue_notification("resident", "r1", "t", {})
        await run_job("dispatch-notifications")
        waiting = await Notification.get(id=notification.id)
        assert waiting.status == "pending" and waiting.attempts == 1
        assert waiting.next_attempt_at > datetime.now(UTC) + timedelta(seconds=20)
        assert "unreachable" in (waiting.last_error or "")
        await Notification.filter(id=notification.id).update(next_attempt_at=datetime.now(UTC))
        await run_job("dispatch-notifications")
    finally:
        use_sender(previous)
    assert (await Notification.get(id=notification.id)).status == "sent"
    assert recorder.sent == [notification.id]


async def test_a_notification_is_given_up_after_the_attempt_limit(app, settings):
    recorder = Recorder(fail_times=100)
    previous = use_sender(recorder)
    try:
        notification = await queue_notification("resident", "r1", "t", {})
        for _ in range(settings.notification_max_attempts):
            await Notification.filter(id=notification.id).update(next_attempt_at=datetime.now(UTC))
            await run_job("dispatch-notifications")
    finally:
        use_sender(previous)
    given_up = await Notification.get(id=notification.id)
    assert given_up.status == "failed"
    assert given_up.attempts == settings.notification_max_attempts
