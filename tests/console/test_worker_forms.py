"""A worker's forms in Chromium (issue 20): a refused activity form keeps what was typed,
walk-ins, a back-fill while the activity runs, and hours that cannot count said in Chinese."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.console.conftest import sign_in
from tests.console.test_console import publish
from tests.console.test_worker_day import _backfilled, _past_activity


async def test_a_refused_new_activity_comes_back_with_everything_typed(page, live):
    await sign_in(page, "c1-worker")
    await page.goto("/console/activities/new")
    await page.get_by_label("标题").fill("时间填反的活动")
    await page.get_by_label("说明").fill("带上手套和垃圾袋")
    await page.get_by_label("文明行动").select_option(label="随手做志愿")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    await page.get_by_label("开始时间（北京时间）").fill(f"{tomorrow}T11:00")
    await page.get_by_label("结束时间（北京时间）").fill(f"{tomorrow}T09:00")
    await page.get_by_label("人数上限").fill("15")
    await page.locator("input[name=walk_ins]").check()
    await page.get_by_label("地址").fill("江厦公园东门")
    await page.get_by_label("纬度").fill("29.8666")
    await page.get_by_label("经度").fill("121.5555")
    await page.get_by_role("button", name="发布").click()
    summary = page.locator("#form-summary")
    await summary.wait_for()
    assert "/console/activities/new" in page.url
    assert await page.get_by_label("标题").input_value() == "时间填反的活动"
    assert await page.get_by_label("说明").input_value() == "带上手套和垃圾袋"
    assert await page.get_by_label("地址").input_value() == "江厦公园东门"
    assert await page.get_by_label("纬度").input_value() == "29.8666"
    assert await page.get_by_label("经度").input_value() == "121.5555"
    assert await page.get_by_label("人数上限").input_value() == "15"
    assert await page.get_by_label("开始时间（北京时间）").input_value() == f"{tomorrow}T11:00"
    assert await page.locator("input[name=walk_ins]").is_checked()
    action = page.get_by_label("文明行动")
    assert await action.evaluate("s => s.options[s.selectedIndex].text") == "随手做志愿"
    # Corrected, it is published with what was kept.
    await page.get_by_label("结束时间（北京时间）").fill(f"{tomorrow}T12:00")
    await page.get_by_role("button", name="发布").click()
    await page.wait_for_url("**/console/activities/*")
    assert "活动已发布" in await page.locator(".flash").inner_text()


async def test_a_worker_opens_an_activity_to_walk_ins(page, live):
    await sign_in(page, "c1-worker")
    await page.goto("/console/activities/new")
    await page.get_by_label("标题").fill("现场可参加的清扫")
    await page.get_by_label("社区").select_option(label="一社区")
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d")
    await page.get_by_label("开始时间（北京时间）").fill(f"{tomorrow}T09:00")
    await page.get_by_label("结束时间（北京时间）").fill(f"{tomorrow}T10:00")
    await page.get_by_label("纬度").fill("29.8601")
    await page.get_by_label("经度").fill("121.5488")
    await page.get_by_label("欢迎现场参加", exact=False).check()
    await page.get_by_role("button", name="发布").click()
    await page.wait_for_url("**/console/activities/*")
    assert "名额未满时欢迎现场参加" in await page.locator("dl").inner_text()
    activity_id = page.url.rsplit("/", 1)[1]
    found = await live.call("c1-worker", "GET", f"/api/v1/activities/{activity_id}")
    assert found.json()["walk_ins"] is True
    # Edited, it can be closed to walk-ins again.
    await page.goto(f"/console/activities/{activity_id}/edit")
    await page.get_by_label("欢迎现场参加", exact=False).uncheck()
    await page.get_by_role("button", name="保存").click()
    await page.wait_for_url(f"**/console/activities/{activity_id}")
    found = await live.call("c1-worker", "GET", f"/api/v1/activities/{activity_id}")
    assert found.json()["walk_ins"] is False


async def test_a_worker_back_fills_someone_still_on_site_during_the_activity(page, live):
    activity = await publish(
        live,
        title="进行中的补录",
        starts_at=(datetime.now(UTC) - timedelta(minutes=30)).isoformat(),
        ends_at=(datetime.now(UTC) + timedelta(hours=2)).isoformat(),
    )
    await sign_in(page, "c1-worker")
    await page.goto(f"/console/activities/{activity['id']}")
    await page.get_by_label("查找居民（昵称或手机号）").fill("李")
    await page.get_by_role("button", name="搜索").click()
    await page.wait_for_url("**q=*")
    await page.locator("select[name=resident]").select_option(label="李阿姨")
    await page.get_by_label("补录原因").fill("手机没电，仍在现场")
    # The defaults (arrived at the start, left now) are kept: the first click records it.
    await page.get_by_role("button", name="补录", exact=True).click()
    await page.wait_for_selector(".flash")
    assert await page.locator("#form-summary").count() == 0
    assert "李阿姨" in await page.locator("#attendance-table").inner_text()


async def test_a_one_minute_attendance_asks_for_the_hours_in_chinese(page, live):
    activity = await _past_activity(live, "一分钟的出勤")
    attendance_id = await _backfilled(live, str(activity["id"]), "o-wang", 1 / 60)
    await sign_in(page, "c1-worker")
    await page.goto(f"/console/activities/{activity['id']}")
    row = page.locator(f"tr[data-attendance='{attendance_id}']")
    assert "不足 0.1 小时" in await row.inner_text()
    approve = row.locator("form").first
    hours = approve.get_by_label("时长（小时）")
    assert await hours.input_value() == ""
    await approve.get_by_role("button", name="通过").click()
    # The browser asks for the hours (in the reader's language); nothing is sent.
    assert await hours.evaluate("e => !e.validity.valid")
    assert await page.locator("#form-summary").count() == 0
    await hours.fill("0.1")
    await approve.get_by_label("修改时长的原因").fill("到场后即离开")
    await approve.get_by_role("button", name="通过").click()
    await page.wait_for_selector(".flash")
    row = page.locator(f"tr[data-attendance='{attendance_id}']")
    assert "已核实" in await row.inner_text()
    text = await page.locator("main").inner_text()
    assert "greater than" not in text and "must be" not in text


async def test_more_hours_than_the_activity_lasts_is_refused_in_chinese(page, live):
    activity = await _past_activity(live, "三小时的活动", hours=3)
    attendance_id = await _backfilled(live, str(activity["id"]), "o-chen", 3)
    await sign_in(page, "c1-worker")
    await page.goto(f"/console/activities/{activity['id']}")
    approve = page.locator(f"tr[data-attendance='{attendance_id}'] form").first
    await approve.get_by_label("时长（小时）").fill("4")
    await approve.get_by_label("修改时长的原因").fill("提前到场布置")
    await approve.get_by_role("button", name="通过").click()
    summary = page.locator("#form-summary")
    await summary.wait_for()
    text = await summary.inner_text()
    assert "最多 3.0 小时" in text and "at most" not in text
    approve = page.locator(f"tr[data-attendance='{attendance_id}'] form").first
    assert await approve.get_by_label("时长（小时）").input_value() == "4"
