"""Open Badges 3.0 credentials, checked as an outside verifier would: the VC-JWT with an
independent JOSE library (joserfc) and the keys the service publishes, the shape against the
OB 3.0 schema in this folder, revocation through the published status list."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import KeySet
from jsonschema import Draft202012Validator

from tests.recognition.conftest import give_badge

SCHEMA = json.loads((Path(__file__).parent / "ob_v3p0_credential_schema.json").read_text())
JWT = {"Accept": "application/vc+jwt"}
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning")


async def verify_offline(client, token: str) -> dict[str, Any]:
    """Verifies a VC-JWT with nothing but the service's published JWKS."""
    keys = KeySet.import_key_set((await client.get("/.well-known/jwks.json")).json())
    verified = jws.deserialize_compact(token, keys, algorithms=["EdDSA"])
    assert verified.headers()["typ"] == "vc+jwt"
    claims: dict[str, Any] = json.loads(verified.payload)
    return claims


def status_bit(status_list: dict[str, Any], index: int) -> int:
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    return (bits[index // 8] >> (7 - index % 8)) & 1


async def test_my_badges_show_each_award_with_its_credential_url(world, client):
    await give_badge(world.resident.id, "star-1")
    response = await world.resident.client.get("/api/v1/me/badges")
    assert response.status_code == 200
    [badge] = response.json()["items"]
    assert badge["badge"] == {"code": "star-1", "name": "一星志愿者"}
    assert badge["credential_url"].startswith("http://127.0.0.1:8000/credentials/")
    assert badge["revoked_at"] is None
    other = await world.other_resident.client.get("/api/v1/me/badges")
    assert other.json()["items"] == []


async def test_a_credential_verifies_offline_and_is_an_open_badge(world, client):
    await give_badge(world.resident.id, "star-1")
    url = (await world.resident.client.get("/api/v1/me/badges")).json()["items"][0][
        "credential_url"
    ]
    path = url.removeprefix("http://127.0.0.1:8000")

    token_response = await client.get(path, headers=JWT)
    assert token_response.status_code == 200
    assert token_response.headers["content-type"].startswith("application/vc+jwt")
    credential = await verify_offline(client, token_response.text)

    assert (await client.get(path)).json() == credential
    assert list(Draft202012Validator(SCHEMA).iter_errors(credential)) == []
    assert credential["id"] == url
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["name"] == "一区"
    assert credential["credentialSubject"]["achievement"]["criteria"]["narrative"].count("100")
    assert credential["validFrom"].endswith("Z")

    [identity] = credential["credentialSubject"]["identifier"]
    assert identity["hashed"] is True
    assert identity["identityHash"].startswith("sha256$") and len(identity["salt"]) == 32
    for personal in ("o-resident", "居民甲", world.resident.id):
        assert personal not in token_response.text
        assert personal not in json.dumps(credential, ensure_ascii=False)

    issuer = await client.get(credential["issuer"]["id"].removeprefix("http://127.0.0.1:8000"))
    assert issuer.status_code == 200
    assert issuer.json()["id"] == credential["issuer"]["id"]


async def test_a_credential_with_a_forged_payload_fails_verification(world, client):
    await give_badge(world.resident.id, "star-1")
    url = (await world.resident.client.get("/api/v1/me/badges")).json()["items"][0][
        "credential_url"
    ]
    token = (await client.get(url.removeprefix("http://127.0.0.1:8000"), headers=JWT)).text
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["name"] = "五星志愿者"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(Exception, match="signature"):
        await verify_offline(client, f"{header}.{forged}.{signature}")


async def test_a_revoked_credential_is_marked_in_the_signed_status_list(world, client):
    kept = await give_badge(world.resident.id, "star-1")
    revoked = await give_badge(world.resident.id, "action-volunteering")

    response = await world.district_admin.client.post(
        f"/api/v1/badge-awards/{revoked.public_id}/revoke",
        json={"reason": "服务时长造假，记录已冲正"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["revocation_reason"] == "服务时长造假，记录已冲正"

    credentials = {}
    for award in (kept, revoked):
        token = (await client.get(f"/credentials/{award.public_id}", headers=JWT)).text
        credentials[award.public_id] = await verify_offline(client, token)
    for award, expected_bit in ((kept, 0), (revoked, 1)):
        status = credentials[award.public_id]["credentialStatus"]
        assert status["type"] == "BitstringStatusListEntry"
        assert status["statusPurpose"] == "revocation"
        list_path = status["statusListCredential"].removeprefix("http://127.0.0.1:8000")
        list_token = (await client.get(list_path, headers=JWT)).text
        status_list = await verify_offline(client, list_token)
        assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert status_bit(status_list, int(status["statusListIndex"])) == expected_bit

    mine = {
        b["badge"]["code"]: b
        for b in (await world.resident.client.get("/api/v1/me/badges")).json()["items"]
    }
    assert mine["action-volunteering"]["revocation_reason"] == "服务时长造假，记录已冲正"
    assert mine["star-1"]["revoked_at"] is None

    again = await world.district_admin.client.post(
        f"/api/v1/badge-awards/{revoked.public_id}/revoke", json={"reason": "再次撤销"}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "award_already_revoked"


async def test_awards_of_another_district_cannot_be_revoked_or_listed(world):
    award = await give_badge(world.other_resident.id, "star-1")
    response = await world.district_admin.client.post(
        f"/api/v1/badge-awards/{award.public_id}/revoke", json={"reason": "不属于本区"}
    )
    assert response.status_code == 404
    listed = await world.district_admin.client.get("/api/v1/badge-awards")
    assert listed.json()["items"] == []
    everywhere = await world.admin.client.get("/api/v1/badge-awards", params={"badge": "star-1"})
    assert [a["id"] for a in everywhere.json()["items"]] == [award.public_id]


async def test_an_unknown_credential_is_not_found(client):
    response = await client.get("/credentials/nope")
    assert response.status_code == 404
    assert response.json()["code"] == "credential_not_found"


def _urls(node: Any) -> list[str]:
    """Every http(s) `id` or `url` in a JSON document."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("id", "url") and isinstance(value, str) and value.startswith("http"):
                found.append(value)
            else:
                found.extend(_urls(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_urls(item))
    return found


async def test_every_url_in_a_credential_resolves_including_the_badge_image(world, client):
    await give_badge(world.resident.id, "star-1")
    url = (await world.resident.client.get("/api/v1/me/badges")).json()["items"][0][
        "credential_url"
    ]
    credential = (await client.get(url.removeprefix("http://127.0.0.1:8000"))).json()
    own = [u for u in _urls(credential) if u.startswith("http://127.0.0.1:8000/")]
    assert any("/achievements/" in u and u.endswith("image.svg") for u in own)
    for link in own:
        path = link.removeprefix("http://127.0.0.1:8000").split("#")[0] or "/healthz"
        response = await client.get(path)
        assert response.status_code == 200, f"{link}: {response.status_code}"
    image = next(u for u in own if u.endswith("image.svg"))
    drawn = await client.get(image.removeprefix("http://127.0.0.1:8000"))
    assert drawn.headers["content-type"].startswith("image/svg+xml")
    assert "一星志愿者" in drawn.text


async def test_a_resident_sees_how_far_the_next_badge_is(world):
    from tests.recognition.test_award_badges import participate

    await participate(world.district_id, world.resident.id, hours="60")
    progress = await world.resident.client.get("/api/v1/me/badges/progress")
    assert progress.status_code == 200, progress.text
    by_code = {p["code"]: p for p in progress.json()}
    assert (by_code["star-1"]["current"], by_code["star-1"]["remaining"]) == (60, 40)
    assert progress.json()[0]["progress"] >= by_code["star-1"]["progress"]


async def test_a_credential_is_json_to_a_client_that_asks_for_json(world, client):
    """A generated client parses `application/json` only: the same credential is offered as
    JSON by `Accept`, and the document names the three representations."""
    award = await give_badge(world.resident.id, "star-1")
    path = f"/credentials/{award.public_id}"
    as_vc = await client.get(path, headers={"Accept": "application/vc"})
    as_json = await client.get(path, headers={"Accept": "application/json"})
    preferred = await client.get(path, headers={"Accept": "application/vc;q=0.5, application/json"})
    assert as_vc.headers["content-type"] == "application/vc"
    assert as_json.headers["content-type"] == "application/json"
    assert preferred.headers["content-type"] == "application/json"
    assert as_json.json() == as_vc.json() and as_json.json()["id"].endswith(path)
    assert (await client.get(path)).headers["content-type"] == "application/vc"
    document = (await client.get("/openapi.json")).json()
    for template in ("/credentials/{public_id}", "/credentials/status/{number}"):
        content = document["paths"][template]["get"]["responses"]["200"]["content"]
        assert list(content) == ["application/vc", "application/json", "application/vc+jwt"]
    status_list = await client.get("/credentials/status/0", headers={"Accept": "application/json"})
    assert status_list.headers["content-type"] == "application/json"
    assert status_list.json()["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
