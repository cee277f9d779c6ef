"""Auth as API.md says: WeChat and password logins, refresh rotation, token checks, limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from kernel.keys import get_keyring


async def _login(client, username="root", password="root-password-123"):
    return await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )


async def test_resident_logs_in_through_wechat_and_is_registered_once(wechat_app, fake_wechat):
    import httpx

    fake_wechat.sessions["code-1"] = {"openid": "oWx123", "unionid": "uWx9"}
    fake_wechat.sessions["code-2"] = {"openid": "oWx123"}
    transport = httpx.ASGITransport(app=wechat_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        first = await client.post("/api/v1/auth/wechat", json={"code": "code-1"})
        second = await client.post("/api/v1/auth/wechat", json={"code": "code-2"})
        me = await client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {second.json()['access_token']}"}
        )
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    assert body["resident"]["id"] == second.json()["resident"]["id"]
    assert me.json()["role"] == "resident"
    exchanged = fake_wechat.requests[0]
    assert exchanged["path"] == "/sns/jscode2session"
    assert exchanged["query"] == {
        "appid": "wx-test-app",
        "secret": "wx-test-secret",
        "js_code": "code-1",
        "grant_type": "authorization_code",
    }


async def test_wechat_error_code_is_a_401_wechat_login_failed(wechat_app, fake_wechat):
    import httpx

    transport = httpx.ASGITransport(app=wechat_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/api/v1/auth/wechat", json={"code": "expired"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "wechat_login_failed"
    assert "40029" in response.json()["detail"]


async def test_dev_codes_are_refused_once_wechat_is_configured(wechat_app, fake_wechat):
    import httpx

    transport = httpx.ASGITransport(app=wechat_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/api/v1/auth/wechat", json={"code": "dev-someone"})
    assert response.status_code == 401
    assert fake_wechat.requests[0]["query"]["js_code"] == "dev-someone"


async def test_dev_code_logs_in_without_wechat_in_development(client):
    response = await client.post("/api/v1/auth/wechat", json={"code": "dev-alice"})
    assert response.status_code == 200
    assert response.json()["resident"]["nickname"] == ""


async def test_unreachable_wechat_is_a_clear_503(app, settings, database_url, var_dir):
    import httpx

    from app.main import create_app
    from tests.conftest import test_settings

    closed = test_settings(
        database_url,
        var_dir,
        wechat_appid="wx",
        wechat_secret="s",
        wechat_api_base="http://127.0.0.1:9",
        wechat_timeout_seconds=1.0,
    )
    down = create_app(closed)
    async with down.router.lifespan_context(down):
        transport = httpx.ASGITransport(app=down)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.post("/api/v1/auth/wechat", json={"code": "abc"})
    assert response.status_code == 503
    assert response.json()["code"] == "wechat_unavailable"


async def test_staff_logs_in_with_password_and_sees_their_scope(world, client):
    response = await _login(client, "c1-worker", "staff-password-123")
    assert response.status_code == 200
    staff = response.json()["staff"]
    assert staff["role"] == "worker"
    assert staff["district"] == "d1"
    assert staff["communities"] == ["c1"]
    assert "password" not in response.text


async def test_wrong_password_is_401_login_failed(world, client):
    response = await _login(client, "c1-worker", "not-the-password")
    assert response.status_code == 401
    assert response.json()["code"] == "login_failed"


async def test_access_token_is_eddsa_with_kid_and_required_claims(world, client):
    token = (await _login(client)).json()["access_token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    assert header["kid"] in {
        k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]
    }
    claims = jwt.decode(token, options={"verify_signature": False})
    assert {"exp", "iat", "sub", "iss", "aud", "jti"} <= set(claims)


async def test_tokens_with_other_algorithms_or_keys_are_refused(world, client):
    now = datetime.now(UTC)
    claims = {
        "sub": f"staff:{world.admin.id}",
        "iss": "civility-platform",
        "aud": "civility-api",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "jti": "x",
        "role": "platform_admin",
    }
    forged_hs256 = jwt.encode(
        claims,
        "a-shared-secret-of-thirty-two-bytes!",
        algorithm="HS256",
        headers={"kid": get_keyring().current.kid},
    )
    unsigned = jwt.encode(claims, "", algorithm="none")
    missing_jti = jwt.encode(
        {k: v for k, v in claims.items() if k != "jti"},
        get_keyring().current.private,
        algorithm="EdDSA",
        headers={"kid": get_keyring().current.kid},
    )
    expired = jwt.encode(
        {**claims, "exp": now - timedelta(seconds=5)},
        get_keyring().current.private,
        algorithm="EdDSA",
        headers={"kid": get_keyring().current.kid},
    )
    for token in (forged_hs256, unsigned, missing_jti, expired, "garbage"):
        response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.json()["code"] == "unauthenticated"


async def test_missing_token_is_401_with_bearer_challenge(client):
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_refresh_rotates_and_the_old_token_stops_working(world, client):
    tokens = (await _login(client)).json()
    renewed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert renewed.status_code == 200
    assert renewed.json()["refresh_token"] != tokens["refresh_token"]
    me = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {renewed.json()['access_token']}"}
    )
    assert me.json()["staff"]["username"] == "root"
    again = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert again.status_code == 401


async def test_reusing_a_refresh_token_revokes_the_whole_family(world, client):
    tokens = (await _login(client)).json()
    renewed = (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    ).json()
    replay = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert replay.status_code == 401
    assert "已被使用" in replay.json()["detail"]
    stolen_successor = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": renewed["refresh_token"]}
    )
    assert stolen_successor.status_code == 401


async def test_failed_logins_are_rate_limited_per_account_with_retry_after(world, client):
    for _ in range(5):
        assert (await _login(client, "c1-worker", "wrong-password")).status_code == 401
    limited = await _login(client, "c1-worker", "staff-password-123")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) > 0
    other_account = await _login(client, "d1-admin", "staff-password-123")
    assert other_account.status_code == 200


async def test_failed_logins_are_rate_limited_per_client_address(world, app, settings):
    import httpx

    settings.login_max_attempts_per_address = 3
    transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for name in ("a1", "a2", "a3"):
            assert (await _login(client, name, "guess-guess")).status_code == 401
        blocked = await _login(client, "root", "root-password-123")
    assert blocked.status_code == 429


async def test_disabled_staff_token_stops_working(world):
    from accounts.models import Staff

    await Staff.filter(id=world.worker.id).update(disabled_at=datetime.now(UTC))
    response = await world.worker.client.get("/api/v1/me")
    assert response.status_code == 401
