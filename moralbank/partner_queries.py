"""What a district reads of one partner bank's questions about its households: when, which
household (its community and its head as the console shows people, never an ID number), the
purpose and what the bank was told, newest first. The households read the same questions
from their side (`/api/v1/me/household/partner-queries`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accounts.models import Community, Household, Resident
from kernel.auth import Principal
from kernel.http import PageQuery, paginate
from moralbank.partner_models import PartnerBank, PartnerQuery
from moralbank.partner_scope import readable_partner_queries


@dataclass(frozen=True)
class AskedAbout:
    """One question of the partner, with the household it was about and its head now."""

    query: PartnerQuery
    household: Household
    community: Community
    head: Resident | None


async def asked_by(partner: PartnerBank, *, who: Principal, page: PageQuery) -> dict[str, Any]:
    """The partner's questions a page at a time, newest first (`items`: `AskedAbout`, and
    `next_cursor`); the partner as the caller reads it (`partners.readable_partner`: 404
    outside the caller's district), its questions within the caller's scope."""
    found = await paginate(readable_partner_queries(who).rows().filter(partner_id=partner.id), page)
    queries: list[PartnerQuery] = found["items"]
    households = {h.id: h for h in await Household.filter(id__in={q.household_id for q in queries})}
    communities = {
        c.id: c
        for c in await Community.filter(id__in={h.community_id for h in households.values()})
    }
    head_ids = {h.head_id for h in households.values() if h.head_id}
    heads = {r.id: r for r in await Resident.filter(id__in=head_ids)} if head_ids else {}
    items = []
    for query in queries:
        household = households[query.household_id]
        items.append(
            AskedAbout(
                query=query,
                household=household,
                community=communities[household.community_id],
                head=heads.get(household.head_id or ""),
            )
        )
    return {**found, "items": items}
