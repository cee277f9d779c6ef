"""Scheduled work of households: what members' participations earn their households."""

from __future__ import annotations

from typing import Any

from kernel.scheduler import job
from moralbank import households


@job("household-rollup", schedule="15 * * * *")
async def household_rollup() -> dict[str, Any]:
    """Posts to each household what its members' participations earned it by the district's
    rules (a share, or a household action's whole); safe to run again."""
    return await households.roll_up()
