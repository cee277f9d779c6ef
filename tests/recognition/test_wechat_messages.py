"""Notifications reach residents as WeChat subscribe messages, through the fake WeChat server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kernel.models import Notification
from kernel.outbox import queue_notification
from kernel.scheduler import run_job
from tests import conftest

TEMPLATES = {
    "badge_awarded": {
        "template_id": "tpl-badge",
        "page": "pages/badges/index",
        "fields": {"thing1": "badge_name", "time2": "awarded_at", "thing3": "note"},
    }
}


@pytest.fixture
async def messaging(database_url, var_dir, fake_wechat) -> AsyncIterator[Any]:
    """The service with WeChat set up against the fake, and one resident."""
    from accounts.models import Resident
    from app.main import create_app

    settings = conftest.test_settings(
        database_url,
        var_dir,
        wechat_appid="wx-test-app",
        wechat_secret="wx-test-secret",
        wechat_api_base=fake_wechat.base_url,
        wechat_subscribe_templates=TEMPLATES,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        fake_wechat.resident = await Resident.create(openid="o-sub", nickname="甲")
        yield fake_wechat


async def award_notice(resident_id: str, **payload: Any) -> Notification:
    return await queue_notification(
        "resident",
        resident_id,
        "badge_awarded",
        {"badge_name": "一星志愿者", "awarded_at": "2026-11-27T02:00:00+00:00", **payload},
    )


async def dispatch() -> dict[str, Any]:
    run = await run_job("dispatch-notifications")
    assert run is not None and run.status == "succeeded", run and run.error
    return dict(run.stats)


async def test_a_badge_award_reaches_the_resident_as_a_subscribe_message(messaging):
    notice = await award_notice(
        messaging.resident.id, note="感谢您为社区付出的每一小时志愿服务，我们一起继续加油"
    )
    assert await dispatch() == {"sent": 1, "retried": 0, "failed": 0}
    assert messaging.messages == [
        {
            "touser": "o-sub",
            "template_id": "tpl-badge",
            "page": "pages/badges/index",
            "data": {
                "thing1": {"value": "一星志愿者"},
                "time2": {"value": "2026年11月27日 10:00"},
                "thing3": {
                    "value": "感谢您为社区付出的每一小时志愿服务，我们一起继续加油"[:19] + "…"
                },
            },
            "miniprogram_state": "formal",
            "lang": "zh_CN",
        }
    ]
    assert (await Notification.get(id=notice.id)).status == "sent"


async def test_the_access_token_is_fetched_once_and_shared_by_every_worker(messaging):
    from app.main import _resident_openid
    from kernel.outbox import use_sender
    from kernel.wechat_messages import SubscribeMessageSender

    for _ in range(3):
        await award_notice(messaging.resident.id)
    await dispatch()
    another_worker = SubscribeMessageSender(openid_of=_resident_openid)
    previous = use_sender(another_worker)
    try:
        await award_notice(messaging.resident.id)
        await dispatch()
    finally:
        use_sender(previous)
    assert len(messaging.messages) == 4
    assert len(messaging.token_requests()) == 1
    assert {m["path"] for m in messaging.requests} == {
        "/cgi-bin/stable_token",
        "/cgi-bin/message/subscribe/send",
    }


async def test_the_access_token_is_refreshed_shortly_before_it_expires(messaging):
    from kernel.wechat_messages import WeChatAccessToken

    await award_notice(messaging.resident.id)
    await dispatch()
    await WeChatAccessToken.all().update(expires_at=datetime.now(UTC) + timedelta(seconds=120))
    await award_notice(messaging.resident.id)
    await dispatch()
    refreshes = messaging.token_requests()
    assert len(refreshes) == 2
    assert [r["body"]["force_refresh"] for r in refreshes] == [False, False]
    cached = await WeChatAccessToken.get(appid="wx-test-app")
    assert cached.expires_at > datetime.now(UTC) + timedelta(hours=1)


async def test_a_token_wechat_rejects_is_replaced_and_the_message_still_goes(messaging):
    await award_notice(messaging.resident.id)
    await dispatch()
    messaging.expire_token()
    await award_notice(messaging.resident.id)
    assert await dispatch() == {"sent": 1, "retried": 0, "failed": 0}
    assert len(messaging.messages) == 2
    assert messaging.token_requests()[-1]["body"]["force_refresh"] is True


async def test_a_message_wechat_refuses_is_kept_for_a_later_attempt(messaging):
    messaging.unsubscribed.add("o-sub")
    notice = await award_notice(messaging.resident.id)
    assert await dispatch() == {"sent": 0, "retried": 1, "failed": 0}
    kept = await Notification.get(id=notice.id)
    assert kept.status == "pending"
    assert kept.attempts == 1
    assert "43101" in (kept.last_error or "")
    assert kept.next_attempt_at > datetime.now(UTC)


async def test_a_topic_without_a_template_is_only_logged(messaging):
    notice = await queue_notification("resident", messaging.resident.id, "activity_changed", {})
    assert await dispatch() == {"sent": 1, "retried": 0, "failed": 0}
    assert messaging.requests == []
    assert (await Notification.get(id=notice.id)).status == "sent"


async def test_wechat_out_of_reach_leaves_the_notification_pending(database_url, var_dir):
    from accounts.models import Resident
    from app.main import create_app

    settings = conftest.test_settings(
        database_url,
        var_dir,
        wechat_appid="wx-test-app",
        wechat_secret="wx-test-secret",
        wechat_api_base="http://127.0.0.1:9",
        wechat_subscribe_templates=TEMPLATES,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        resident = await Resident.create(openid="o-far", nickname="乙")
        notice = await award_notice(resident.id)
        assert await dispatch() == {"sent": 0, "retried": 1, "failed": 0}
        kept = await Notification.get(id=notice.id)
        assert kept.status == "pending"
        assert "WeChat did not answer" in (kept.last_error or "")
