"""The console's scheduled work: dashboards of every district and community, precomputed."""

from __future__ import annotations

from typing import Any

from console.pages.dashboard import refresh_snapshots
from kernel.scheduler import job


@job("console-dashboards", schedule="*/10 * * * *")
async def console_dashboards() -> dict[str, Any]:
    """Rolls up every district's past days for the dashboards and adds up the dashboards of
    every district and community over the last twelve months."""
    return await refresh_snapshots()
