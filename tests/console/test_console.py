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
    await page.wait_for_function("document.querySelector('#login-error').textContent.length > 0")
    assert "wrong" in (await error.inner_text()).lower()
    assert await page.locator("#home").is_hidden()
