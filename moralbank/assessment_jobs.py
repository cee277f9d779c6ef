"""Scheduled work of the moral assessment: published results stand when their objections'
time is over, and post to the households' accounts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kernel.scheduler import job
from moralbank.assessment import stand_due


@job("assessment-standing", schedule="15 * * * *")
async def assessment_standing() -> dict[str, Any]:
    """Every hour: each published result whose window has closed, with no objection waiting,
    stands and posts its credits to the household, once (safe to run again)."""
    return await stand_due(datetime.now(UTC))
