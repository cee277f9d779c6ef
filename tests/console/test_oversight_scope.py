"""Oversight screens keep the domain's scope: a unit sees only itself, an evaluator only the
inspections assigned to them, staff only their community or district — every route taking
an id answers 404 outside it and changes nothing. Also: 390 px phones, markup shown as text,
and the import's per-row error report."""

from __future__ import annotations

import io
import re
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from openpyxl import Workbook

from tests.console import oversight_world as world
from tests.console.conftest import Live, screenshot, sign_in
from tests.security.console_session import live_console_client

FETCH = {"X-Console-Fetch": "1"}


def console_as(live: Live, username: str) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """A console session (cookie) for anyone, a unit's staff and evaluators included."""
    return live_console_client(live.base, username)


async def _unit_a_with_everything(
    live: Live, console_database: str, var_dir: Any
) -> dict[str, str]:
    """Shop A (c1): a failed inspection (assigned to an evaluator) with its task, a report,
    a black-list entry on last quarter's shop list; shop B (c1) with its own login."""
    from oversight.models import Inspection
    from oversight.rules import period_bounds, previous_period

    shop_a = await world.unit(live, "范围甲店", type="shop")
    shop_b = await world.unit(live, "范围乙店", type="shop")
    checklist = await live.call(
        "d1-admin",
        "POST",
        "/api/v1/oversight/checklists",
        json={
            "unit_type": "shop",
            "name": "商店门前三包",
            "pass_mark": 80,
            "items": [
                {"code": "chopsticks", "text": "门前整洁", "weight": 1, "max_score": 10},
                {"code": "hygiene", "text": "无占道经营", "weight": 1, "max_score": 10},
            ],
        },
    )
    assert checklist.status_code == 201, checklist.text
    failed = await world.inspected(live, shop_a["id"], checklist.json()["id"], 1)
    await world.inspected(live, shop_b["id"], checklist.json()["id"], 1)
    last_quarter = previous_period(datetime.now(UTC))
    async with world.database(console_database, var_dir):
        await Inspection.filter(id=failed).update(
            inspected_at=period_bounds(last_quarter)[0] + timedelta(days=3)
        )
    assigned_to = await world.evaluator(live)
    planned = await live.call(
        "c1-worker",
        "POST",
        "/api/v1/oversight/inspections",
        json={
            "unit": shop_a["id"],
            "checklist": checklist.json()["id"],
            "evaluator": await _staff_id(live, assigned_to),
        },
    )
    assert planned.status_code == 201, planned.text
    computed = await live.call(
        "d1-admin", "POST", "/api/v1/oversight/lists/compute", json={"period": last_quarter}
    )
    assert computed.status_code == 200, computed.text
    lists = await live.call("d1-admin", "GET", f"/api/v1/oversight/lists?period={last_quarter}")
    shop_list = next(i for i in lists.json()["items"] if i["unit_type"] == "shop")
    detail = await live.call("d1-admin", "GET", f"/api/v1/oversight/lists/{shop_list['id']}")
    entry = next(e for e in detail.json()["entries"] if e["unit_id"] == shop_a["id"])
    tasks = await live.call("c1-worker", "GET", f"/api/v1/oversight/tasks?unit={shop_a['id']}")
    found = await live.call("c1-worker", "GET", f"/api/v1/oversight/inspections/{failed}")
    return {
        "unit": shop_a["id"],
        "unit_b": shop_b["id"],
        "login_a": await world.unit_login(live, shop_a["id"]),
        "login_b": await world.unit_login(live, shop_b["id"]),
        "inspection": failed,
        "assigned": str(planned.json()["id"]),
        "evaluator": assigned_to,
        "task": str(tasks.json()["items"][0]["id"]),
        "photo": str(found.json()["results"][0]["photos"][0]),
        "report": await world.report(live, shop_a["id"], "范围测试：门口乱堆杂物"),
        "list": str(shop_list["id"]),
        "entry": str(entry["id"]),
    }


async def _staff_id(live: Live, username: str) -> str:
    staff = await live.call("d1-admin", "GET", "/api/v1/staff?limit=100")
    return str(next(s["id"] for s in staff.json()["items"] if s["username"] == username))


async def test_oversight_routes_with_ids_answer_404_outside_the_callers_scope(
    live, console_database, var_dir
):
    ids = await _unit_a_with_everything(live, console_database, var_dir)
    unit_reads = [
        f"/console/oversight/units/{ids['unit']}/record",
        f"/console/oversight/units/{ids['unit']}/record/export?format=csv",
        f"/console/oversight/inspections/{ids['inspection']}",
        f"/console/oversight/tasks/{ids['task']}",
    ]
    staff_writes = [
        (f"/console/oversight/reports/{ids['report']}/reject", {"reason": "越权"}),
        (f"/console/oversight/reports/{ids['report']}/confirm", {"instructions": "越权"}),
        (f"/console/oversight/inspections/{ids['inspection']}/reinspect", {}),
        (f"/console/oversight/tasks/{ids['task']}/review", {"decision": "return", "reason": "x"}),
    ]
    district_writes = [
        (f"/console/oversight/lists/{ids['list']}/notices", {}),
        (f"/console/oversight/entries/{ids['entry']}/withdrawal", {"reason": "越权"}),
    ]
    # Another community's worker, another district's administrator.
    for outsider in ("c2-worker", "d2-admin"):
        async with console_as(live, outsider) as client:
            for path in unit_reads:
                answer = await client.get(path, headers=FETCH)
                assert answer.status_code == 404, (outsider, path, answer.status_code)
            for path, form in staff_writes:
                answer = await client.post(path, data=form, headers=FETCH)
                assert answer.status_code == 404, (outsider, path, answer.status_code)
    async with console_as(live, "d2-admin") as client:
        answer = await client.get(f"/console/oversight/lists/{ids['list']}", headers=FETCH)
        assert answer.status_code == 404
        # An inspector's photo is for the staff of its district (the domain's rule).
        answer = await client.get(f"/console/oversight/photos/{ids['photo']}", headers=FETCH)
        assert answer.status_code == 404
        for path, form in district_writes:
            answer = await client.post(path, data=form, headers=FETCH)
            assert answer.status_code == 404, (path, answer.status_code)
    # Another unit's own staff.
    async with console_as(live, ids["login_b"]) as client:
        for path in [*unit_reads, f"/console/oversight/photos/{ids['photo']}"]:
            answer = await client.get(path, headers=FETCH)
            # A unit's staff read inspections through their record, not this screen (403).
            expected = 403 if "/inspections/" in path else 404
            assert answer.status_code == expected, ("unit B", path, answer.status_code)
        for path, form in (
            (f"/console/oversight/tasks/{ids['task']}/evidence", {"note": "越权"}),
            (f"/console/oversight/entries/{ids['entry']}/objection", {"statement": "越权"}),
            (f"/console/oversight/entries/{ids['entry']}/repair", {"statement": "越权"}),
        ):
            answer = await client.post(path, data=form, headers=FETCH)
            assert answer.status_code == 404, ("unit B", path, answer.status_code)
    # An evaluator not assigned to the inspection.
    stranger = await world.evaluator(live)
    async with console_as(live, stranger) as client:
        for path in (
            f"/console/oversight/inspections/{ids['inspection']}",
            f"/console/oversight/inspections/{ids['assigned']}",
        ):
            answer = await client.get(path, headers=FETCH)
            assert answer.status_code == 404, (path, answer.status_code)
        answer = await client.post(
            f"/console/oversight/inspections/{ids['assigned']}/record",
            data={"score-chopsticks": "10", "score-hygiene": "10", "lat": "29.8751"},
            headers=FETCH,
        )
        assert answer.status_code == 404
    # Nothing changed.
    task = await live.call("c1-worker", "GET", f"/api/v1/oversight/tasks/{ids['task']}")
    assert task.json()["status"] == "open"
    assigned = await live.call(
        "c1-worker", "GET", f"/api/v1/oversight/inspections/{ids['assigned']}"
    )
    assert assigned.json()["status"] == "assigned"
    report = await live.call("o-wang", "GET", f"/api/v1/oversight/reports/{ids['report']}")
    assert report.json()["status"] == "submitted"
    shop_list = await live.call("d1-admin", "GET", f"/api/v1/oversight/lists/{ids['list']}")
    assert shop_list.json()["status"] == "draft"
    assert all(e["removed"] is None for e in shop_list.json()["entries"])

    # The unit sees itself only: its page, its tasks; no report queue, no other unit.
    async with console_as(live, ids["login_a"]) as client:
        mine = await client.get("/console/oversight/my-unit")
        assert "范围甲店" in mine.text and "范围乙店" not in mine.text
        assert "范围测试：门口乱堆杂物" not in mine.text  # a report is never the unit's to read
        tasks = await client.get("/console/oversight/tasks")
        assert ids["task"] in tasks.text
        assert len(re.findall(r"data-task=", tasks.text)) == 1
        for path in ("/console/oversight/reports", "/console/oversight/units"):
            assert (await client.get(path)).status_code == 403
        own = await client.get(f"/console/oversight/units/{ids['unit']}/record")
        assert own.status_code == 200 and "c1-worker" not in own.text  # no actor for the unit

    # The assigned evaluator sees their inspection only.
    async with console_as(live, ids["evaluator"]) as client:
        listed = await client.get("/console/oversight/inspections")
        assert ids["assigned"] in listed.text
        recorded = await client.get("/console/oversight/inspections?status=recorded")
        assert ids["inspection"] not in recorded.text  # recorded by someone else
        # Their own tasks, under their own heading; planning is the district's, not theirs.
        assert "<h1>我的测评任务</h1>" in listed.text and "安排测评" not in listed.text
        assert (
            await client.get(f"/console/oversight/inspections/{ids['assigned']}")
        ).status_code == 200
        for path in ("/console/oversight/tasks", "/console/oversight/reports"):
            assert (await client.get(path)).status_code == 403
    async with console_as(live, stranger) as client:
        listed = await client.get("/console/oversight/inspections")
        assert ids["assigned"] not in listed.text
    # The community's worker reads its places' inspections and plans them.
    async with console_as(live, "c1-worker") as client:
        listed = await client.get("/console/oversight/inspections")
        recorded = await client.get("/console/oversight/inspections?status=recorded")
        assert ids["assigned"] in listed.text and ids["inspection"] in recorded.text
        assert "<h1>测评</h1>" in listed.text and "安排测评" in listed.text


async def test_oversight_pages_have_no_horizontal_scroll_on_a_390px_phone(browser, live):
    shop = await world.unit(live, "手机上看的单位，名字很长很长很长很长很长很长很长很长很长很长")
    await world.report(live, shop["id"], "很长的描述" * 30)
    context = await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    try:
        page = await context.new_page()
        await sign_in(page, "d1-admin")
        for path in (
            "/console/oversight/reports",
            "/console/oversight/units",
            "/console/oversight/checklists",
            "/console/oversight/inspections",
            "/console/oversight/tasks",
            "/console/oversight/lists",
            "/console/oversight/dashboard",
            f"/console/oversight/units/{shop['id']}/record",
        ):
            await page.goto(path)
            width = await page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert width[0] <= width[1], f"{path} scrolls sideways: {width}"
        await page.goto("/console/oversight/units")
        await screenshot(page, "oversight-units-390")
    finally:
        await context.close()


async def test_a_stored_unit_name_with_markup_shows_as_text(page, live, browser):
    name = "<img src=x onerror=alert(1)>"
    shop = await world.unit(live, name)
    login = await world.unit_login(live, shop["id"])
    await world.report(live, shop["id"], "标记测试")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await sign_in(page, "c1-worker")
    for path in (
        "/console/oversight/units",
        "/console/oversight/reports",
        f"/console/oversight/units/{shop['id']}/record",
    ):
        await page.goto(path)
        assert name in await page.locator("main").inner_text(), path
        assert await page.locator("main img[src=x]").count() == 0
    unit_context = await browser.new_context(base_url=live.base, locale="zh-CN")
    try:
        unit_page = await unit_context.new_page()
        unit_page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        await world.sign_in_as_partner(unit_page, login, "/console/oversight/my-unit")
        assert await unit_page.locator("#unit-name").inner_text() == name
        assert await unit_page.locator("main img[src=x]").count() == 0
    finally:
        await unit_context.close()
    assert dialogs == []


async def test_an_import_with_bad_rows_lists_each_and_imports_nothing(page, live):
    good, bad = f"g-{world.short()}", f"b-{world.short()}"
    csv = (
        "code,name,type,community,address\n"
        f"{good},好店,shop,c1,一号\n"
        f"{bad},坏店,shop,no-such,二号\n"
        f"{bad}x,,shop,c1,三号\n"
    ).encode()
    await sign_in(page, "d1-admin")
    await page.goto("/console/oversight/units")
    await page.set_input_files(
        "input[name=file]", files=[{"name": "units.csv", "mimeType": "text/csv", "buffer": csv}]
    )
    await page.get_by_role("button", name="导入").click()
    report = page.locator("#import-errors")
    await report.wait_for()
    rows = await report.locator("tbody tr").all_inner_texts()
    assert any("3" in r and "社区编码" in r and "本区没有该社区" in r for r in rows), rows
    assert any("4" in r and "名称" in r for r in rows), rows
    await page.goto(f"/console/oversight/units?q={good}")
    assert await page.locator("#units-empty").count() == 1  # none of the file was imported

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["code", "name", "type", "community", "lat", "lng"])
    sheet.append([good, "好店", "shop", "c1", 29.87, 121.54])
    sheet.append([f"{good}2", "二号好店", "restaurant", "c2", None, None])
    data = io.BytesIO()
    book.save(data)
    await page.goto("/console/oversight/units")
    await page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "units.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": data.getvalue(),
            }
        ],
    )
    await page.get_by_role("button", name="导入").click()
    assert "已导入 2 个单位" in await page.locator("p.flash").inner_text()
    await page.goto(f"/console/oversight/units?q={good}")
    assert await page.locator("#units tbody tr").count() == 2


async def test_the_units_page_names_the_columns_and_its_template_imports_once_filled_in(page, live):
    """The administrator reads which columns are required, downloads the template, adds a
    unit under its example row and imports the file as it is."""
    from openpyxl import load_workbook

    await sign_in(page, "d1-admin")
    await page.goto("/console/oversight/units")
    said = await page.locator("#import-columns").inner_text()
    assert "必填列：代码、名称、类型、社区代码" in said
    assert "选填列：地址、纬度、经度、负责人、负责人电话" in said and "餐饮店" in said
    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="下载模板（XLSX）").click()
    download = await waiting.value
    assert download.suggested_filename == "单位导入模板.xlsx"
    book = load_workbook(io.BytesIO((await download.path()).read_bytes()))
    sheet = book.worksheets[0]
    code = f"t-{world.short()}"
    sheet["A2"] = f"{code}-1"  # the example row's code, made unique for this run
    sheet.append([code, "模板好店", "商店", "c2", "月湖路8号", None, None, "李店长", None])
    data = io.BytesIO()
    book.save(data)
    await page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "模板.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": data.getvalue(),
            }
        ],
    )
    await page.get_by_role("button", name="导入").click()
    assert "已导入 2 个单位" in await page.locator("p.flash").inner_text()
    await page.goto(f"/console/oversight/units?q={code}")
    assert await page.locator("#units tbody tr").count() == 2
    csv_link = page.get_by_role("link", name="CSV 文件")
    assert (
        await csv_link.get_attribute("href")
        == "/console/oversight/units/import-template?format=csv"
    )


async def test_a_reports_place_reads_as_a_unit_a_landmark_or_coordinates_with_a_map(page, live):
    """A report about a unit shows the unit's address; one at a place names the nearest unit
    within 200 m; one far from every unit shows its coordinates in words; both link a map."""
    spot = {"lat": 29.9123, "lng": 121.6123}  # away from the other tests' units
    landmark = await world.unit(
        live, "街角书店", address="解放北路88号", lat=spot["lat"] + 0.0005, lng=spot["lng"]
    )
    about = await world.report(live, landmark["id"], "书店门口共享单车乱停")
    made = []
    for lat, lng, description in (
        (spot["lat"], spot["lng"], "路口垃圾桶满溢"),
        (29.9500, 121.6500, "河边有人乱扔垃圾"),
    ):
        answer = await live.call(
            "o-wang",
            "POST",
            "/api/v1/oversight/reports",
            json={
                "category": "litter",
                "description": description,
                "lat": lat,
                "lng": lng,
                "photos": [await world.photo(live, "o-wang")],
            },
        )
        assert answer.status_code == 201, answer.text
        made.append(answer.json()["id"])
    near, far = made

    await sign_in(page, "c1-worker")
    await page.goto("/console/oversight/reports")
    unit_place = page.locator(f"section[data-report='{about}'] .place")
    assert "解放北路88号" in await unit_place.inner_text()
    near_place = page.locator(f"section[data-report='{near}'] .place")
    text = await near_place.inner_text()
    assert "街角书店（解放北路88号）附近，约 60 米" in text, text
    assert "北纬 29.9123°，东经 121.6123°" in text
    far_place = page.locator(f"section[data-report='{far}'] .place")
    text = await far_place.inner_text()
    assert "附近" not in text and "北纬 29.9500°，东经 121.6500°" in text
    link = far_place.get_by_role("link", name="在地图上查看")
    href = await link.get_attribute("href")
    assert href is not None and href.startswith("https://uri.amap.com/marker?position=121.650000")
    assert await link.get_attribute("rel") == "noopener noreferrer"
    main = await page.locator("main").inner_text()
    assert "29.95, 121.65" not in main and "29.9123, 121.6123" not in main  # no raw pairs
