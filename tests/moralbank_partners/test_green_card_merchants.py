"""The merchants that honour a district's green card, with their courtesies (礼遇): the district's
administrators register and change them; a holder of a valid card reads the active ones of its
district; the merchant's page of a card stays what it was (valid or not, masked name,
district)."""

from __future__ import annotations

import re

import httpx

SHOP = {"name": "老宁波汤圆店", "address": "鼓楼步行街 12 号", "courtesy": "凭绿卡就餐九折"}


async def test_a_district_registers_merchants_and_a_valid_card_shows_their_courtesies(world):
    admin = world.district_admin.client
    created = await admin.post("/api/v1/green-card-merchants", json=SHOP)
    assert created.status_code == 201, created.text
    shop = created.json()
    assert (shop["courtesy"], shop["active"]) == ("凭绿卡就餐九折", True)
    closed = await admin.post(
        "/api/v1/green-card-merchants",
        json={"name": "月湖茶馆", "address": "月湖西路 3 号", "courtesy": "茶水免费"},
    )
    changed = await admin.patch(
        f"/api/v1/green-card-merchants/{closed.json()['id']}", json={"active": False}
    )
    assert changed.status_code == 200 and changed.json()["active"] is False
    listed = await admin.get("/api/v1/green-card-merchants", params={"active": "true"})
    assert [m["name"] for m in listed.json()["items"]] == ["老宁波汤圆店"]

    empty = await admin.post("/api/v1/green-card-merchants", json={**SHOP, "courtesy": ""})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "courtesy"
    assert re.search(r"[\u4e00-\u9fff]", empty.json()["title"])
    by_worker = await world.worker.client.post("/api/v1/green-card-merchants", json=SHOP)
    assert by_worker.status_code == 403

    offered = "/api/v1/me/green-card-merchants"
    assert (await world.resident.client.get(offered)).json()["items"] == []  # no card
    card = await admin.post(
        "/api/v1/green-cards", json={"resident": world.resident.id, "reason": "道德模范"}
    )
    assert card.status_code == 201, card.text
    seen = (await world.resident.client.get(offered)).json()["items"]
    assert [(m["name"], m["courtesy"], m["district"]) for m in seen] == [
        ("老宁波汤圆店", "凭绿卡就餐九折", "一区")
    ]
    assert (await world.other_resident.client.get(offered)).json()["items"] == []
    suspended = await admin.post(
        f"/api/v1/green-cards/{card.json()['id']}/suspension", json={"reason": "核查投诉"}
    )
    assert suspended.status_code == 200, suspended.text
    assert (await world.resident.client.get(offered)).json()["items"] == []

    mine = (await world.resident.client.get("/api/v1/me/green-cards")).json()["items"][0]
    transport = httpx.ASGITransport(app=world.app, client=("198.51.100.20", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as merchant:
        page = await merchant.get("/green-cards/" + mine["link"].rsplit("/green-cards/", 1)[1])
    visible = re.sub(r"<[^>]+>", " ", page.text).split()
    assert visible == ["道德绿卡", "道德绿卡", "无效", "持卡人", "居*甲", "发卡单位", "一区"]
