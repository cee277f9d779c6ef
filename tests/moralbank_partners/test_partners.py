"""Partner banks: a district administrator registers one with its band-to-terms table and is
shown its client credentials once; the bank signs in with the OAuth 2.0 client-credentials
grant to a short-lived token of its own audience, refused after repeated failures like staff
logins, and the secret reaches neither the database in clear nor the log."""

from __future__ import annotations

import logging

import jwt
import pytest

from moralbank.partner_errors import PartnerTokenRefused
from moralbank.partner_models import PartnerCredential
from moralbank.partners import authenticated_partner
from tests.moralbank_partners.conftest import (
    CONTACT,
    TERMS,
    bank,
    partner_token,
    register_partner,
)


async def test_a_district_registers_a_partner_and_sees_its_secret_once(world):
    registered = await register_partner(world)
    partner, credentials = registered["partner"], registered["credentials"]
    assert partner["name"] == "海曙农商银行" and partner["contact"] == CONTACT
    assert [t["band"] for t in partner["terms"]] == ["A", "AA", "AAA"]
    assert partner["terms"][2]["min_score"] == 90 and partner["terms"][2]["loan_limit"] == 300000
    assert partner["client_id"] == credentials["client_id"]
    assert (
        credentials["client_secret"].startswith("mbs_") and len(credentials["client_secret"]) > 40
    )
    listed = await world.district_admin.client.get("/api/v1/partners")
    assert credentials["client_secret"] not in listed.text
    read = await world.district_admin.client.get(f"/api/v1/partners/{partner['id']}")
    assert "client_secret" not in read.json() and credentials["client_secret"] not in read.text
    stored = await PartnerCredential.get(client_id=credentials["client_id"])
    assert credentials["client_secret"] not in stored.secret_hash
    twice = await world.district_admin.client.post(
        "/api/v1/partners", json={"name": "海曙农商银行", "contact": CONTACT, "terms": TERMS}
    )
    assert twice.status_code == 409 and "已有名为海曙农商银行" in twice.json()["detail"]


async def test_overlapping_bands_are_refused_in_chinese(world):
    overlapping = [TERMS[0], {**TERMS[1], "max_score": 95}]
    refused = await world.district_admin.client.post(
        "/api/v1/partners", json={"name": "某银行", "contact": CONTACT, "terms": overlapping}
    )
    assert refused.status_code == 422
    assert "重叠" in refused.text


async def test_a_partner_is_not_registered_without_its_contact(world):
    for contact in ({}, {"contact": ""}, {"contact": "电" * 201}):
        refused = await world.district_admin.client.post(
            "/api/v1/partners", json={"name": "某银行", "terms": TERMS, **contact}
        )
        assert refused.status_code == 422, refused.text
        detail = refused.json()["detail"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in detail), detail
        assert [e["field"] for e in refused.json()["errors"]] == ["contact"], refused.text
    listed = await world.district_admin.client.get("/api/v1/partners")
    assert listed.json()["items"] == []


async def test_a_district_changes_its_partners_name_and_contact(world):
    partner = (await register_partner(world))["partner"]
    other = (await register_partner(world, name="鄞州银行"))["partner"]
    path = f"/api/v1/partners/{partner['id']}"
    moved = await world.district_admin.client.patch(path, json={"contact": "0574-87654321"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["contact"] == "0574-87654321" and moved.json()["name"] == "海曙农商银行"
    assert (await world.district_admin.client.get(path)).json()["contact"] == "0574-87654321"
    taken = await world.district_admin.client.patch(path, json={"name": other["name"]})
    assert taken.status_code == 409 and "已有名为鄞州银行" in taken.json()["detail"]
    emptied = await world.district_admin.client.patch(path, json={"contact": ""})
    assert emptied.status_code == 422
    renamed = await world.district_admin.client.patch(path, json={"name": "海曙农商行"})
    assert renamed.json()["name"] == "海曙农商行" and renamed.json()["contact"] == "0574-87654321"
    assert (await world.worker.client.patch(path, json={"contact": "x"})).status_code == 403


async def test_only_the_districts_administrators_manage_partners(world):
    partner = (await register_partner(world))["partner"]
    assert (await world.worker.client.get("/api/v1/partners")).status_code == 403
    assert (await world.resident.client.get(f"/api/v1/partners/{partner['id']}")).status_code == 403
    from kernel.auth import Principal
    from moralbank.partner_scope import managed_partners

    other = Principal(
        kind="staff", id="x", role="district_admin", district_id=world.other_district_id
    )
    assert await managed_partners(other).rows().count() == 0


async def test_changed_terms_are_what_the_partner_shows_from_then_on(world):
    partner = (await register_partner(world))["partner"]
    changed = await world.district_admin.client.post(
        f"/api/v1/partners/{partner['id']}/terms", json={"terms": [TERMS[0]]}
    )
    assert changed.status_code == 200, changed.text
    assert [t["band"] for t in changed.json()["terms"]] == ["AAA"]
    assert changed.json()["terms_changed_at"] is not None


async def test_the_client_credentials_grant_gives_a_short_token_of_the_partner_audience(
    world, caplog
):
    caplog.set_level(logging.DEBUG)
    credentials = (await register_partner(world))["credentials"]
    token = await partner_token(world, credentials)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"].endswith(":partner") and claims["sub"].startswith("partner:")
    assert claims["exp"] - claims["iat"] == 300
    async with bank(world) as client:
        by_form = await client.post(
            "/api/v1/partner/token",
            data={"grant_type": "client_credentials", **credentials},
        )
    assert by_form.status_code == 200 and by_form.json()["token_type"] == "Bearer"
    # The partner's token is not a login of the platform.
    async with bank(world) as client:
        me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    logged = "\n".join(r.getMessage() + str(r.__dict__) for r in caplog.records)
    assert credentials["client_secret"] not in logged and token not in logged


async def test_a_wrong_secret_is_refused_and_many_are_throttled_like_logins(world):
    credentials = (await register_partner(world))["credentials"]
    async with bank(world, "192.0.2.77") as client:
        for _ in range(5):
            wrong = await client.post(
                "/api/v1/partner/token",
                data={"grant_type": "client_credentials"},
                auth=(credentials["client_id"], "mbs_wrong"),
            )
            assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_client"
            assert wrong.json()["detail"] == "客户端编号或客户端密钥错误。"
        right = await client.post(
            "/api/v1/partner/token",
            data={"grant_type": "client_credentials"},
            auth=(credentials["client_id"], credentials["client_secret"]),
        )
        assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
        refused = await client.post(
            "/api/v1/partner/token", data={"grant_type": "password"}, auth=("a", "b")
        )
        assert refused.status_code == 400 and refused.json()["code"] == "unsupported_grant_type"
    async with bank(world, "192.0.2.78") as elsewhere:
        answer = await elsewhere.post(
            "/api/v1/partner/token",
            data={"grant_type": "client_credentials"},
            auth=(credentials["client_id"], credentials["client_secret"]),
        )
    assert answer.status_code == 200, answer.text


async def test_new_credentials_retire_the_old_secret_and_its_tokens(world):
    registered = await register_partner(world)
    old = registered["credentials"]
    token = await partner_token(world, old)
    renewed = await world.district_admin.client.post(
        f"/api/v1/partners/{registered['partner']['id']}/credentials"
    )
    assert renewed.status_code == 201, renewed.text
    new = renewed.json()
    assert new["client_id"] != old["client_id"]
    async with bank(world) as client:
        stale = await client.post(
            "/api/v1/partner/token",
            data={"grant_type": "client_credentials"},
            auth=(old["client_id"], old["client_secret"]),
        )
        assert stale.status_code == 401
    with pytest.raises(PartnerTokenRefused):
        await authenticated_partner(f"Bearer {token}")
    fresh = await partner_token(world, new)
    assert (await authenticated_partner(f"Bearer {fresh}")).partner.name == "海曙农商银行"


async def test_a_token_request_that_is_no_form_is_refused_in_words(world):
    async with bank(world) as client:
        as_json = await client.post("/api/v1/partner/token", json={"grant_type": "x"})
        crowded = await client.post("/api/v1/partner/token", data={f"f{i}": "x" for i in range(30)})
    for refused in (as_json, crowded):
        assert refused.status_code == 400 and refused.json()["code"] == "unsupported_grant_type"
        assert refused.json()["detail"] == "请以表单提交 `grant_type=client_credentials`。"
