"""Scheduled work of the moral assessment: published results stand when their objections'
time is over, and post to the households' accounts; stars earn green cards by the district's
rule."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kernel.scheduler import job
from moralbank.assessment import stand_due
from moralbank.star_cards import grant_for_stars


@job("assessment-standing", schedule="15 * * * *")
async def assessment_standing() -> dict[str, Any]:
    """Every hour: each published result whose window has closed, with no objection waiting,
    stands and posts its credits to the household, once (safe to run again)."""
    return await stand_due(datetime.now(UTC))


@job("green-card-stars", schedule="45 * * * *")
async def green_card_stars() -> dict[str, Any]:
    """Every hour: each household star of a period that stands earns its head a green card
    where the district's rule says so, once per star (safe to run again)."""
    return await grant_for_stars(datetime.now(UTC))
