"""Forged, altered, stale and replayed tokens are all refused with 401."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kernel.keys import get_keyring


def _claims(subject: str, **overrides):
    now = datetime.now(UTC)
    claims = {
        "sub": subject,
        "iss": "civility-platform",
        "aud": "civility-api",
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(minutes=5),
        "jti": "attack",
        "role": "platform_admin",
    }
    claims.update(overrides)
    return claims


def _signed(claims, **headers):
    key = get_keyring().current
    return jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid, **headers})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


async def _refused(client, token):
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "unauthenticated"


async def test_a_well_signed_token_is_accepted_so_the_attacks_below_mean_something(world, client):
    token = _signed(_claims(f"staff:{world.admin.id}"))
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


async def test_alg_none_is_refused(world, client):
    header = _b64(
        json.dumps({"alg": "none", "typ": "JWT", "kid": get_keyring().current.kid}).encode()
    )
    body = _b64(
        json.dumps(
            _claims(f"staff:{world.admin.id}"), default=lambda d: int(d.timestamp())
        ).encode()
    )
    for token in (f"{header}.{body}.", f"{header}.{body}"):
        await _refused(client, token)


async def test_hs256_signed_with_the_public_key_is_refused(world, client):
    public = get_keyring().current.public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": get_keyring().current.kid}
    signing_input = (
        _b64(json.dumps(header).encode())
        + "."
        + _b64(
            json.dumps(
                _claims(f"staff:{world.admin.id}"), default=lambda d: int(d.timestamp())
            ).encode()
        )
    )
    import hashlib
    import hmac

    for secret in (public, get_keyring().current.public_jwk["x"].encode()):
        signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        await _refused(client, f"{signing_input}.{_b64(signature)}")


@pytest.mark.parametrize(
    "kid", ["../../etc/passwd", "' OR '1'='1", "x" * 5000, "", None, 42, {"k": 1}]
)
async def test_kid_injection_is_refused(world, client, kid):
    key = Ed25519PrivateKey.generate()
    header = _b64(json.dumps({"alg": "EdDSA", "typ": "JWT", "kid": kid}).encode())
    body = _b64(
        json.dumps(
            _claims(f"staff:{world.admin.id}"), default=lambda d: int(d.timestamp())
        ).encode()
    )
    signature = _b64(key.sign(f"{header}.{body}".encode()))
    await _refused(client, f"{header}.{body}.{signature}")


async def test_a_token_signed_by_an_unknown_key_with_a_known_kid_is_refused(world, client):
    stranger = Ed25519PrivateKey.generate()
    token = jwt.encode(
        _claims(f"staff:{world.admin.id}"),
        stranger,
        algorithm="EdDSA",
        headers={"kid": get_keyring().current.kid},
    )
    await _refused(client, token)


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": datetime.now(UTC) - timedelta(seconds=5)},
        {"nbf": datetime.now(UTC) + timedelta(hours=1)},
        {"aud": "someone-else"},
        {"iss": "evil-issuer"},
    ],
    ids=["expired", "not-yet-valid", "wrong-aud", "wrong-iss"],
)
async def test_stale_or_misaddressed_tokens_are_refused(world, client, overrides):
    await _refused(client, _signed(_claims(f"staff:{world.admin.id}", **overrides)))


async def test_a_tampered_payload_is_refused(world, client):
    token = _signed(_claims(f"resident:{world.resident.id}", role="resident"))
    header, _, signature = token.split(".")
    forged = _b64(
        json.dumps(
            _claims(f"staff:{world.admin.id}"), default=lambda d: int(d.timestamp())
        ).encode()
    )
    await _refused(client, f"{header}.{forged}.{signature}")


async def test_a_role_claim_cannot_raise_the_callers_role(world):
    """The role in the token is informative; the account's role in the database decides."""
    token = _signed(_claims(f"resident:{world.resident.id}", role="platform_admin"))
    response = await world.resident.client.post(
        "/api/v1/districts",
        json={"code": "d9", "name": "九区"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403


async def test_a_rotated_refresh_token_replayed_is_refused_and_ends_the_login(world, client):
    login = await client.post(
        "/api/v1/auth/login", json={"username": "root", "password": "root-password-123"}
    )
    first = login.json()
    second = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    replay = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 401
    await _refused(client, second.json()["access_token"])
    after = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": second.json()["refresh_token"]}
    )
    assert after.status_code == 401
