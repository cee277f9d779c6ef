"""Scheduled work of recognition: awarding badges set-based over the ledger, honour rolls."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from credits.recognition import awarding, honour_rolls
from kernel.db import transaction
from kernel.ids import new_id
from kernel.scheduler import job


@job("award-badges", schedule="*/15 * * * *", transactional=False)
async def award_badges() -> dict[str, Any]:
    """Awards every badge whose criterion a resident meets, revokes those reversals undid,
    and queues the notices: the ledger is read once, then written per chunk of residents."""
    run = new_id()
    now = datetime.now(UTC)
    scope = await awarding.plan_pass(now)
    totals: dict[str, Any] = {"chunks": 0, "awarded": 0, "revoked": 0, "notices": 0}
    async with transaction():
        totals["candidates"] = await awarding.find_candidates(run=run, now=now, scope=scope)
    async for low, high in awarding.resident_chunks():
        async with transaction():
            counts = await awarding.award_chunk(low, high, run=run, now=now, scope=scope)
        totals["chunks"] += 1
        for key, value in counts.items():
            totals[key] += value
    async with transaction():
        await awarding.forget_candidates(run=run, now=now)
    totals["pass"] = "full" if scope.since is None else "incremental"
    totals["ledger_watermark"] = scope.until
    totals["full_pass_at"] = scope.full_pass_at
    return totals


@job("honour-roll", schedule="30 2 * * *")
async def honour_roll() -> dict[str, Any]:
    """Snapshots each district's honour roll of the month in progress, and finishes last
    month's if its snapshot was taken before the month ended."""
    return await honour_rolls.snapshot(datetime.now(UTC))
