"""A new resident is led to a community, nearest first; every notice waits in an inbox."""

from __future__ import annotations

from kernel.db import transaction
from kernel.geo import gcj02_to_wgs84
from kernel.outbox import queue_notification


async def test_a_new_resident_is_told_to_choose_a_community_first(world, client):
    login = await client.post("/api/v1/auth/wechat", json={"code": "dev-brand-new"})
    assert login.status_code == 200, login.text
    resident = login.json()["resident"]
    assert resident["missing"] == ["community", "nickname", "real_name"]
    assert resident["next_step"] == "请选择您所在的社区，以查看社区的活动和奖品。"
    token = login.json()["access_token"]
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["resident"]["missing"][0] == "community"


async def test_communities_open_to_join_are_listed_nearest_first(world, client):
    admin = world.district_admin.client
    near = {"lat": 29.8753, "lng": 121.5440}
    far = {"lat": 29.9500, "lng": 121.6000}
    for code, place in (("far-c", far), ("near-c", near)):
        created = await admin.post(
            "/api/v1/districts/d1/communities",
            json={"code": code, "name": code, "location": place},
        )
        assert created.status_code == 201, created.text
    login = await client.post("/api/v1/auth/wechat", json={"code": "dev-newcomer"})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    listed = await client.get(
        "/api/v1/onboarding/communities",
        params={"lat": 29.8760, "lng": 121.5445},
        headers=headers,
    )
    assert listed.status_code == 200, listed.text
    refs = [c["ref"] for c in listed.json()]
    assert refs[:2] == ["d1/near-c", "d1/far-c"]
    assert listed.json()[0]["distance_m"] < 150
    assert {"d1/c1", "d1/c2", "d2/c3"} <= set(refs)  # the communities without a place follow
    gps = gcj02_to_wgs84(29.8760, 121.5445)
    by_gps = await client.get(
        "/api/v1/onboarding/communities",
        params={"lat": gps[0], "lng": gps[1], "coord": "wgs84"},
        headers=headers,
    )
    assert by_gps.json()[0]["distance_m"] == listed.json()[0]["distance_m"]
    joined = await client.patch("/api/v1/me", json={"community": refs[0]}, headers=headers)
    assert joined.json()["missing"] == ["nickname", "real_name"]


async def test_notices_wait_in_the_inbox_and_can_be_marked_read(world):
    async with transaction():
        first = await queue_notification(
            "resident", world.resident.id, "enrolment_promoted", {"title": "河道清洁"}
        )
        await queue_notification(
            "resident", world.resident.id, "badge_awarded", {"badge_name": "志愿新星"}
        )
        await queue_notification(
            "resident", world.other_resident.id, "badge_awarded", {"badge_name": "别人的"}
        )
    inbox = (await world.resident.client.get("/api/v1/me/notifications")).json()["items"]
    assert [n["text"] for n in inbox] == [
        "您获得了徽章“志愿新星”。",
        "有名额空出：您已成功报名“河道清洁”。",
    ]
    marked = await world.resident.client.post(f"/api/v1/me/notifications/{first.id}/read")
    assert marked.json() == {"marked": 1}
    unread = await world.resident.client.get("/api/v1/me/notifications?unread=true")
    assert [n["topic"] for n in unread.json()["items"]] == ["badge_awarded"]
    english = await world.resident.client.get(
        "/api/v1/me/notifications", headers={"Accept-Language": "en"}
    )
    assert english.json()["items"][0]["text"] == "You earned the badge “志愿新星”."
    assert (await world.resident.client.post("/api/v1/me/notifications/read")).json() == {
        "marked": 1
    }
    others = await world.other_resident.client.post(f"/api/v1/me/notifications/{first.id}/read")
    assert others.status_code == 404


async def test_a_community_closed_to_joining_is_not_offered_and_cannot_be_joined(world, client):
    admin = world.district_admin.client
    closed = await admin.patch("/api/v1/districts/d1/communities/c2", json={"open_to_join": False})
    assert closed.status_code == 200, closed.text
    assert closed.json()["open_to_join"] is False
    listed = await client.get("/api/v1/districts/open")
    assert listed.status_code == 200, listed.text
    refs = {c["ref"] for c in listed.json()}
    assert "d1/c2" not in refs and {"d1/c1", "d2/c3"} <= refs

    newcomer = await world.new_resident("o-newcomer", community="d2/c3")
    refused = await newcomer.client.patch("/api/v1/me", json={"community": "d1/c2"})
    assert (refused.status_code, refused.json()["code"]) == (409, "community_closed")
    assert refused.json()["detail"] == "“二社区”暂停接收新居民，请选择其他社区。"
    assert refused.json()["errors"] == [{"field": "community", "message": "暂停加入"}]

    already_there = await world.new_resident("o-already-there", community="d1/c2")
    stays = await already_there.client.patch(
        "/api/v1/me", json={"community": "d1/c2", "nickname": "老住户"}
    )
    assert stays.status_code == 200, stays.text
    assert stays.json()["community"] == "d1/c2"

    reopened = await admin.patch("/api/v1/districts/d1/communities/c2", json={"open_to_join": True})
    assert reopened.json()["open_to_join"] is True
    joined = await newcomer.client.patch("/api/v1/me", json={"community": "d1/c2"})
    assert joined.status_code == 200, joined.text


async def test_only_a_district_administrator_of_the_district_closes_its_communities(world):
    body = {"open_to_join": False}
    by_worker = await world.worker.client.patch("/api/v1/districts/d1/communities/c1", json=body)
    assert by_worker.status_code == 403
    by_other = await world.other_worker.client.patch(
        "/api/v1/districts/d1/communities/c1", json=body
    )
    assert by_other.status_code == 403
    unknown = await world.district_admin.client.patch(
        "/api/v1/districts/d1/communities/c9", json=body
    )
    assert unknown.status_code == 404
    by_platform = await world.admin.client.patch("/api/v1/districts/d1/communities/c1", json=body)
    assert by_platform.status_code == 200, by_platform.text


async def test_open_is_not_a_district_code(world):
    refused = await world.admin.client.post("/api/v1/districts", json={"code": "open", "name": "x"})
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "code")
