"""A community worker's day in Chromium: the check-in screen, attendance, deeds, attesting,
corrections and handing a reward over; and what a worker of another community sees."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from activities.checkin import qr_png
from tests.console.conftest import Live, screenshot, sign_in
from tests.console.test_console import NEARBY, publish


async def _backfilled(live: Live, activity_id: str, resident: str, hours: float) -> str:
    """A back-filled attendance of `hours`, waiting for review (through the API)."""
    activity = (await live.call("c1-worker", "GET", f"/api/v1/activities/{activity_id}")).json()
    start = datetime.fromisoformat(activity["starts_at"])
    answer = await live.call(
        "c1-worker",
        "POST",
        f"/api/v1/activities/{activity_id}/attendances",
        json={
            "resident": live.ids[resident],
            "checked_in_at": start.isoformat(),
            "checked_out_at": (start + timedelta(hours=hours)).isoformat(),
            "note": "纸质签到表补录",
        },
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


# From ten days back: the tests' other past records (test_back_office's, three days back at
# 01:00 UTC) fall on days of their own, whatever the hour the suite runs at.
_days_ago = iter(range(10, 1000))


async def open_checkin_screen(page, activity_id: str) -> None:
    """Opens the check-in screen from the console (its own credential, this browser still
    signed in)."""
    await page.goto(f"/console/activities/{activity_id}/checkin")
    await page.get_by_role("button", name="打开签到屏", exact=True).click()
    await page.wait_for_url(f"**/console/screen/{activity_id}")


async def _past_activity(live: Live, title: str, hours: int = 3) -> dict[str, object]:
    """An activity over already, on a day of its own (a resident's stays never overlap)."""
    now = datetime.now(UTC) - timedelta(days=next(_days_ago))
    return await publish(
        live,
        title=title,
        starts_at=(now - timedelta(hours=hours + 2)).isoformat(),
        ends_at=(now - timedelta(hours=2)).isoformat(),
    )


async def test_checkin_screen_keeps_rotating_past_the_access_token_lifetime(page, live):
    """The service's access tokens live 60 s here; the screen still rotates after that, and a
    resident who checks in through the API appears on it by name."""
    activity = await publish(live, title="长时间签到")
    await live.call("o-wang", "POST", f"/api/v1/activities/{activity['id']}/enrollments")
    await sign_in(page, "c1-worker")
    await open_checkin_screen(page, activity["id"])
    qr = page.locator("#qr")
    await qr.wait_for()
    codes = [await qr.get_attribute("src")]
    started = time.monotonic()
    changed_at = 0.0
    while changed_at < 61 and time.monotonic() - started < 100:  # past the 60-second token
        await asyncio.sleep(1)
        current = await qr.get_attribute("src")
        if current != codes[-1]:
            codes.append(current)
            changed_at = time.monotonic() - started
    assert changed_at >= 61, f"the code stopped rotating after {len(codes)} codes"
    # A code lives 30 to 60 s and the screen polls at most 15 s apart, so a code of a new
    # window reaches the screen 0-15 s after the window opens: in 61 s the screen shows at
    # least two new codes (three when the windows fall so).
    assert len(codes) >= 3, f"only {len(codes)} codes in {changed_at:.0f} s"
    assert await qr.is_visible()
    token = (
        await live.call("c1-worker", "GET", f"/api/v1/activities/{activity['id']}/checkin-code")
    ).json()["token"]
    checked_in = await live.call(
        "o-wang",
        "POST",
        f"/api/v1/activities/{activity['id']}/check-in",
        json={"token": token, **NEARBY},
    )
    assert checked_in.status_code == 201, checked_in.text
    await page.locator("#arrivals li", has_text="小王").wait_for(timeout=30_000)
    assert await page.locator("#arrived-count").inner_text() == "1"
    await screenshot(page, "checkin-screen")


async def test_checkin_screen_says_when_the_activity_is_over_and_shows_no_code(page, live):
    now = datetime.now(UTC) - timedelta(days=next(_days_ago))
    just_over = await publish(
        live,
        title="刚刚结束的活动",
        starts_at=(datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        ends_at=(datetime.now(UTC) - timedelta(minutes=2)).isoformat(),
    )
    await sign_in(page, "c1-worker")
    await open_checkin_screen(page, just_over["id"])
    await page.locator("#qr-state", has_text="活动已结束").wait_for()
    assert await page.locator("#qr").is_hidden()
    assert await page.locator("#qr-gone").is_visible()
    # Long over (past the screen's grace): nothing to open.
    long_over = await publish(
        live,
        title="早已结束的活动",
        starts_at=(now - timedelta(hours=3)).isoformat(),
        ends_at=(now - timedelta(hours=2)).isoformat(),
    )
    await page.goto(f"/console/activities/{long_over['id']}/checkin")
    assert "活动已结束" in await page.locator("main").inner_text()
    assert await page.get_by_role("button", name="打开签到屏").count() == 0


async def test_checkin_screen_hides_the_code_when_offline(page, context, live):
    activity = await publish(live, title="断网测试")
    await sign_in(page, "c1-worker")
    await page.clock.install()
    await open_checkin_screen(page, activity["id"])
    await page.locator("#qr").wait_for()
    await context.set_offline(True)
    await page.clock.run_for(70_000)  # the code's minute runs out while the network is down
    await page.locator("#qr").wait_for(state="hidden")
    await page.locator("#qr-state", has_text="网络中断").wait_for()
    await context.set_offline(False)
    for _ in range(20):
        await page.clock.run_for(5_000)
        await asyncio.sleep(0.5)  # the fetch itself takes real time
        if await page.locator("#qr").is_visible():
            break
    assert await page.locator("#qr").is_visible()


async def test_worker_approves_an_attendance_with_changed_hours(page, live):
    activity = await _past_activity(live, "改时长的活动")
    attendance_id = await _backfilled(live, str(activity["id"]), "o-li", 3)
    await sign_in(page, "c1-worker")
    await page.goto(f"/console/activities/{activity['id']}")
    row = page.locator(f"tr[data-attendance='{attendance_id}']")
    assert "李阿姨" in await row.inner_text()
    assert "由工作人员补录" in await row.inner_text()  # the flag, in words
    approve = row.locator("form").first
    await approve.get_by_label("时长（小时）").fill("2.5")
    await approve.get_by_label("修改时长的原因").fill("提前离开半小时")
    await approve.get_by_role("button", name="通过").click()
    await page.wait_for_selector(".flash")
    row = page.locator(f"tr[data-attendance='{attendance_id}']")
    assert "已核实" in await row.inner_text() and "2.5" in await row.inner_text()
    records = await live.call("o-li", "GET", "/api/v1/me/service-records")
    assert [r["hours"] for r in records.json()["items"] if r["activity"] == activity["id"]] == [2.5]


async def test_worker_rejects_an_attendance_with_a_reason(page, live):
    activity = await _past_activity(live, "驳回的活动")
    attendance_id = await _backfilled(live, str(activity["id"]), "o-chen", 2)
    await sign_in(page, "c1-worker")
    await page.goto(f"/console/activities/{activity['id']}")
    reject = page.locator(f"tr[data-attendance='{attendance_id}'] form").nth(1)
    await reject.get_by_label("原因").fill("当天未到场")
    await reject.get_by_role("button", name="驳回").click()
    await page.wait_for_selector(".flash")
    row = page.locator(f"tr[data-attendance='{attendance_id}']")
    assert "已驳回" in await row.inner_text() and "当天未到场" in await row.inner_text()


async def test_worker_backfills_an_attendance_by_searching_the_resident(page, live):
    activity = await _past_activity(live, "补录的活动")
    await sign_in(page, "c1-worker")
    await page.goto(f"/console/activities/{activity['id']}")
    await page.get_by_label("查找居民（昵称或手机号）").fill("陈")
    await page.get_by_role("button", name="搜索").click()
    await page.wait_for_url("**q=*")
    await page.locator("select[name=resident]").select_option(label="陈师傅")
    await page.get_by_label("补录原因").fill("忘记扫码")
    await page.get_by_role("button", name="补录", exact=True).click()
    await page.wait_for_selector(".flash")
    assert "陈师傅" in await page.locator("#attendance-table").inner_text()


async def test_worker_reviews_a_deed_with_its_photo_visible(page, live):
    upload = await live.call(
        "o-wang",
        "POST",
        "/api/v1/uploads",
        files={"file": ("photo.png", qr_png("证明照片"), "image/png")},
    )
    assert upload.status_code == 201, upload.text
    deed = await live.call(
        "o-wang",
        "POST",
        "/api/v1/deeds",
        json={
            "action": "zebra-crossing",
            "description": "在斑马线前礼让行人，有照片",
            "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "evidence": [upload.json()["id"]],
        },
    )
    assert deed.status_code == 201, deed.text
    await sign_in(page, "c1-worker")
    await page.goto("/console/deeds")
    card = page.locator(f"section[data-deed='{deed.json()['id']}']")
    assert "小王" in await card.inner_text()
    photo = card.locator("img")
    await photo.wait_for()
    await photo.scroll_into_view_if_needed()  # a lazy image loads once it is near the view
    # Loaded and decoded (on a busy machine the page can be read before the image arrives);
    # bounded, as `decode()` of an image that never arrives stays pending for ever.
    decoded = """img => Promise.race([
        img.decode().then(() => img.naturalWidth, () => 0),
        new Promise(gave_up => setTimeout(() => gave_up(-1), 15000)),
    ])"""
    assert await photo.evaluate(decoded) > 0
    await screenshot(page, "deed-review")
    await card.get_by_role("button", name="通过").click()
    await page.wait_for_selector(".flash")
    mine = await live.call("o-wang", "GET", "/api/v1/deeds")
    assert {d["id"]: d["status"] for d in mine.json()["items"]}[deed.json()["id"]] == "approved"


async def test_worker_attests_a_deed_for_a_resident(page, live):
    await sign_in(page, "c1-worker")
    await page.goto("/console/deeds/attest")
    await page.get_by_label("查找居民（昵称或手机号）").fill("李")
    await page.get_by_role("button", name="搜索").click()
    await page.wait_for_url("**q=*")
    await page.locator("select[name=resident]").select_option(label="李阿姨")
    await page.get_by_label("文明行动").select_option("neighbourly-harmony")
    await page.get_by_label("事情经过").fill("帮助邻居搬运物资")
    await page.get_by_role("button", name="认定", exact=True).click()
    await page.wait_for_selector(".flash")
    assert "已认定" in await page.locator(".flash").inner_text()
    mine = await live.call("o-li", "GET", "/api/v1/deeds")
    attested = [d for d in mine.json()["items"] if d["description"] == "帮助邻居搬运物资"]
    assert [(d["mode"], d["status"]) for d in attested] == [("attest", "approved")]


async def test_worker_hands_a_reward_over_by_typing_the_pickup_code(page, live):
    activity = await _past_activity(live, "挣积分的活动")
    attendance_id = await _backfilled(live, str(activity["id"]), "o-wang", 3)
    approved = await live.call(
        "c1-worker",
        "POST",
        f"/api/v1/attendances/{attendance_id}/verify",
        json={"decision": "approve"},
    )
    assert approved.status_code == 200, approved.text
    reward = await live.call(
        "d1-admin",
        "POST",
        "/api/v1/rewards",
        json={"title": "环保袋", "cost": 5, "stock": 3},
    )
    assert reward.status_code == 201, reward.text
    redemption = await live.call(
        "o-wang", "POST", f"/api/v1/rewards/{reward.json()['id']}/redemptions"
    )
    assert redemption.status_code == 201, redemption.text
    await sign_in(page, "c1-worker")
    await page.goto("/console/handover")
    assert "环保袋" in await page.locator("#holds").inner_text()
    await page.get_by_label("领取码").fill(redemption.json()["code"])
    await page.get_by_role("button", name="确认发放").click()
    await page.wait_for_selector(".flash")
    assert "环保袋" in await page.locator(".flash").inner_text()
    assert "小王" in await page.locator(".flash").inner_text()
    mine = await live.call("o-wang", "GET", "/api/v1/me/redemptions")
    assert mine.json()["items"][0]["status"] == "fulfilled"


async def test_worker_decides_a_correction(page, live):
    activity = await _past_activity(live, "漏记的活动")
    asked = await live.call(
        "o-chen",
        "POST",
        "/api/v1/me/corrections",
        json={"activity": activity["id"], "hours": 2, "reason": "我参加了但没有记录"},
    )
    assert asked.status_code == 201, asked.text
    await sign_in(page, "c1-worker")
    await page.goto("/console/corrections")
    row = page.locator("#corrections tr", has_text="我参加了但没有记录")
    assert "陈师傅" in await row.inner_text() and "漏记的活动" in await row.inner_text()
    await row.get_by_label("原因").fill("有签到表为证")
    await row.get_by_role("button", name="提交").click()
    await page.wait_for_selector(".flash")
    row = page.locator("#corrections tr", has_text="我参加了但没有记录")
    assert "已采纳" in await row.inner_text()


async def test_a_worker_of_another_community_gets_nothing_of_this_one(page, live):
    activity = await publish(live, title="一社区的活动")
    attendance_id = await _backfilled(
        live, str((await _past_activity(live, "一社区的过去活动"))["id"]), "o-li", 1
    )
    await sign_in(page, "c2-worker")
    await page.goto("/console/activities")
    assert "一社区的活动" not in await page.locator("main").inner_text()
    for path in (
        f"/console/activities/{activity['id']}",
        f"/console/activities/{activity['id']}/checkin",
        f"/console/activities/{activity['id']}/edit",
    ):
        answer = await page.goto(path)
        assert answer is not None and answer.status == 404, path
    code = await page.request.get(f"/console/screen/{activity['id']}/code")
    assert code.status == 403
    await page.goto("/console/deeds?status=approved")
    assert "小王" not in await page.locator("main").inner_text()
    await page.goto("/console/deeds/attest?q=李")
    assert "李阿姨" not in await page.locator("select[name=resident]").inner_text()
    # A forged decision on another community's attendance is refused and changes nothing.
    await page.goto("/console/")
    csrf = await page.locator("input[name=csrf]").first.get_attribute("value")
    forged = await page.request.post(
        f"/console/attendances/{attendance_id}/verify",
        form={"csrf": csrf or "", "decision": "reject", "reason": "越权"},
        headers={"X-Console-Fetch": "1"},
    )
    assert forged.status == 404


async def test_worker_finds_a_resident_by_the_last_digits_of_their_masked_phone(page, live):
    given = await live.call("o-chen", "POST", "/api/v1/me/phone", json={"code": "dev-13912345678"})
    assert given.status_code == 200, given.text
    await sign_in(page, "c1-worker")
    await page.goto("/console/deeds/attest")
    await page.get_by_label("查找居民（昵称或手机号）").fill("5678")
    await page.get_by_role("button", name="搜索").click()
    await page.wait_for_url("**q=5678*")
    options = await page.locator("select[name=resident] option").all_inner_texts()
    assert options == ["陈师傅 · 139****5678"]
    assert "13912345678" not in await page.content()
    await page.locator("select[name=resident]").select_option(label="陈师傅 · 139****5678")
    await page.get_by_label("文明行动").select_option("neighbourly-harmony")
    await page.get_by_label("事情经过").fill("帮邻居修好了自行车")
    await page.get_by_role("button", name="认定", exact=True).click()
    await page.wait_for_selector(".flash")
    assert "已认定" in await page.locator(".flash").inner_text()

    # A worker of another community does not find them.
    await page.get_by_role("button", name="退出登录").click()
    await sign_in(page, "c2-worker")
    await page.goto("/console/deeds/attest?q=5678")
    assert await page.locator("select[name=resident] option").all_inner_texts() == ["未找到居民"]
