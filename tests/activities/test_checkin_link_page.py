"""Someone who scans the check-in QR with WeChat's own camera or a phone browser lands on a
page telling them to check in from the mini-program; the code is neither used nor leaked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from activities.checkin import WINDOW_SECONDS, issue_checkin_token
from activities.models import Attendance
from tests import conftest
from tests.activities.conftest import publish


async def _scanned_link(world) -> tuple[str, str]:
    activity = await publish(world)
    shown = await world.worker.client.get(f"/api/v1/activities/{activity['id']}/checkin-code")
    assert shown.status_code == 200, shown.text
    return activity["id"], shown.json()["link"]


async def test_a_check_in_qr_opened_in_a_browser_says_to_use_the_mini_program(world, client):
    activity_id, link = await _scanned_link(world)
    page = await client.get(urlsplit(link).path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "请在小程序中签到" in page.text and "扫码签到" in page.text
    assert "<script" not in page.text and "style=" not in page.text
    code = urlsplit(link).path.rsplit("/", 1)[-1]
    assert code not in page.text  # no link configured: the code is not repeated anywhere
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert await Attendance.filter(activity_id=activity_id).count() == 0  # nothing used it
    english = await client.get(urlsplit(link).path, headers={"Accept-Language": "en"})
    assert "Check in from the mini-program" in english.text


async def test_the_page_links_to_the_mini_program_when_a_link_is_configured(database_url, var_dir):
    from httpx import ASGITransport, AsyncClient

    from app.main import create_app
    from kernel.settings import configure, get_settings

    previous = get_settings()
    settings = conftest.test_settings(
        database_url,
        var_dir,
        checkin_miniprogram_link="weixin://dl/business/?appid=wx1&path=pages/checkin/index&query=c%3D{code}",
        miniprogram_name="文明宁波",
    )
    application = create_app(settings)
    try:
        code, _expires = issue_checkin_token("01" * 13)
        transport = ASGITransport(app=application)
        async with (
            application.router.lifespan_context(application),
            AsyncClient(transport=transport, base_url="http://t") as c,
        ):
            page = await c.get(f"/c/{code}")
        assert page.status_code == 200
        assert "在微信中打开文明宁波" in page.text
        assert (
            'href="weixin://dl/business/?appid=wx1&amp;path=pages/checkin/index&amp;query=c%3D'
            in page.text
        )
        assert code in page.text
    finally:
        configure(previous)


async def test_an_old_check_in_code_gets_a_page_saying_to_scan_again(client):
    old, _expires = issue_checkin_token(
        "01" * 13, datetime.now(UTC) - timedelta(seconds=3 * WINDOW_SECONDS)
    )
    page = await client.get(f"/c/{old}")
    assert page.status_code == 410
    assert "签到码已更新" in page.text and "30 秒" in page.text


async def test_a_garbled_check_in_link_gets_a_clear_page_not_an_error(client):
    for garbled in ("nonsense", "01" * 13 + ".abc.AAAAAAAAAA", "%E4%B8%AD" * 40):
        page = await client.get(f"/c/{garbled}")
        assert page.status_code == 404, garbled
        assert page.headers["content-type"].startswith("text/html")
        assert "不是有效的签到码" in page.text


async def test_the_document_says_the_link_pages_refusals_are_pages_too(client):
    """A client reading the document knows a 404 or 410 here is a page, not problem+json."""
    answers = (await client.get("/openapi.json")).json()["paths"]["/c/{code}"]["get"]["responses"]
    for status in ("404", "410"):
        assert "text/html" in answers[status]["content"], status
