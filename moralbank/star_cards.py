"""The green card by the district's rule on stars (`green_card_on_star`): each household star of
a period that stands, in a district whose rule in force at the period's end says so, earns the
household's head a card. Each (household, period) is decided once (`GreenCardStar`), so a rerun,
a concurrent run or a card revoked since never brings a second card for the same star."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from accounts.models import Community, DistrictRulesVersion, Household, Resident
from accounts.service import rules_at
from kernel import localtime
from kernel.i18n import N_, translate, use_locale
from kernel.ids import new_id
from kernel.sql import db_time, query_rows
from moralbank import green_cards
from moralbank.assessment import stars
from moralbank.assessment_models import Assessment
from moralbank.partner_models import GreenCardStar

RULE_NAMES = {
    "off": N_("Off"),
    "yearly": N_("A star of the year earns the head a green card"),
    "quarterly": N_("A star of any quarter earns the head a green card"),
}
GRANTED_BY = "rule:green_card_on_star"
REASON = N_(
    "{household} is a moral star of {community} for {period} ({score} points): granted by the "
    "district's green-card rule."
)
# The star's row, unless a run decided it already (or is deciding it now: on PostgreSQL the
# second insert waits for the first transaction and then finds the row).
CLAIM = (
    "INSERT INTO green_card_star (id, district_id, community_id, household_id, period, outcome, "
    "decided_at) VALUES (:id, :district, :community, :household, :period, 'pending', :at) "
    "ON CONFLICT (household_id, period) DO NOTHING RETURNING id"
)


def _quarters(period: str) -> list[str]:
    return [f"{period[:4]}Q{n}" for n in range(1, 5)] if period.endswith("Y") else [period]


def period_end(period: str) -> datetime:
    """The last moment of a quarter or a year: the rule in force then judges its stars."""
    return localtime.quarter_bounds(_quarters(period)[-1])[1] - timedelta(seconds=1)


async def grant_for_stars(now: datetime) -> dict[str, int]:
    """For each district whose rule was ever on: every period over, judged by the rule in
    force at its end, and in each of its communities whose assessments of the period all
    stand, each star decided once: a card for the head (`granted`), nothing when the head
    holds a card already (`held`) or the household has none (`no_head`)."""
    counts: Counter[str] = Counter()
    for district_id, since in (await _districts_ever_on()).items():
        for period in await _periods(district_id, since, now):
            rule = (await rules_at(district_id, period_end(period))).green_card_on_star
            if rule != ("yearly" if period.endswith("Y") else "quarterly"):
                continue
            communities = await _standing_communities(district_id, period)
            for community in await stars(communities, period):
                for star in community["stars"]:
                    outcome = await _decide(district_id, community, period, star, now)
                    if outcome:
                        counts[outcome] += 1
    return {outcome: counts[outcome] for outcome in ("granted", "held", "no_head")}


async def _districts_ever_on() -> dict[str, datetime]:
    """The districts whose green-card rule was on in some version, each with the first such
    version's start: no period ending before it can earn a card."""
    first: dict[str, datetime] = {}
    for version in await DistrictRulesVersion.all():
        if (version.rules or {}).get("green_card_on_star", "off") == "off":
            continue
        district, since = version.district_id, version.effective_from
        first[district] = min(first.get(district, since), since)
    return first


async def _periods(district_id: str, since: datetime, now: datetime) -> list[str]:
    """The quarters with standing results in the district and their years, over by `now` and
    ending after the rule was first on, oldest first."""
    quarters = {
        str(period)
        for period in await Assessment.filter(district_id=district_id, status="standing")
        .distinct()
        .values_list("period", flat=True)
    }
    periods = quarters | {f"{quarter[:4]}Y" for quarter in quarters}
    return sorted(p for p in periods if since <= period_end(p) < now)


async def _standing_communities(district_id: str, period: str) -> list[Community]:
    """The communities whose assessments of the period (of each of its quarters, for a year)
    all stand: their stars cannot change any more."""
    rows = await Assessment.filter(district_id=district_id, period__in=_quarters(period)).values(
        "community_id", "status"
    )
    standing = {row["community_id"] for row in rows}
    standing -= {row["community_id"] for row in rows if row["status"] != "standing"}
    return await Community.filter(id__in=standing).order_by("code")


async def _decide(
    district_id: str, community: dict[str, Any], period: str, star: dict[str, Any], now: datetime
) -> str | None:
    household_id = star["household_id"]
    claimed = await query_rows(
        CLAIM,
        {
            "id": new_id(),
            "district": district_id,
            "community": community["community_id"],
            "household": household_id,
            "period": period,
            "at": db_time(now),
        },
    )
    if not claimed:
        return None
    household = await Household.get(id=household_id)
    head = None
    if household.head_id is not None:
        # The head's row is locked as a decision's grant locks it: one card at a time.
        head = (
            await Resident.select_for_update()
            .filter(id=household.head_id, district_id=district_id)
            .first()
        )
    outcome, card_id = "no_head", None
    if head is not None:
        held = await green_cards.held_card(head.id)
        if held is not None:
            outcome, card_id = "held", held.id
        else:
            card = await green_cards.issue(
                head.id,
                district_id,
                reason=_reason(household.name, community["community_name"], period, star["score"]),
                granted_by=GRANTED_BY,
                basis="star",
            )
            outcome, card_id = "granted", card.id
    await GreenCardStar.filter(id=claimed[0]["id"]).update(
        outcome=outcome,
        score=star["score"],
        resident_id=head.id if head else None,
        card_id=card_id,
    )
    return outcome


def _reason(household: str, community: str, period: str, score: Decimal) -> str:
    """The card's reason, in Chinese whoever ran the job: it is kept on the card."""
    with use_locale("zh"):
        return translate(
            REASON,
            household=household,
            community=community,
            period=localtime.period_name(period),
            score=format(Decimal(score).normalize(), "f"),
        )
