"""Hand-over by scanning the pickup code with the device camera, in Chromium with a fake
camera whose every frame shows the code as a QR (the vendored jsQR decoder reads it: Linux
Chromium has no BarcodeDetector)."""

from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image

from tests.console.conftest import CHROMIUM_FLAGS, Live, chromium_path, screenshot, sign_in
from tests.console.test_worker_day import _backfilled, _past_activity

WIDTH, HEIGHT = 640, 480


def camera_showing(text: str, path: Path) -> Path:
    """A Y4M video (what Chromium's fake camera plays) of a QR code of `text` on white."""
    code = qrcode.make(text, box_size=10, border=4).get_image().convert("L")
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(3):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path


async def _held_redemption(live: Live) -> str:
    """A reward held for 小王 (o-wang), who earned the credits: its pickup code."""
    activity = await _past_activity(live, "扫码领奖前的活动")
    attendance_id = await _backfilled(live, str(activity["id"]), "o-wang", 3)
    approved = await live.call(
        "c1-worker", "POST", f"/api/v1/attendances/{attendance_id}/verify",
        json={"decision": "approve"},
    )  # fmt: skip
    assert approved.status_code == 200, approved.text
    reward = await live.call(
        "d1-admin", "POST", "/api/v1/rewards", json={"title": "扫码纪念品", "cost": 5, "stock": 2}
    )
    assert reward.status_code == 201, reward.text
    held = await live.call("o-wang", "POST", f"/api/v1/rewards/{reward.json()['id']}/redemptions")
    assert held.status_code == 201, held.text
    return str(held.json()["code"])


async def test_worker_hands_a_reward_over_by_scanning_its_code_with_the_camera(live, tmp_path):
    from playwright.async_api import async_playwright

    code = await _held_redemption(live)
    video = camera_showing(code, tmp_path / "pickup-code.y4m")
    flags = [
        *CHROMIUM_FLAGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=flags, headless=True
        )
        try:
            context = await browser.new_context(
                base_url=live.base, locale="zh-CN", viewport={"width": 390, "height": 844}
            )
            page = await context.new_page()
            page.set_default_timeout(20_000)
            await sign_in(page, "c1-worker")
            await page.goto("/console/handover")
            assert "扫码纪念品" in await page.locator("#holds").inner_text()
            assert not await page.evaluate("'BarcodeDetector' in window")  # jsQR does the work
            await page.get_by_role("button", name="扫码").click()
            await page.wait_for_selector(".flash")
            await screenshot(page, "handover-scanned")
            flash = await page.locator(".flash").inner_text()
            assert "扫码纪念品" in flash and "小王" in flash
        finally:
            await browser.close()
    mine = await live.call("o-wang", "GET", "/api/v1/me/redemptions")
    by_code = {r["code"]: r["status"] for r in mine.json()["items"]}
    assert by_code[code] == "fulfilled"
