"""A household's consent to a partner bank (PIPL art. 23) and the bank's attestation: refused
without consent, a VC-JWT of the band and period with it (verified with joserfc against the
published JWKS and checked against the W3C VC data model 2.0), revoked in the status list the
moment consent is withdrawn and refused after; every question shown to the household; the
resident sees what the band means at each partner."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import KeySet
from jsonschema import Draft202012Validator, FormatChecker

from kernel import localtime
from tests.moralbank.assessment_world import (
    assessment_of,
    assessment_world,
    past_deadline,
    review_body,
)
from tests.moralbank_partners.conftest import CONTACT, bank, partner_token, register_partner

SCHEMA = json.loads((Path(__file__).parent / "vc_data_model_2_0_schema.json").read_text())
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning")


async def _standing_household(world) -> tuple[str, str]:
    """王家 (the world's resident's household) assessed, published and standing at 100."""
    from moralbank.assessment_models import Assessment

    homes = await assessment_world(world)
    wang = await assessment_of(world.worker, homes.wang, homes.period)
    url = f"/api/v1/assessments/{wang['id']}"
    assert (await world.worker.client.post(f"{url}/review", json=review_body())).is_success
    assert (await world.worker.client.post(f"{url}/publication")).is_success
    await Assessment.filter(id=wang["id"]).update(objection_deadline=past_deadline())
    stood = await world.admin.client.post("/api/v1/jobs/assessment-standing/run")
    assert stood.json()["stats"]["stood"] == 1, stood.text
    return homes.wang, homes.period


async def _ask(world, token: str, household: str, purpose: str = "credit_assessment"):
    async with bank(world) as client:
        return await client.post(
            "/api/v1/partner/attestations",
            json={"household": household, "purpose": purpose},
            headers={"Authorization": f"Bearer {token}"},
        )


async def _consent(world, partner_id: str, days: int = 30) -> dict[str, Any]:
    until = (localtime.today() + timedelta(days=days)).isoformat()
    given = await world.resident.client.post(
        "/api/v1/me/household/consents",
        json={"partner": partner_id, "purpose": "credit_assessment", "until": until},
    )
    assert given.status_code == 201, given.text
    return dict(given.json())


async def _verify(world, token: str) -> dict[str, Any]:
    """The VC-JWT verified with nothing but the service's published JWKS (joserfc)."""
    async with bank(world) as client:
        keys = KeySet.import_key_set((await client.get("/.well-known/jwks.json")).json())
    verified = jws.deserialize_compact(token, keys, algorithms=["EdDSA"])
    assert verified.headers()["typ"] == "vc+jwt"
    return dict(json.loads(verified.payload))


async def _status_bit(world, credential: dict[str, Any]) -> int:
    entry = credential["credentialStatus"]
    path = entry["statusListCredential"].split("127.0.0.1:8000", 1)[1]
    async with bank(world) as client:
        signed = await client.get(path, headers={"Accept": "application/vc+jwt"})
    assert signed.status_code == 200 and signed.headers["content-type"] == "application/vc+jwt"
    status_list = await _verify(world, signed.text)
    Draft202012Validator(SCHEMA, format_checker=FormatChecker()).validate(status_list)
    encoded = status_list["credentialSubject"]["encodedList"][1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    index = int(entry["statusListIndex"])
    return (bits[index // 8] >> (7 - index % 8)) & 1


async def test_a_consented_bank_gets_a_verifiable_credential_of_the_band_and_period_only(world):
    household, period = await _standing_household(world)
    registered = await register_partner(world)
    token = await partner_token(world, registered["credentials"])
    await _consent(world, registered["partner"]["id"])
    answer = await _ask(world, token, household)
    assert answer.status_code == 201, answer.text
    assert (answer.json()["band"], answer.json()["period"]) == ("AAA", period)

    credential = await _verify(world, answer.json()["vc_jwt"])
    Draft202012Validator(SCHEMA, format_checker=FormatChecker()).validate(credential)
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["type"] == ["VerifiableCredential", "MoralStandingCredential"]
    assert credential["issuer"]["id"].endswith("/issuers/d1")
    assert credential["validFrom"] < credential["validUntil"]
    assert credential["credentialSubject"] == {
        "id": f"urn:moralbank:household:{household}",
        "type": "Household",
        "band": "AAA",
        "bandScheme": "海曙农商银行",
        "assessmentPeriod": period,
        "assessmentPeriodName": localtime.period_name(period),
    }
    text = json.dumps(credential, ensure_ascii=False)
    for never in ("score", "items", "deduction", "居民甲", world.resident.id, "points", "veto"):
        assert never not in text
    assert await _status_bit(world, credential) == 0


async def test_without_consent_the_bank_is_refused_and_the_household_sees_who_asked(world):
    household, _period = await _standing_household(world)
    registered = await register_partner(world)
    token = await partner_token(world, registered["credentials"])
    refused = await _ask(world, token, household)
    assert refused.status_code == 403 and refused.json()["code"] == "consent_required"
    assert "未就此用途授权贵行" in refused.json()["detail"]
    asked = await world.resident.client.get("/api/v1/me/household/partner-queries")
    [query] = asked.json()["items"]
    assert (query["partner"], query["purpose_name"], query["outcome"]) == (
        "海曙农商银行",
        "道德贷授信评估",
        "no_consent",
    )
    stranger = await world.other_resident.client.get("/api/v1/me/household/partner-queries")
    assert stranger.json()["items"] == []


async def test_withdrawing_consent_revokes_the_attestation_at_once_and_refuses_new_ones(world):
    household, _period = await _standing_household(world)
    registered = await register_partner(world)
    token = await partner_token(world, registered["credentials"])
    consent = await _consent(world, registered["partner"]["id"])
    assert consent["until"] == (localtime.today() + timedelta(days=30)).isoformat()
    issued = await _ask(world, token, household)
    credential = await _verify(world, issued.json()["vc_jwt"])
    assert await _status_bit(world, credential) == 0

    withdrawn = await world.resident.client.post(
        f"/api/v1/me/household/consents/{consent['id']}/withdrawal"
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["state"] == "withdrawn"
    assert await _status_bit(world, credential) == 1
    again = await _ask(world, token, household)
    assert again.status_code == 403 and again.json()["code"] == "consent_required"
    asked = await world.resident.client.get("/api/v1/me/household/partner-queries")
    assert [q["outcome"] for q in asked.json()["items"]] == ["no_consent", "issued"]
    mine = await world.resident.client.get("/api/v1/me/household/consents")
    assert [c["state"] for c in mine.json()["items"]] == ["withdrawn"]


async def test_only_the_head_consents_and_withdraws_while_every_member_reads(world):
    """王奶奶, a member of 王家 but not its head, may neither consent nor withdraw the head's
    consent; she still sees the household's consents and who asked about it."""
    from accounts.models import Resident

    household, _period = await _standing_household(world)
    grandma = await world.new_resident("o-wang-grandma")
    await Resident.filter(id=grandma.id).update(household_id=household)
    registered = await register_partner(world)
    partner_id = registered["partner"]["id"]
    until = (localtime.today() + timedelta(days=30)).isoformat()
    refused = await grandma.client.post(
        "/api/v1/me/household/consents",
        json={"partner": partner_id, "purpose": "credit_assessment", "until": until},
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "not_the_head"
    assert refused.json()["detail"] == "只有户主可以这样做。"
    assert (await grandma.client.get("/api/v1/me/household/consents")).json()["items"] == []

    consent = await _consent(world, partner_id)
    issued = await _ask(world, await partner_token(world, registered["credentials"]), household)
    assert issued.status_code == 201, issued.text
    kept = await grandma.client.post(f"/api/v1/me/household/consents/{consent['id']}/withdrawal")
    assert kept.status_code == 403 and kept.json()["code"] == "not_the_head"
    seen = await grandma.client.get("/api/v1/me/household/consents")
    assert [(c["id"], c["state"]) for c in seen.json()["items"]] == [(consent["id"], "live")]
    asked = await grandma.client.get("/api/v1/me/household/partner-queries")
    assert [q["outcome"] for q in asked.json()["items"]] == ["issued"]
    offers = await grandma.client.get("/api/v1/me/household/partners")
    assert offers.status_code == 200 and len(offers.json()["items"]) == 1


async def test_the_resident_sees_what_the_households_band_means_at_each_partner(world):
    _household, period = await _standing_household(world)
    await register_partner(world)
    offers = await world.resident.client.get("/api/v1/me/household/partners")
    assert offers.status_code == 200, offers.text
    [offer] = offers.json()["items"]
    assert offer["contact"] == CONTACT
    assert offer["name"] == "海曙农商银行" and len(offer["terms"]) == 3
    assert offer["band"] == {
        "band": "AAA",
        "min_score": 90,
        "max_score": 100,
        "loan_limit": 300000,
        "rate": "年利率 3.85% 起",
    }
    assert (offer["period"], offer["period_name"]) == (period, localtime.period_name(period))
    neighbour = await world.new_resident("o-no-household")
    [theirs] = (await neighbour.client.get("/api/v1/me/household/partners")).json()["items"]
    assert theirs["band"] is None and theirs["period"] is None and theirs["period_name"] is None
    elsewhere = await world.other_resident.client.get("/api/v1/me/household/partners")
    assert elsewhere.json()["items"] == []


async def test_consent_is_for_a_partner_of_the_district_a_purpose_and_at_most_a_year(world):
    await _standing_household(world)
    partner_id = (await register_partner(world))["partner"]["id"]
    too_long = (localtime.today() + timedelta(days=400)).isoformat()
    refused = await world.resident.client.post(
        "/api/v1/me/household/consents",
        json={"partner": partner_id, "purpose": "credit_assessment", "until": too_long},
    )
    assert refused.status_code == 422 and refused.json()["code"] == "consent_period"
    await _consent(world, partner_id)
    twice = await world.resident.client.post(
        "/api/v1/me/household/consents",
        json={
            "partner": partner_id,
            "purpose": "credit_assessment",
            "until": localtime.today().isoformat(),
        },
    )
    assert twice.status_code == 409 and twice.json()["code"] == "consent_exists"
    today = localtime.today().isoformat()
    lonely = await world.new_resident("o-alone")
    no_home = await lonely.client.post(
        "/api/v1/me/household/consents",
        json={"partner": partner_id, "purpose": "credit_assessment", "until": today},
    )
    assert no_home.status_code == 409 and no_home.json()["detail"] == "您还不是任何家庭的成员。"
    from accounts.models import Household, Resident

    other_home = await Household.create(
        name="外区家庭",
        district_id=world.other_district_id,
        community_id=await _community_of(world.other_district_id),
        head_id=world.other_resident.id,
    )
    await Resident.filter(id=world.other_resident.id).update(household_id=other_home.id)
    outside = await world.other_resident.client.post(
        "/api/v1/me/household/consents",
        json={"partner": partner_id, "purpose": "credit_assessment", "until": today},
    )
    assert outside.status_code == 404 and outside.json()["code"] == "no_such_partner"
    foreign = await world.other_resident.client.post(
        f"/api/v1/me/household/consents/{(await _consent_ids(world))[0]}/withdrawal"
    )
    assert foreign.status_code == 404


async def _consent_ids(world) -> list[str]:
    mine = await world.resident.client.get("/api/v1/me/household/consents")
    return [c["id"] for c in mine.json()["items"]]


async def test_a_bank_asks_only_about_its_districts_households_and_only_with_its_token(world):
    household, _period = await _standing_household(world)
    registered = await register_partner(world)
    async with bank(world) as client:
        as_resident = await client.post(
            "/api/v1/partner/attestations",
            json={"household": household, "purpose": "credit_assessment"},
            headers={"Authorization": f"Bearer {world.resident.token}"},
        )
    assert as_resident.status_code == 401 and as_resident.json()["code"] == "invalid_token"
    from accounts.models import Household

    other = await Household.create(
        name="外区家庭",
        district_id=world.other_district_id,
        community_id=(await _community_of(world.other_district_id)),
    )
    token = await partner_token(world, registered["credentials"])
    elsewhere = await _ask(world, token, other.id)
    assert elsewhere.status_code == 404
    from moralbank.partner_models import PartnerQuery

    assert await PartnerQuery.filter(household_id=other.id).count() == 0


async def _community_of(district_id: str) -> str:
    from accounts.models import Community

    return (await Community.get(district_id=district_id)).id
