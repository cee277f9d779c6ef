"""The moral bank partners' objects of district d1 for the scope matrix and walker: a green card
of resident 甲, scanned once; a partner bank."""

from __future__ import annotations

import httpx

from tests.conftest import World
from tests.moralbank_partners.conftest import TERMS


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
        "/api/v1/partners", json={"name": "海曙农商银行", "terms": TERMS}
    )
    assert partner.status_code == 201, partner.text
    return {"card_id": granted.json()["id"], "partner_id": partner.json()["partner"]["id"]}


async def mark_partner_rows(world: World, marker: str) -> None:
    """Tags the texts of c1's rows: the green cards' reasons."""
    from accounts.models import Resident
    from moralbank.partner_models import GreenCard, PartnerBank

    c1 = await Resident.filter(community_id=world.community_id).values_list("id", flat=True)
    await GreenCard.filter(resident_id__in=c1).update(grant_reason=f"绿卡{marker}")
    await PartnerBank.filter(district_id=world.district_id).update(name=f"银行{marker}")
