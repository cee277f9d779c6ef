"""The district reads a partner bank's questions about its households: newest first, paged,
each with when, the household (its community and its head masked, never an ID number), the
purpose and what the bank was told. Only the district's administrators (and the platform's)
read them; a bank of another district is 404."""

from __future__ import annotations

from datetime import timedelta

from kernel import localtime
from tests.moralbank_partners.conftest import (
    bank,
    partner_token,
    register_partner,
    resident_household,
)

ID_NUMBER = "330203198001011231"


async def _head_with_real_name(world) -> str:
    """甲家, headed by the world's resident 甲, who gave the real name 王建国."""
    given = await world.resident.client.post(
        "/api/v1/me/real-name", json={"name": "王建国", "id_number": ID_NUMBER}
    )
    assert given.status_code == 200, given.text
    return await resident_household(world)


async def _ask(world, token: str, household: str, purpose: str) -> int:
    async with bank(world) as client:
        answer = await client.post(
            "/api/v1/partner/attestations",
            json={"household": household, "purpose": purpose},
            headers={"Authorization": f"Bearer {token}"},
        )
    return answer.status_code


async def test_the_district_reads_a_banks_questions_newest_first_a_page_at_a_time(world):
    household = await _head_with_real_name(world)
    registered = await register_partner(world)
    partner_id = registered["partner"]["id"]
    until = (localtime.today() + timedelta(days=30)).isoformat()
    consent = await world.resident.client.post(
        "/api/v1/me/household/consents",
        json={"partner": partner_id, "purpose": "credit_assessment", "until": until},
    )
    assert consent.status_code == 201, consent.text
    token = await partner_token(world, registered["credentials"])
    assert await _ask(world, token, household, "loan_management") == 403
    assert await _ask(world, token, household, "credit_assessment") == 409  # no standing

    url = f"/api/v1/partners/{partner_id}/queries"
    first = await world.district_admin.client.get(url, params={"limit": 1})
    assert first.status_code == 200, first.text
    [newest] = first.json()["items"]
    assert newest["household_id"] == household
    assert (newest["household"], newest["community"]) == ("甲家", "一社区")
    assert newest["head"]["nickname"] == "居民甲"
    assert newest["head"]["real_name_masked"] == "王*国"
    assert (newest["purpose"], newest["purpose_name"]) == ("credit_assessment", "道德贷授信评估")
    assert (newest["outcome"], newest["outcome_name"]) == ("no_standing", "暂无评定结果，未出具")
    older = await world.district_admin.client.get(
        url, params={"limit": 1, "cursor": first.json()["next_cursor"]}
    )
    [earlier] = older.json()["items"]
    assert (earlier["purpose_name"], earlier["outcome_name"]) == ("贷后管理", "未获授权，已拒绝")
    assert earlier["asked_at"] <= newest["asked_at"]
    assert older.json()["next_cursor"] is None
    for answer in (first, older):
        assert "王建国" not in answer.text and ID_NUMBER not in answer.text
        assert ID_NUMBER[-4:] + '"' not in answer.text  # not even the masked number

    every = await world.admin.client.get(url)
    assert len(every.json()["items"]) == 2  # the platform's administrator reads it too


async def test_only_the_districts_administrators_read_a_banks_questions(world):
    registered = await register_partner(world)
    url = f"/api/v1/partners/{registered['partner']['id']}/queries"
    assert (await world.worker.client.get(url)).status_code == 403
    assert (await world.resident.client.get(url)).status_code == 403
    assert (await world.other_worker.client.get(url)).status_code == 403
    nothing = await world.district_admin.client.get(
        "/api/v1/partners/01NOSUCHPARTNER00000000000/queries"
    )
    assert nothing.status_code == 404 and nothing.json()["code"] == "no_such_partner"
