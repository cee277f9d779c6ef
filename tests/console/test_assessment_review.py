"""The community's review of a household's moral assessment, on a phone (390 px), on the demo
district as `make run` seeds it: the quarter's households and their status, the review item by
item (a deduction refused without its reason), publication, the household's objection with its
photo (shown to the worker deciding it, who can open it) and its decision; axe finds no WCAG 2.2
A/AA violation on either page."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.console import oversight_world as world
from tests.console.conftest import PASSWORD, screenshot, serve, sign_in
from tests.console.test_accessibility import _violations

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
async def demo(
    cluster: Any, template_database: str, tmp_path_factory: Any, var_dir: Path
) -> AsyncIterator[str]:
    """A database of its own seeded by `seed-demo`, and the service on it: its base URL."""
    from app.demo import seed

    if cluster is None:
        path = tmp_path_factory.mktemp("assessment") / "demo.sqlite3"
        shutil.copyfile(template_database, path)
        url = f"sqlite://{path}"
    else:
        name = f"civility_assessment_{os.getpid()}"
        cluster.create_database(name, template=template_database)
        url = str(cluster.url(name))
    async with world.database(url, var_dir):
        await seed(PASSWORD)
    async with serve(url, var_dir) as base:
        yield base


async def _fits(page: Any) -> None:
    width, client = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width <= client, f"{page.url} is {width}px wide at {client}px"


def _dashcam_frame() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 160, 60)).save(out, format="PNG")
    return out.getvalue()


async def _object(base: str, assessment_id: str) -> str:
    """小王 of 王家 objects in the mini-program, with a photo he uploads: its id."""
    async with httpx.AsyncClient(base_url=base) as client:
        login = await client.post("/api/v1/auth/wechat", json={"code": "dev-demo-resident-1"})
        assert login.status_code == 200, login.text
        signed = {"Authorization": f"Bearer {login.json()['access_token']}"}
        photo = await client.post(
            "/api/v1/oversight/photos",
            files={"file": ("dashcam.png", _dashcam_frame(), "image/png")},
            headers=signed,
        )
        assert photo.status_code == 201, photo.text
        objection = await client.post(
            f"/api/v1/assessments/{assessment_id}/objections",
            json={"statement": "那天是绿灯，有行车记录为证", "photos": [photo.json()["id"]]},
            headers=signed,
        )
        assert objection.status_code == 201, objection.text
        return str(photo.json()["id"])


async def test_a_worker_reviews_publishes_and_decides_an_objection_on_a_phone(browser, demo):
    context = await browser.new_context(base_url=demo, locale="zh-CN", viewport=PHONE)
    try:
        page = await context.new_page()
        page.set_default_timeout(15_000)
        await sign_in(page, "gulou-worker")
        await page.goto("/console/assessment")
        households = page.locator("#households")
        for name in ("王家", "周家", "吴家"):
            await households.get_by_role("link", name=name).wait_for()
        assert "评议中" in await households.inner_text()
        await _fits(page)
        assert await _violations(page, "/console/assessment") == []

        await households.get_by_role("link", name="王家").click()
        await page.wait_for_url("**/console/assessment/*")
        assessment_id = page.url.rsplit("/", 1)[1]
        assert await _violations(page, "/console/assessment/{id}") == []
        await page.set_viewport_size(PHONE)
        await page.get_by_label("文明出行（满分 8）").fill("6")
        await _fits(page)
        await page.get_by_role("button", name="保存审核评分").click()
        error = page.locator(".error-summary, .flash.error").first
        await error.wait_for()
        assert "扣分须写明理由" in await error.inner_text()

        await page.get_by_label("文明出行（满分 8）").fill("6")
        reasons = page.get_by_label("扣分理由")
        await reasons.nth(1).fill("电动车闯红灯一次")
        await page.get_by_role("button", name="保存审核评分").click()
        await page.locator("#assessment-score").wait_for()
        assert await page.locator("#assessment-score").inner_text() == "98"
        assert await page.locator("#assessment-status").inner_text() == "已审核，待公示"

        await page.get_by_role("button", name="公示评议结果").click()
        await page.get_by_text("公示中").first.wait_for()
        photo_id = await _object(demo, assessment_id)
        await page.reload()
        objection = page.locator("section.objection")
        assert "行车记录" in await objection.inner_text()
        shown = objection.get_by_role("img", name="异议照片 1")
        await shown.scroll_into_view_if_needed()  # the thumbnail loads lazily
        loaded = "img => img.decode().then(() => img.naturalWidth)"
        assert await shown.evaluate(loaded) == 640  # the worker's browser was served the image
        link = objection.get_by_role("link", name="异议照片 1")
        assert await link.get_attribute("href") == f"/console/oversight/photos/{photo_id}"
        opened = await page.request.get(f"/console/oversight/photos/{photo_id}")
        assert (opened.status, opened.headers["content-type"]) == (200, "image/png")
        await _fits(page)
        assert await _violations(page, "/console/assessment/{id} with an objection") == []
        await page.set_viewport_size(PHONE)
        await objection.get_by_label("原因").fill("核实监控，确有闯红灯")
        await objection.get_by_role("button", name="维持原评").click()
        await page.locator("section.objection .decision").wait_for()
        assert await page.locator("section.objection .decision").inner_text() == "维持原评"
        await _fits(page)
        await screenshot(page, "assessment-review")
    finally:
        await context.close()
