"""Scheduled work of the accountability domain: rectification reminders and escalation, and
the quarterly red/black list drafts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.accounts.models import District
from app.core.scheduler import job
from oversight.lists import compute_district
from oversight.rectification import remind_and_escalate
from oversight.rules import previous_period


@job("oversight-rectification", schedule="*/30 * * * *")
async def rectification_reminders() -> dict[str, Any]:
    """Reminds units before a rectification deadline; marks overdue tasks and escalates them."""
    return await remind_and_escalate(datetime.now(UTC))


@job("oversight-lists", schedule="30 2 1 1,4,7,10 *")
async def draft_lists() -> dict[str, Any]:
    """Scores every unit for the quarter just ended and drafts each district's red/black lists."""
    now = datetime.now(UTC)
    period = previous_period(now)
    totals = {"districts": 0, "scored_units": 0, "lists": 0, "entries": 0}
    for district_id in await District.all().values_list("id", flat=True):
        stats = await compute_district(str(district_id), period, now=now)
        totals["districts"] += 1
        for key, value in stats.items():
            totals[key] += value
    return {"period": period, **totals}
