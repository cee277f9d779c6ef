"""Public credentials: whoever knows resident ids cannot link a credential to a resident,
the status index does not count awards, and the credential key is not the token key."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from joserfc import jws
from joserfc.jwk import KeySet

from tests.recognition.conftest import give_badge

JWT = {"Accept": "application/vc+jwt"}
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning")


async def _credential(client, award):
    return (await client.get(f"/credentials/{award.public_id}")).json()


async def test_a_resident_id_does_not_link_a_public_credential_to_its_resident(world, client):
    first = await give_badge(world.resident.id, "star-1")
    second = await give_badge(world.resident.id, "action-volunteering")
    identities = []
    for award in (first, second):
        [identity] = (await _credential(client, award))["credentialSubject"]["identifier"]
        identities.append(identity)
        for known in (world.resident.id, world.other_resident.id):
            guess = hashlib.sha256((known + identity["salt"]).encode()).hexdigest()
            assert identity["identityHash"] != f"sha256${guess}"
    # Nor do two credentials of one resident share a hash or a salt.
    assert identities[0]["identityHash"] != identities[1]["identityHash"]
    assert identities[0]["salt"] != identities[1]["salt"]


async def test_status_list_indexes_do_not_count_or_order_the_awards(world, client):
    residents = [await world.new_resident(f"o-holder-{n}") for n in range(6)]
    awards = [await give_badge(resident.id, "star-1") for resident in residents]
    indexes = [
        int((await _credential(client, award))["credentialStatus"]["statusListIndex"])
        for award in awards
    ]
    serials = [award.id for award in awards]
    assert len(set(indexes)) == len(indexes)
    assert indexes != serials
    assert max(indexes) - min(indexes) > len(indexes)  # not a run of consecutive slots


async def test_credentials_are_signed_by_their_own_key_not_the_token_key(world, client):
    from kernel.keys import get_keyring

    award = await give_badge(world.resident.id, "star-1")
    token = (await client.get(f"/credentials/{award.public_id}", headers=JWT)).text
    ring = get_keyring()
    assert jwt.get_unverified_header(token)["kid"] == ring.credential_key.kid
    assert ring.credential_key.kid != ring.current.kid
    published = {key["kid"] for key in (await client.get("/.well-known/jwks.json")).json()["keys"]}
    assert {ring.credential_key.kid, ring.current.kid} <= published


async def test_an_access_token_signed_with_the_credential_key_is_refused(world, client):
    from kernel.keys import get_keyring

    key = get_keyring().credential_key
    now = datetime.now(UTC)
    honest = jwt.decode(world.admin.token, options={"verify_signature": False})
    forged = jwt.encode(
        {**honest, "iat": now, "exp": now + timedelta(minutes=5)},
        key.private,
        algorithm="EdDSA",
        headers={"kid": key.kid},
    )
    answer = await client.get("/api/v1/staff", headers={"Authorization": f"Bearer {forged}"})
    assert answer.status_code == 401


async def test_a_credential_signed_before_the_keys_were_split_still_verifies(world, client):
    """Credentials handed out when the token key signed them name that key's kid: it stays
    in the JWKS as long as it signs tokens, so those credentials keep verifying."""
    from kernel.keys import get_keyring

    award = await give_badge(world.resident.id, "star-1")
    document = await _credential(client, award)
    old_key = get_keyring().current
    old = jwt.encode(document, old_key.private, algorithm="EdDSA", headers={"kid": old_key.kid})
    keys = KeySet.import_key_set((await client.get("/.well-known/jwks.json")).json())
    verified = jws.deserialize_compact(old, keys, algorithms=["EdDSA"])
    assert verified.headers()["kid"] == old_key.kid


@pytest.mark.parametrize("accept", [None, "application/json", "application/vc+jwt"])
async def test_credential_routes_answer_in_a_media_type_their_document_names(world, client, accept):
    award = await give_badge(world.resident.id, "star-1")
    document = (await client.get("/openapi.json")).json()
    headers = {"Accept": accept} if accept else {}
    for template, path in (
        ("/credentials/{public_id}", f"/credentials/{award.public_id}"),
        ("/credentials/status/{number}", "/credentials/status/0"),
    ):
        answer = await client.get(path, headers=headers)
        assert answer.status_code == 200
        documented = document["paths"][template]["get"]["responses"]["200"]["content"]
        assert answer.headers["content-type"].split(";")[0] in documented, template
