"""Scheduled work of the accountability domain: rectification reminders and escalation, and
the red/black list drafts of each district's period."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from accounts.models import District
from kernel.scheduler import job
from oversight.lists import compute_district
from oversight.rectification import remind_and_escalate
from oversight.rules import previous_period, rules_at


@job("oversight-rectification", schedule="*/30 * * * *")
async def rectification_reminders() -> dict[str, Any]:
    """Reminds units before a rectification deadline; marks overdue tasks and escalates them."""
    return await remind_and_escalate(datetime.now(UTC))


@job("oversight-lists", schedule="30 2 1 * *")
async def draft_lists() -> dict[str, Any]:
    """On the first of each month, for every district: scores every unit for the district's
    last ended period (a month, quarter, half-year or year, by its rules) and drafts its
    red/black lists. A draft is drafted again with what was recorded since; a list already
    sent to its units is kept."""
    now = datetime.now(UTC)
    totals = {"districts": 0, "scored_units": 0, "lists": 0, "entries": 0}
    periods: list[str] = []
    for district_id in await District.all().values_list("id", flat=True):
        kind = (await rules_at(str(district_id), now)).list_period
        period = previous_period(now, kind)
        stats = await compute_district(str(district_id), period, now=now)
        totals["districts"] += 1
        periods.append(period)
        for key, value in stats.items():
            totals[key] += value
    return {"periods": sorted(set(periods)), **totals}
