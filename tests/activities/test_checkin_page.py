"""The worker's check-in screen in a real browser: the rotating QR and the attendances."""

from __future__ import annotations

from datetime import timedelta

from tests.activities.conftest import arrived_earlier, check_in, check_out, enrol, publish
from tests.console.conftest import live_server, page  # noqa: F401  (browser fixtures)


async def _sign_in(page):  # noqa: F811
    await page.goto("/console/")
    await page.get_by_label("用户名 Username").fill("c1-worker")
    await page.get_by_label("密码 Password").fill("staff-password-123")
    await page.get_by_role("button", name="登录 Sign in").click()
    await page.wait_for_selector("#home:not([hidden])")


async def test_the_check_in_screen_shows_the_qr_and_lets_the_worker_approve(world, page):  # noqa: F811
    activity = await publish(world)
    await enrol(world.resident, activity["id"])
    checked_in = await check_in(world, world.resident, activity["id"])
    attendance = checked_in.json()
    await _sign_in(page)
    await page.goto(f"/console/static/checkin.html?activity={activity['id']}")
    await page.wait_for_selector("#code:not([hidden])")
    await page.wait_for_function("() => document.querySelector('#qr').naturalWidth > 0")
    assert await page.locator("#title").inner_text() == "河道清洁"
    await page.wait_for_selector("#attendances:not([hidden])")
    row = page.locator("#rows tr")
    assert await row.count() == 1
    assert "open" in await row.inner_text()

    await arrived_earlier(attendance["id"], by=timedelta(hours=1))
    assert (await check_out(world, world.resident, activity["id"])).status_code == 200
    await page.reload()
    await page.get_by_role("button", name="通过 Approve").click()
    await page.wait_for_function(
        "() => document.querySelector('#rows tr').textContent.includes('verified')"
    )
    records = (await world.resident.client.get("/api/v1/me/service-records")).json()["items"]
    assert [r["hours"] for r in records] == [0.2]
