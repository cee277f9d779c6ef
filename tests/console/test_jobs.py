"""The jobs page of a district administrator: their district's jobs, run for their district
only, in Chromium."""

from __future__ import annotations

from tests.console.conftest import Live, screenshot, sign_in


async def test_district_admin_runs_the_dashboards_job_for_their_district_only(page, live: Live):
    await sign_in(page, "d1-admin")
    await page.get_by_role("link", name="定时任务").click()
    jobs = page.locator("#jobs")
    assert "汇总数据看板" in await jobs.inner_text()
    assert "封存账本" not in await jobs.inner_text()  # a city-wide job is not theirs to run
    row = jobs.locator("tr", has_text="汇总数据看板")
    await row.get_by_role("button", name="为本区立即运行").click()
    await page.wait_for_selector(".flash")
    assert "汇总数据看板：成功" in await page.locator(".flash").inner_text()
    runs = page.locator("#runs")
    assert "区级管理员" in await runs.locator("tbody tr").first.inner_text()
    await screenshot(page, "jobs-district")

    # Another district's administrator does not see d1's run, and runs their own.
    await page.get_by_role("button", name="退出登录").click()
    await sign_in(page, "d2-admin")
    await page.goto("/console/jobs")
    assert "区级管理员" not in await page.locator("#runs").inner_text()


async def test_district_admin_cannot_run_a_city_wide_job(live: Live):
    import httpx

    async with httpx.AsyncClient(base_url=live.base) as client:
        await client.get("/console/login")
        answer = await client.post(
            "/console/login",
            data={
                "csrf": client.cookies["console_pre"],
                "username": "d1-admin",
                "password": "staff-password-123",
            },
        )
        assert answer.status_code == 303
        page = await client.get("/console/jobs")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        fetch = {"X-Console-Fetch": "1"}  # a problem answered with its status, not a redirect
        refused = await client.post(
            "/console/jobs/seal-ledger/run", data={"csrf": csrf}, headers=fetch
        )
        assert refused.status_code == 404
        allowed = await client.post(
            "/console/jobs/console-dashboards/run", data={"csrf": csrf}, headers=fetch
        )
        assert allowed.status_code == 303
