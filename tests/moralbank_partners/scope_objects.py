"""The moral bank partners' objects of district d1 for the scope matrix and walker: a green card
of resident 甲, scanned once; a merchant that honours it; a partner bank."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import World
from tests.moralbank_partners.conftest import CONTACT, TERMS


async def partner_objects(world: World) -> dict[str, str]:
    granted = await world.district_admin.client.post(
        "/api/v1/green-cards", json={"resident": world.resident.id, "reason": "道德模范"}
    )
    assert granted.status_code == 201, granted.text
    card = (await world.resident.client.get("/api/v1/me/green-cards")).json()["items"][0]
    transport = httpx.ASGITransport(app=world.app, client=("198.51.100.20", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as merchant:
        path = "/green-cards/" + card["link"].rsplit("/green-cards/", 1)[1]
        assert (await merchant.get(path)).status_code == 200
    partner = await world.district_admin.client.post(
        "/api/v1/partners", json={"name": "海曙农商银行", "contact": CONTACT, "terms": TERMS}
    )
    assert partner.status_code == 201, partner.text
    partner_id = partner.json()["partner"]["id"]
    consent_id = await _consent_and_query(world, partner_id, partner.json()["credentials"])
    shop = await world.district_admin.client.post(
        "/api/v1/green-card-merchants",
        json={"name": "汤圆店", "address": "鼓楼步行街", "courtesy": "九折"},
    )
    assert shop.status_code == 201, shop.text
    return {
        "card_id": granted.json()["id"],
        "partner_id": partner_id,
        "consent_id": consent_id,
        "merchant_id": shop.json()["id"],
    }


async def _consent_and_query(world: World, partner_id: str, credentials: dict[str, str]) -> str:
    """甲's household (made if 甲 has none, headed by 甲) consents to the bank, and the bank
    asks once."""
    from accounts.models import Household, Resident
    from kernel import localtime
    from tests.moralbank_partners.conftest import bank, partner_token

    resident = await Resident.get(id=world.resident.id)
    if resident.household_id is None:
        home = await Household.create(
            name="甲家",
            district_id=world.district_id,
            community_id=world.community_id,
            head_id=resident.id,
        )
        await Resident.filter(id=resident.id).update(household_id=home.id)
        resident.household_id = home.id
    consent = await world.resident.client.post(
        "/api/v1/me/household/consents",
        json={
            "partner": partner_id,
            "purpose": "credit_assessment",
            "until": localtime.today().isoformat(),
        },
    )
    assert consent.status_code == 201, consent.text
    token = await partner_token(world, credentials)
    async with bank(world) as client:
        asked = await client.post(
            "/api/v1/partner/attestations",
            json={"household": resident.household_id, "purpose": "credit_assessment"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert asked.status_code in (201, 409), asked.text
    return str(consent.json()["id"])


async def mark_partner_rows(world: World, marker: str) -> None:
    """Tags the texts of c1's rows: the green cards' reasons; and d1's merchants (a resident
    of d1 without a card sees none)."""
    from accounts.models import Resident
    from moralbank.partner_models import GreenCard, GreenCardMerchant, PartnerBank

    c1 = await Resident.filter(community_id=world.community_id).values_list("id", flat=True)
    await GreenCard.filter(resident_id__in=c1).update(grant_reason=f"绿卡{marker}")
    await PartnerBank.filter(district_id=world.district_id).update(name=f"银行{marker}")
    await GreenCardMerchant.filter(district_id=world.district_id).update(name=f"商户{marker}")


def scope_values() -> dict[str, Any]:
    """The partners' scope values, for `test_scope_forms`."""
    from moralbank import partner_scope as scope

    return {
        f"moralbank.partner_scope.{name}": getattr(scope, name)
        for name in (
            "readable_green_cards",
            "managed_green_cards",
            "readable_green_card_scans",
            "managed_merchants",
            "offered_merchants",
            "managed_partners",
            "offered_partners",
            "readable_consents",
            "readable_partner_queries",
        )
    }


async def seed_forms(row: Any, place: Any, resident: Any, household: Any) -> None:
    """A green card of the place's resident, scanned; merchants of its district, active and
    not; a partner of its district; a consent of the place's household to it, and a question
    about it (for `test_scope_forms`)."""
    from moralbank import partner_models as m

    district_id = place.district_id
    card = await row(m.GreenCard, district_id=district_id, resident_id=resident.id)
    await row(m.GreenCardScan, card_id=card.id, district_id=district_id)
    for active in (True, False):
        await row(m.GreenCardMerchant, district_id=district_id, active=active)
    partner = await row(m.PartnerBank, district_id=district_id)
    about = {"district_id": district_id, "household_id": household.id, "partner_id": partner.id}
    await row(m.Consent, **about, given_by_id=resident.id)
    await row(m.PartnerQuery, **about)
