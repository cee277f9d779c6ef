"""The red/black list rehearsed on the demo district, as a new administrator would on
`make run`: the previous period drafted from the demo's own inspections, its black-listed unit
told, its objection decided, the list published and the unit's credit repaired; and the
period under way previewed, marked provisional, writing nothing."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.console import oversight_world as world
from tests.console.conftest import PASSWORD, screenshot, serve, sign_in


@pytest.fixture(scope="module")
async def demo(
    cluster: Any, template_database: str, tmp_path_factory: Any, var_dir: Path
) -> AsyncIterator[tuple[str, str]]:
    """A database of its own seeded by `seed-demo` (as `make run` does, with the console
    tests' password), and the service on it: (base URL, database URL)."""
    from app.demo import seed

    if cluster is None:
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
        shutil.copyfile(template_database, path)
        url = f"sqlite://{path}"
    else:
        name = f"civility_demo_{os.getpid()}"
        cluster.create_database(name, template=template_database)
        url = str(cluster.url(name))
    async with world.database(url, var_dir):
        await seed(PASSWORD)
    async with serve(url, var_dir) as base:
        yield base, url


async def _flash(page: Any) -> str:
    return str(await page.locator("p.flash, div.flash").first.inner_text())


async def test_the_demo_rehearses_a_list_from_draft_to_credit_repair(browser, demo, var_dir):
    from kernel.localtime import period_name
    from oversight.models import UnitList
    from oversight.rules import previous_period

    base, url = demo
    admin_context = await browser.new_context(base_url=base, locale="zh-CN")
    unit_context = await browser.new_context(base_url=base, locale="zh-CN")
    try:
        page = await admin_context.new_page()
        unit_page = await unit_context.new_page()
        await sign_in(page, "haishu-admin")
        await page.goto("/console/oversight/lists")
        # The form offers the previous period, which the demo's inspections fall in.
        last = previous_period(datetime.now(UTC))
        assert await page.get_by_label("周期").input_value() == last
        await page.get_by_role("button", name="生成榜单").click()
        shown = period_name(last)  # the page names the period for people (2026年第三季度)
        assert shown in await _flash(page)
        row = page.locator("#lists tr", has_text=shown).filter(has_text="餐饮店")
        await row.get_by_role("link", name="打开").click()
        black = page.locator("#entries tr", has_text="老宁波饭店")
        assert "黑榜" in await black.inner_text()
        assert "红榜" in await page.locator("#entries tr", has_text="月湖小馆").inner_text()
        page.on("dialog", lambda dialog: dialog.accept())
        await page.get_by_role("button", name="通知上黑榜单位").click()
        assert "异议期开始" in await _flash(page)
        list_url = page.url

        # The demo's unit login objects.
        await world.sign_in_as_partner(unit_page, "laoningbo", "/console/oversight/my-unit")
        await unit_page.get_by_label("异议内容").fill("检查当天公筷已在消毒柜中")
        await unit_page.get_by_role("button", name="提出异议").click()
        assert "异议已提交" in await _flash(unit_page)

        # The administrator decides; the demo's window is a day, which the test lets pass.
        await page.goto(list_url)
        appeal = page.locator("section.appeal", has_text="老宁波饭店")
        await appeal.locator("select[name=decision]").select_option("uphold")
        await appeal.get_by_label("原因").fill("测评照片显示餐桌无公筷")
        await appeal.get_by_role("button", name="提交").click()
        assert "维持上榜" in await _flash(page)
        async with world.database(url, var_dir):
            await UnitList.filter(period=last, status="noticed").update(
                objection_deadline=datetime.now(UTC) - timedelta(minutes=1)
            )
        await page.get_by_role("button", name="公示榜单").click()
        assert "榜单已公示" in await _flash(page)
        public = await (await page.context.request.get("/public/oversight/haishu")).text()
        assert "老宁波饭店" in public and "月湖小馆" in public

        # Its rectification was closed by this period's re-inspection: it applies for repair.
        await unit_page.goto("/console/oversight/my-unit")
        await unit_page.get_by_label("本单位已整改的内容").fill("已为每桌配齐公筷公勺，复查通过")
        await unit_page.get_by_role("button", name="申请信用修复").click()
        assert "已提交" in await _flash(unit_page)

        await page.goto(list_url)
        repair = page.locator("section.appeal", has_text="已为每桌配齐公筷公勺")
        await repair.locator("select[name=decision]").select_option("grant")
        await repair.get_by_label("原因").fill("复查通过，准予信用修复")
        await repair.get_by_role("button", name="提交").click()
        assert "准予修复" in await _flash(page)
        assert "信用修复，已移出" in await black.inner_text()
        assert await page.locator("#publications tbody tr").count() == 2
        await screenshot(page, "list-rehearsal")
        public = await (await page.context.request.get("/public/oversight/haishu")).text()
        assert "老宁波饭店" not in public and "月湖小馆" in public
    finally:
        await admin_context.close()
        await unit_context.close()


async def test_the_period_under_way_is_previewed_as_provisional_and_nothing_is_kept(
    browser, demo, var_dir
):
    from kernel.localtime import period_name
    from oversight.models import ListEntry, UnitList, UnitScore
    from oversight.rules import period_of

    base, url = demo
    context = await browser.new_context(base_url=base, locale="zh-CN")
    try:
        page = await context.new_page()
        await sign_in(page, "haishu-admin")
        await page.goto("/console/oversight/lists")
        current = period_of(datetime.now(UTC))
        async with world.database(url, var_dir):
            before = (
                await UnitScore.all().count(),
                await UnitList.all().count(),
                await ListEntry.all().count(),
            )
        name = f"预览本期（{period_name(current)}，尚未结束）"
        await page.get_by_role("link", name=name).click()
        assert "预览 · 未结束" in await page.locator("#preview-mark").inner_text()
        assert "不保存、不通知任何单位、不公布" in await page.locator("#preview-note").inner_text()
        shown = await page.locator("main").inner_text()
        # This period: 老宁波饭店 passed its re-inspection (red); the market failed an item
        # but scored above the black mark (on no list).
        assert "红榜" in await page.locator("tr", has_text="老宁波饭店").inner_text()
        assert "农贸市场" in shown and "鼓楼农贸市场" not in shown
        await page.goto("/console/oversight/lists")
        listed = await page.locator("main table, #lists-empty").first.inner_text()
        assert period_name(current) not in listed
        async with world.database(url, var_dir):
            after = (
                await UnitScore.all().count(),
                await UnitList.all().count(),
                await ListEntry.all().count(),
            )
        assert after == before
    finally:
        await context.close()
