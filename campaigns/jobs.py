"""Scheduled work of campaigns: the rollup of participants and days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from campaigns.models import Campaign
from campaigns.progress import roll_up
from kernel import localtime
from kernel.db import transaction
from kernel.scheduler import job

# An ended campaign is rolled up this many days more (late reviews and verifications).
AFTER_THE_END = timedelta(days=7)


@job("campaigns-rollup", schedule="*/15 * * * *", transactional=False)
async def campaigns_rollup() -> dict[str, Any]:
    """Each running campaign (and each ended within a week): its new participants (their count
    and bonus posted once) and its communities' days, counted afresh. Idempotent."""
    today = localtime.today()
    totals = {"campaigns": 0, "participants": 0, "posted": 0, "days": 0}
    for campaign in await Campaign.filter(
        starts_on__lte=today, ends_on__gte=today - AFTER_THE_END
    ).order_by("id"):
        async with transaction():
            found = await roll_up(campaign, today=today, actor="job:campaigns-rollup")
        totals["campaigns"] += 1
        for key, value in found.items():
            totals[key] += value
    return totals
