"""axe-core over every console page template, in Chromium, as a community worker, a district
administrator, a unit's staff and a visitor (not signed in), 1280 and 390 px wide: no WCAG 2.2
A/AA violation. One page per template (and the states a template adds: a refused form, the
login page after a timeout), with rows in its tables, not every row. And the focus ring on
the red header, which axe does not measure."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from axe_playwright_python.async_playwright import Axe

from tests.console import oversight_world as world
from tests.console.conftest import PASSWORD, Live, sign_in
from tests.console.test_console import publish
from tests.console.test_worker_day import _backfilled, _past_activity

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Beyond WCAG's tags (axe files them as best practice), what the console promises too: every
# table header has a name (an action column's visually hidden) and every page a <main>.
ALSO = {"empty-table-header": {"enabled": True}, "landmark-one-main": {"enabled": True}}
WIDTHS = (1280, 390)
AXE = Axe()

# Each role's pages, one per template it can open; `{…}` from the things made below.
STAFF_PAGES = [
    "/console/",
    "/console/activities",
    "/console/activities/new",
    "/console/activities/{past}",
    "/console/activities/{upcoming}/checkin",
    "/console/deeds",
    "/console/deeds/attest?q=陈",
    "/console/corrections",
    "/console/handover",
    "/console/rewards",
    "/console/households",
    "/console/dashboard",
    "/console/exports",
    "/console/sessions",
    "/console/oversight/reports",
    "/console/oversight/units",
    "/console/oversight/checklists",
    "/console/oversight/inspections",
    "/console/oversight/inspections/{inspection}",
    "/console/oversight/tasks",
    "/console/oversight/tasks/{task}",
    "/console/oversight/lists",
    "/console/oversight/lists/{list}",
    "/console/oversight/lists/preview",
    "/console/oversight/units/{unit}/record",
    "/console/oversight/dashboard",
]
PAGES = {
    "c1-worker": [*STAFF_PAGES, "/console/settings"],  # the last: refused, in words
    "d1-admin": [
        *STAFF_PAGES,
        "/console/settings",
        "/console/staff",
        "/console/badges",
        "/console/honour-roll",
        "/console/jobs",
    ],
    "unit": [
        "/console/oversight/my-unit",
        "/console/oversight/tasks",
        "/console/oversight/tasks/{task}",
        "/console/oversight/units/{unit}/record",
        "/console/sessions",
        "/console/activities",  # refused, in words
    ],
    "visitor": [
        "/console/login",
        "/console/login?next=%2Fconsole%2Fdeeds&ended=timeout",
        "/public/oversight/d1",
    ],
}


@pytest.fixture(scope="module")
async def things(live: Live, console_database: str, var_dir: Any) -> dict[str, str]:
    """An activity to come, a past one with an attendance, a deed and a correction waiting, a
    reward; a unit with a login, a failed inspection and its task, a report to triage, and a
    published list of the quarter before last."""
    from oversight.models import Inspection, UnitList
    from oversight.rules import period_bounds, previous_period

    later = datetime.now(UTC) + timedelta(days=30)
    upcoming = await publish(
        live,
        title="无障碍检查的活动",
        starts_at=later.isoformat(),
        ends_at=(later + timedelta(hours=2)).isoformat(),
    )
    past = await _past_activity(live, "无障碍检查的过去活动")
    await _backfilled(live, str(past["id"]), "o-chen", 2)
    deed = await live.call(
        "o-chen",
        "POST",
        "/api/v1/deeds",
        json={
            "action": "zebra-crossing",
            "description": "无障碍检查的申报",
            "occurred_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        },
    )
    assert deed.status_code == 201, deed.text
    await live.call(
        "o-chen",
        "POST",
        "/api/v1/me/corrections",
        json={"activity": str(past["id"]), "hours": 3, "reason": "漏记了一小时"},
    )
    await live.call(
        "c1-worker", "POST", "/api/v1/rewards", json={"title": "无障碍水杯", "cost": 1, "stock": 3}
    )

    shop = await world.unit(live, "无障碍检查饭店")
    login = await world.unit_login(live, shop["id"])
    checklist = await world.checklist(live)
    await world.report(live, shop["id"], "无障碍检查：门口堆放杂物")
    failed = await world.inspected(live, shop["id"], checklist["id"], 1)
    tasks = await live.call("c1-worker", "GET", f"/api/v1/oversight/tasks?unit={shop['id']}")
    task = tasks.json()["items"][0]["id"]
    # A quarter of its own (the walk's test uses the last one): the inspection moved into it.
    quarter = previous_period(period_bounds(previous_period(datetime.now(UTC)))[0])
    start, _end = period_bounds(quarter)
    async with world.database(console_database, var_dir):
        await Inspection.filter(id=failed).update(inspected_at=start + timedelta(days=10))
    computed = await live.call(
        "d1-admin", "POST", "/api/v1/oversight/lists/compute", json={"period": quarter}
    )
    assert computed.status_code in (200, 201), computed.text
    lists = await live.call("d1-admin", "GET", f"/api/v1/oversight/lists?period={quarter}")
    drawn = next(item for item in lists.json()["items"] if item["unit_type"] == "restaurant")
    if drawn["status"] != "published":  # a second module using the fixture finds it so
        noticed = await live.call(
            "d1-admin", "POST", f"/api/v1/oversight/lists/{drawn['id']}/notices"
        )
        assert noticed.status_code == 200, noticed.text
        async with world.database(console_database, var_dir):
            await UnitList.filter(id=drawn["id"]).update(
                objection_deadline=datetime.now(UTC) - timedelta(minutes=1)
            )
        published = await live.call(
            "d1-admin", "POST", f"/api/v1/oversight/lists/{drawn['id']}/publication"
        )
        assert published.status_code == 200, published.text
    return {
        "upcoming": str(upcoming["id"]),
        "past": str(past["id"]),
        "unit": str(shop["id"]),
        "unit_login": login,
        "inspection": failed,
        "task": str(task),
        "list": str(drawn["id"]),
    }


async def _violations(page: Any, path: str) -> list[str]:
    """axe's WCAG 2.2 A/AA violations of the page at each width, in words."""
    found = []
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 900})
        results = await AXE.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": TAGS},
                "rules": ALSO,
                "resultTypes": ["violations"],
            },
        )
        for violation in results.response["violations"]:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            found.append(f"{path} @{width}px: {violation['id']} ({violation['help']}) {targets}")
    return found


async def _walk(page: Any, role: str, things: dict[str, str]) -> list[str]:
    found = []
    for template in PAGES[role]:
        path = template.format(**things)
        answer = await page.goto(path)
        assert answer is not None and answer.status in (200, 403), (path, answer and answer.status)
        assert "/console/login" not in page.url or role == "visitor", path
        found += await _violations(page, path)
    return found


async def _context(browser: Any, live: Live) -> Any:
    return await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )


@pytest.mark.parametrize("role", ["c1-worker", "d1-admin"])
async def test_every_staff_page_passes_axe(browser, live, things, role):
    context = await _context(browser, live)
    try:
        page = await context.new_page()
        await sign_in(page, role)
        found = await _walk(page, role, things)
        # The states templates add: a form refused (summary, fields marked) and the
        # check-in screen itself (its own credential).
        await page.goto("/console/activities/new")
        await page.get_by_label("人数上限").fill("0")
        await page.locator("#activity-form").evaluate("form => form.noValidate = true")
        await page.get_by_role("button", name="发布").click()
        await page.locator("#form-summary").wait_for()
        found += await _violations(page, "/console/activities/new (refused)")
        await page.goto(f"/console/activities/{things['upcoming']}/checkin")
        await page.get_by_role("button", name="打开签到屏", exact=True).click()
        await page.wait_for_url(re.compile(r".*/console/screen/.*"))
        await page.locator("#qr-state").wait_for()
        found += await _violations(page, "/console/screen/{id}")
    finally:
        await context.close()
    assert found == []


async def test_every_page_of_a_units_staff_passes_axe(browser, live, things):
    context = await _context(browser, live)
    try:
        page = await context.new_page()
        await world.sign_in_as_partner(page, things["unit_login"], "/console/oversight/my-unit")
        found = await _walk(page, "unit", things)
    finally:
        await context.close()
    assert found == []


async def test_every_page_of_a_visitor_passes_axe(browser, live, things):
    context = await _context(browser, live)
    try:
        page = await context.new_page()
        found = await _walk(page, "visitor", things)
        # A wrong password, said in words.
        await page.goto("/console/login")
        await page.get_by_label("用户名").fill("nobody-of-this-city")
        await page.get_by_label("密码").fill(PASSWORD)
        await page.get_by_role("button", name="登录").click()
        await page.locator("#login-error").wait_for()
        found += await _violations(page, "/console/login (refused)")
    finally:
        await context.close()
    assert found == []


def _luminance(rgb: tuple[float, ...]) -> float:
    channels = [c / 255 for c in rgb[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(n) for n in re.findall(r"[\d.]+", css)[:3])


async def test_the_focus_ring_on_the_red_header_has_three_to_one_contrast(page, live):
    await sign_in(page, "c1-worker")
    header = await page.locator("header.top").evaluate("h => getComputedStyle(h).backgroundColor")
    checked = 0
    for _ in range(6):  # the skip link, the brand, the navigation's first links
        await page.keyboard.press("Tab")
        inside = await page.evaluate("document.activeElement.closest('header.top') !== null")
        if not inside:
            continue
        checked += 1
        ring = await page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; })()"
        )
        assert ring[0] != "none" and float(ring[1].removesuffix("px")) >= 2, ring
        lighter, darker = sorted((_luminance(_rgb(ring[2])), _luminance(_rgb(header))))[::-1]
        assert (lighter + 0.05) / (darker + 0.05) >= 3, (ring, header)
    assert checked >= 4
