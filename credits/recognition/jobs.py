"""Scheduled work of recognition: awarding badges set-based over the ledger, honour rolls."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.core.db import transaction
from app.core.ids import new_id
from app.core.scheduler import job
from credits.recognition import awarding, honour_rolls


@job("award-badges", schedule="*/15 * * * *", transactional=False)
async def award_badges() -> dict[str, Any]:
    """Awards every badge whose criterion a resident meets, revokes those reversals undid,
    and queues the notices: the ledger is read once, then written per chunk of residents."""
    run = new_id()
    now = datetime.now(UTC)
    totals = {"chunks": 0, "awarded": 0, "revoked": 0, "notices": 0}
    async with transaction():
        totals["candidates"] = await awarding.find_candidates(run=run, now=now)
    async for low, high in awarding.resident_chunks():
        async with transaction():
            counts = await awarding.award_chunk(low, high, run=run, now=now)
        totals["chunks"] += 1
        for key, value in counts.items():
            totals[key] += value
    async with transaction():
        await awarding.forget_candidates(run=run, now=now)
    return totals


@job("honour-roll", schedule="30 2 * * *")
async def honour_roll() -> dict[str, Any]:
    """Snapshots each district's honour roll of the month in progress, and finishes last
    month's if its snapshot was taken before the month ended."""
    return await honour_rolls.snapshot(datetime.now(UTC))
