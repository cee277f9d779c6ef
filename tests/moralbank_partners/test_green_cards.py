"""The green card (道德绿卡): a district grants it to a moral model, the holder shows its QR, a
merchant scans it and sees a public page (valid or not, masked name, district, nothing more),
each scan is logged for the holder and the district, and the district suspends, reinstates or
revokes it with a reason."""

from __future__ import annotations

import io
import re

import httpx
from PIL import Image

from moralbank.partner_models import GreenCardScan


async def _grant(world, resident_id=None, reason="连续三个季度评为道德之星"):
    response = await world.district_admin.client.post(
        "/api/v1/green-cards", json={"resident": resident_id or world.resident.id, "reason": reason}
    )
    assert response.status_code == 201, response.text
    return response.json()


def _merchant(world) -> httpx.AsyncClient:
    """A merchant's phone: no login, another address."""
    transport = httpx.ASGITransport(app=world.app, client=("198.51.100.20", 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def _my_card(world):
    mine = await world.resident.client.get("/api/v1/me/green-cards")
    assert mine.status_code == 200, mine.text
    return mine.json()["items"][0]


def _path(link: str) -> str:
    return "/green-cards/" + link.rsplit("/green-cards/", 1)[1]


async def test_a_merchant_scanning_the_card_sees_valid_masked_name_and_district_only(world):
    real = await world.resident.client.post(
        "/api/v1/me/real-name", json={"name": "王小明", "id_number": "11010519491231002X"}
    )
    assert real.status_code == 200, real.text
    granted = await _grant(world)
    assert (granted["status"], granted["holder"]) == ("active", "王*明")
    inbox = (await world.resident.client.get("/api/v1/me/notifications")).json()["items"]
    assert [n["text"] for n in inbox if n["topic"] == "green_card_granted"] == [
        "您获得了道德绿卡：连续三个季度评为道德之星。向合作商家出示绿卡二维码，即可享受商家礼遇。"
    ]
    card = await _my_card(world)
    assert card["district"] == "一区" and card["status"] == "active"
    qr = await world.resident.client.get(card["qr_png_url"].split("testserver", 1)[-1])
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(qr.content)).size[0] > 100
    async with _merchant(world) as merchant:
        page = await merchant.get(_path(card["link"]))
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    text = page.text
    assert "道德绿卡" in text and "有效" in text and "王*明" in text and "一区" in text
    for secret in ("王小明", "1101", "002X", "居民甲", world.resident.id, "连续三个季度"):
        assert secret not in text
    visible = re.sub(r"<[^>]+>", " ", text).split()
    assert visible == ["道德绿卡", "道德绿卡", "有效", "持卡人", "王*明", "发卡单位", "一区"]


async def test_each_scan_is_logged_for_the_holder_and_the_district_only(world):
    card = await _grant(world)
    link = (await _my_card(world))["link"]
    async with _merchant(world) as merchant:
        for _ in range(2):
            assert (await merchant.get(_path(link))).status_code == 200
    for reader in (world.resident, world.district_admin):
        scans = await reader.client.get(f"/api/v1/green-cards/{card['id']}/scans")
        assert scans.status_code == 200, scans.text
        assert [s["shown_status"] for s in scans.json()["items"]] == ["active", "active"]
    neighbour = await world.new_resident("o-neighbour")
    assert (
        await neighbour.client.get(f"/api/v1/green-cards/{card['id']}/scans")
    ).status_code == 404
    assert (
        await world.worker.client.get(f"/api/v1/green-cards/{card['id']}/scans")
    ).status_code == 403
    assert (await neighbour.client.get("/api/v1/me/green-cards")).json()["items"] == []


async def test_a_suspended_card_shows_not_valid_until_reinstated_and_a_revoked_one_for_good(world):
    card = await _grant(world)
    link = (await _my_card(world))["link"]
    admin = world.district_admin.client

    async def verdict() -> str:
        async with _merchant(world) as merchant:
            page = await merchant.get(_path(link))
        assert page.status_code == 200
        found = re.search(r'data-valid="(\w+)"', page.text)
        assert found is not None
        return found.group(1)

    suspended = await admin.post(
        f"/api/v1/green-cards/{card['id']}/suspension", json={"reason": "正在核查一起投诉"}
    )
    assert suspended.status_code == 200, suspended.text
    assert (suspended.json()["status"], suspended.json()["status_reason"]) == (
        "suspended",
        "正在核查一起投诉",
    )
    assert await verdict() == "no"
    assert (await _my_card(world))["status_reason"] == "正在核查一起投诉"
    reinstated = await admin.post(
        f"/api/v1/green-cards/{card['id']}/reinstatement", json={"reason": "投诉不属实"}
    )
    assert reinstated.json()["status"] == "active"
    assert await verdict() == "yes"
    revoked = await admin.post(
        f"/api/v1/green-cards/{card['id']}/revocation", json={"reason": "违反村规民约"}
    )
    assert revoked.json()["status"] == "revoked"
    assert await verdict() == "no"
    again = await admin.post(
        f"/api/v1/green-cards/{card['id']}/reinstatement", json={"reason": "误操作"}
    )
    assert again.status_code == 409
    assert again.json()["detail"] == "该道德绿卡当前状态为：已撤销。"
    scans = await world.resident.client.get(f"/api/v1/green-cards/{card['id']}/scans")
    assert [s["shown_status"] for s in scans.json()["items"]] == ["revoked", "active", "suspended"]
    assert (await _grant(world, reason="整改后重新评定"))["status"] == "active"


async def test_one_card_at_a_time_and_only_for_residents_of_the_district(world):
    await _grant(world)
    twice = await world.district_admin.client.post(
        "/api/v1/green-cards", json={"resident": world.resident.id, "reason": "再发一张"}
    )
    assert twice.status_code == 409 and twice.json()["code"] == "green_card_held"
    stranger = await world.district_admin.client.post(
        "/api/v1/green-cards", json={"resident": world.other_resident.id, "reason": "外区"}
    )
    assert stranger.status_code == 422 and stranger.json()["code"] == "unknown_resident"
    assert "本区没有居民" in stranger.json()["detail"]
    by_worker = await world.worker.client.post(
        "/api/v1/green-cards", json={"resident": world.resident.id, "reason": "社工"}
    )
    assert by_worker.status_code == 403
    listed = await world.district_admin.client.get("/api/v1/green-cards")
    assert [c["resident_id"] for c in listed.json()["items"]] == [world.resident.id]


async def test_a_guessed_code_names_nothing_and_a_guesser_waits_while_cards_still_answer(world):
    await _grant(world)
    link = (await _my_card(world))["link"]
    async with _merchant(world) as guesser:
        for attempt in range(20):
            guess = await guesser.get(f"/green-cards/{'A' * 20}{attempt:04d}")
            assert guess.status_code == 404
            assert "不是道德绿卡" in guess.text
        refused = await guesser.get("/green-cards/" + "B" * 24)
        assert refused.status_code == 429 and "尝试次数过多" in refused.text
        assert int(refused.headers["retry-after"]) > 0
        assert (await guesser.get(_path(link))).status_code == 200
    assert await GreenCardScan.all().count() == 1
