"""An access token is only as good as the login behind it: revoking the login (a replayed
refresh token) or disabling the account ends it at once, not when it expires."""

from __future__ import annotations

from datetime import UTC, datetime


async def _login(client, username="c1-worker", password="staff-password-123"):
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return response.json()


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


async def test_access_token_stops_working_when_its_refresh_family_is_revoked(world, client):
    first = await _login(client)
    renewed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    access = renewed.json()["access_token"]
    assert (await client.get("/api/v1/me", headers=_bearer(access))).status_code == 200

    replayed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )

    assert replayed.status_code == 401
    for token in (first["access_token"], access):
        response = await client.get("/api/v1/me", headers=_bearer(token))
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"


async def test_revoking_one_login_leaves_the_other_logins_working(world, client):
    import jwt

    from kernel.auth import revoke_session
    from kernel.db import transaction

    laptop = await _login(client)
    phone = await _login(client)
    laptop_login = jwt.decode(laptop["access_token"], options={"verify_signature": False})["sid"]
    async with transaction():
        await revoke_session(laptop_login)

    ended = await client.get("/api/v1/me", headers=_bearer(laptop["access_token"]))
    still = await client.get("/api/v1/me", headers=_bearer(phone["access_token"]))
    assert ended.status_code == 401
    assert still.status_code == 200


async def test_disabled_staff_access_token_stops_working_at_once(world, client):
    from accounts.models import Staff

    tokens = await _login(client)
    await Staff.filter(id=world.worker.id).update(disabled_at=datetime.now(UTC))

    response = await client.get("/api/v1/me", headers=_bearer(tokens["access_token"]))
    assert response.status_code == 401
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401


async def test_disabled_staff_cannot_log_in(world, client):
    from accounts.models import Staff

    await Staff.filter(id=world.worker.id).update(disabled_at=datetime.now(UTC))
    response = await client.post(
        "/api/v1/auth/login", json={"username": "c1-worker", "password": "staff-password-123"}
    )
    assert response.status_code == 401
    assert response.json()["code"] == "login_failed"


async def test_revoking_every_login_of_a_subject_ends_all_its_access_tokens(world, client):
    from kernel.auth import revoke_sessions_of
    from kernel.db import transaction

    tokens = [await _login(client) for _ in range(2)]
    async with transaction():
        await revoke_sessions_of(f"staff:{world.worker.id}")

    for pair in tokens:
        response = await client.get("/api/v1/me", headers=_bearer(pair["access_token"]))
        assert response.status_code == 401


async def test_a_username_differing_only_by_case_is_the_same_account(world, client):
    taken = await world.admin.client.post(
        "/api/v1/staff",
        json={
            "username": "C1-Worker",
            "password": "long-enough-pw",
            "role": "worker",
            "district": "d1",
            "communities": ["c1"],
        },
    )
    assert taken.status_code == 409
    assert taken.json()["code"] == "username_taken"
    tokens = await _login(client, "C1-WORKER")
    me = await client.get("/api/v1/me", headers=_bearer(tokens["access_token"]))
    assert me.json()["staff"]["username"] == "c1-worker"


async def test_the_database_refuses_a_second_username_of_another_case(world):
    from tortoise.exceptions import IntegrityError

    from accounts.models import Staff

    try:
        await Staff.create(username="ROOT", password_hash="x", role="platform_admin")
    except IntegrityError:
        refused = True
    else:
        refused = False
    assert refused
