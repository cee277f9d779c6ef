"""The console as a worker sees it, in a real browser against the running service."""

from __future__ import annotations


async def test_worker_signs_in_and_sees_their_scope(world, page):
    await page.goto("/console/")
    await page.get_by_label("用户名 Username").fill("c1-worker")
    await page.get_by_label("密码 Password").fill("staff-password-123")
    await page.get_by_role("button", name="登录 Sign in").click()
    await page.wait_for_selector("#home:not([hidden])")
    profile = await page.locator("#profile").inner_text()
    assert "c1-worker" in profile and "c1" in profile and "d1" in profile
    assert "一区 (d1)" in await page.locator("#districts").inner_text()


async def test_wrong_password_shows_the_problem_detail(world, page):
    await page.goto("/console/")
    await page.get_by_label("用户名 Username").fill("c1-worker")
    await page.get_by_label("密码 Password").fill("wrong-password")
    await page.get_by_role("button", name="登录 Sign in").click()
    error = page.locator("#login-error")
    await error.wait_for()
    await page.wait_for_function(
        "() => document.querySelector('#login-error').textContent.length > 0"
    )
    assert "wrong" in (await error.inner_text()).lower()
    assert await page.locator("#home").is_hidden()


async def _sign_in_as_worker(page):
    await page.goto("/console/")
    await page.get_by_label("用户名 Username").fill("c1-worker")
    await page.get_by_label("密码 Password").fill("staff-password-123")
    await page.get_by_role("button", name="登录 Sign in").click()
    await page.wait_for_selector("#home:not([hidden])")


async def test_worker_reaches_the_checkin_screen_of_their_activity(world, page):
    from tests.activities.conftest import publish

    activity = await publish(world, title="月湖清洁")
    await _sign_in_as_worker(page)
    row = page.locator("#activities tbody tr", has_text="月湖清洁")
    await row.get_by_role("link", name="现场签到 Check-in").click()
    await page.wait_for_url(f"**/checkin.html?activity={activity['id']}")
    await page.wait_for_selector("#qr[src]")


async def test_worker_approves_a_reported_deed_from_the_console(world, page):
    from datetime import UTC, datetime

    report = await world.resident.client.post(
        "/api/v1/deeds",
        json={
            "action": "zebra-crossing",
            "description": "在斑马线前礼让行人",
            "occurred_at": datetime.now(UTC).isoformat(),
            "evidence": [],
        },
    )
    assert report.status_code == 201, report.text
    await _sign_in_as_worker(page)
    row = page.locator("#deeds tbody tr", has_text="在斑马线前礼让行人")
    await row.get_by_role("button", name="通过 Approve").click()
    await page.wait_for_selector("#deeds-empty:not([hidden])")
    summary = (await world.resident.client.get("/api/v1/me/summary")).json()
    assert summary["actions"] == {"zebra-crossing": 1}
