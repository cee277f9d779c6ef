"""Districts, communities, staff and residents through the API, with scope and validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


async def test_platform_admin_builds_a_district_with_community_and_worker(world, client):
    admin = world.admin.client
    district = await admin.post("/api/v1/districts", json={"code": "jiangbei", "name": "江北区"})
    assert district.status_code == 201, district.text
    community = await admin.post(
        "/api/v1/districts/jiangbei/communities", json={"code": "laowaitan", "name": "老外滩社区"}
    )
    assert community.status_code == 201
    assert community.json()["district"] == "jiangbei"
    worker = await admin.post(
        "/api/v1/staff",
        json={
            "username": "lw-worker",
            "password": "long-enough-pw",
            "role": "worker",
            "district": "jiangbei",
            "communities": ["laowaitan"],
        },
    )
    assert worker.status_code == 201, worker.text
    assert worker.json()["communities"] == ["laowaitan"]
    login = await client.post(
        "/api/v1/auth/login", json={"username": "lw-worker", "password": "long-enough-pw"}
    )
    assert login.status_code == 200
    assert login.json()["staff"]["district"] == "jiangbei"


async def test_creating_a_district_twice_is_409(world):
    response = await world.admin.client.post("/api/v1/districts", json={"code": "d1", "name": "x"})
    assert response.status_code == 409
    assert response.json()["code"] == "district_exists"


async def test_only_platform_admins_create_districts(world):
    for actor in (world.district_admin, world.worker, world.resident):
        response = await actor.client.post("/api/v1/districts", json={"code": "zz", "name": "z"})
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"


async def test_bad_district_fields_are_listed(world):
    response = await world.admin.client.post("/api/v1/districts", json={"code": "Bad Code!"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"code", "name"}


async def test_district_admin_sees_own_district_and_gets_404_for_another(world):
    own = await world.district_admin.client.get("/api/v1/districts/d1")
    assert own.status_code == 200
    assert own.json()["settings"]["moral_bank_enabled"] is False
    other = await world.district_admin.client.get("/api/v1/districts/d2")
    assert other.status_code == 404
    missing = await world.district_admin.client.get("/api/v1/districts/nowhere")
    assert missing.status_code == 404
    assert other.json()["detail"] == missing.json()["detail"]


async def test_settings_change_is_versioned_and_visible(world):
    admin = world.district_admin.client
    changed = await admin.patch(
        "/api/v1/districts/d1/settings",
        json={"moral_bank_enabled": True, "credits_per_hour": {"default": 5, "volunteering": 12}},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["credits_per_hour"] == {"default": 5, "volunteering": 12}
    assert changed.json()["report_daily_cap"]["finish-your-water"] == 1
    detail = (await admin.get("/api/v1/districts/d1")).json()
    assert detail["settings"]["moral_bank_enabled"] is True


async def test_rules_in_force_at_a_past_time_are_kept(world):
    from accounts.service import rules_at

    before = datetime.now(UTC)
    await world.district_admin.client.patch(
        "/api/v1/districts/d1/settings", json={"moral_bank_enabled": True}
    )
    assert (await rules_at(world.district_id, before)).moral_bank_enabled is False
    assert (await rules_at(world.district_id)).moral_bank_enabled is True


async def test_future_settings_show_as_upcoming(world):
    admin = world.district_admin.client
    next_year = (datetime.now(UTC) + timedelta(days=365)).isoformat()
    response = await admin.patch(
        "/api/v1/districts/d1/settings",
        json={"max_hours_per_day": 6, "effective_from": next_year},
    )
    assert response.status_code == 200
    detail = (await admin.get("/api/v1/districts/d1")).json()
    assert detail["settings"]["max_hours_per_day"] == 8
    assert detail["upcoming_settings"][0]["rules"]["max_hours_per_day"] == 6


async def test_inconsistent_settings_are_422(world):
    response = await world.district_admin.client.patch(
        "/api/v1/districts/d1/settings", json={"max_hours_per_day": 10, "review_hours_per_day": 9}
    )
    assert response.status_code == 422
    unknown = await world.district_admin.client.patch(
        "/api/v1/districts/d1/settings", json={"free_money": True}
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "free_money"


async def test_district_admin_cannot_change_another_district(world):
    response = await world.district_admin.client.patch(
        "/api/v1/districts/d2/settings", json={"moral_bank_enabled": True}
    )
    assert response.status_code == 404


async def test_workers_cannot_change_settings(world):
    response = await world.worker.client.patch(
        "/api/v1/districts/d1/settings", json={"moral_bank_enabled": True}
    )
    assert response.status_code == 403


async def test_district_admin_creates_workers_only_in_own_district(world):
    admin = world.district_admin.client
    ok = await admin.post(
        "/api/v1/staff",
        json={
            "username": "c2-worker",
            "password": "long-enough-pw",
            "role": "worker",
            "district": "d1",
            "communities": ["c2"],
        },
    )
    assert ok.status_code == 201
    elsewhere = await admin.post(
        "/api/v1/staff",
        json={
            "username": "c3-w2",
            "password": "long-enough-pw",
            "role": "worker",
            "district": "d2",
            "communities": ["c3"],
        },
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["code"] == "invalid_staff_scope"
    platform = await admin.post(
        "/api/v1/staff",
        json={"username": "boss", "password": "long-enough-pw", "role": "platform_admin"},
    )
    assert platform.status_code == 403


async def test_worker_needs_communities_of_the_district(world):
    admin = world.admin.client
    none = await admin.post(
        "/api/v1/staff",
        json={
            "username": "w-none",
            "password": "long-enough-pw",
            "role": "worker",
            "district": "d1",
        },
    )
    wrong = await admin.post(
        "/api/v1/staff",
        json={
            "username": "w-wrong",
            "password": "long-enough-pw",
            "role": "worker",
            "district": "d1",
            "communities": ["c3"],
        },
    )
    assert none.status_code == wrong.status_code == 422
    assert "c3" in wrong.json()["detail"]


async def test_usernames_are_unique(world):
    response = await world.admin.client.post(
        "/api/v1/staff",
        json={
            "username": "c1-worker",
            "password": "long-enough-pw",
            "role": "worker",
            "district": "d1",
            "communities": ["c1"],
        },
    )
    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"


async def test_short_passwords_are_refused(world):
    response = await world.admin.client.post(
        "/api/v1/staff",
        json={"username": "shorty", "password": "short", "role": "platform_admin"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"


async def test_resident_sets_profile_and_community(world):
    response = await world.resident.client.patch(
        "/api/v1/me", json={"nickname": "热心居民", "community": "d1/c2", "public_profile": True}
    )
    assert response.status_code == 200, response.text
    assert response.json()["community"] == "d1/c2"
    me = (await world.resident.client.get("/api/v1/me")).json()["resident"]
    assert me["nickname"] == "热心居民" and me["public_profile"] is True


async def test_resident_cannot_join_an_unknown_community(world):
    response = await world.resident.client.patch("/api/v1/me", json={"community": "d1/nope"})
    assert response.status_code == 404


VALID_ID = "11010519491231002X"


async def test_real_name_is_stored_encrypted_and_only_shown_masked(world):
    from accounts.models import Resident

    response = await world.resident.client.post(
        "/api/v1/me/real-name", json={"name": "王小明", "id_number": VALID_ID}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id_number_masked"] == "1101**********002X"
    assert body["real_name_masked"] == "王*明"
    assert VALID_ID not in response.text
    stored = await Resident.get(id=world.resident.id)
    assert VALID_ID not in (stored.id_number_cipher or "")
    assert "王小明" not in (stored.real_name_cipher or "")
    me = await world.resident.client.get("/api/v1/me")
    assert VALID_ID not in me.text


async def test_an_id_number_binds_to_one_resident(world):
    await world.resident.client.post(
        "/api/v1/me/real-name", json={"name": "王小明", "id_number": VALID_ID}
    )
    response = await world.other_resident.client.post(
        "/api/v1/me/real-name", json={"name": "王小明", "id_number": VALID_ID.lower()}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "id_number_in_use"


async def test_id_number_with_wrong_check_digit_is_refused(world):
    response = await world.resident.client.post(
        "/api/v1/me/real-name", json={"name": "王小明", "id_number": "110105194912310021"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_id_number"


async def test_staff_cannot_use_resident_endpoints(world):
    response = await world.worker.client.patch("/api/v1/me", json={"nickname": "x"})
    assert response.status_code == 403


async def test_lists_page_with_cursor(world):
    admin = world.admin.client
    for index in range(5):
        await admin.post("/api/v1/districts", json={"code": f"p{index}", "name": f"P{index}"})
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await admin.get("/api/v1/districts", params=params)).json()
        seen += [d["code"] for d in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == ["d1", "d2", "p0", "p1", "p2", "p3", "p4"]
    too_many = await admin.get("/api/v1/districts", params={"limit": 101})
    assert too_many.status_code == 422
    bad_cursor = await admin.get("/api/v1/districts", params={"cursor": "%%%"})
    assert bad_cursor.status_code == 422


async def test_create_admin_command_makes_a_working_login(settings, client, app):
    from accounts.staff import set_platform_admin
    from kernel.db import transaction

    async with transaction():
        await set_platform_admin("ops", "ops-password-1")
        await set_platform_admin("ops", "ops-password-2")
    old = await client.post(
        "/api/v1/auth/login", json={"username": "ops", "password": "ops-password-1"}
    )
    new = await client.post(
        "/api/v1/auth/login", json={"username": "ops", "password": "ops-password-2"}
    )
    assert old.status_code == 401 and new.status_code == 200
