"""The console's scheduled work: dashboards of every district and community, precomputed;
sign-ins, check-in screens and kept forms removed once over."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from console.forms import KEEP_FOR, still_fresh
from console.models import CheckinScreen, ConsoleSession
from console.pages.dashboard import refresh_snapshots
from console.web import AFTERLIFE
from kernel.scheduler import job


@job("console-dashboards", schedule="*/10 * * * *")
async def console_dashboards() -> dict[str, Any]:
    """Rolls up every district's past days for the dashboards and adds up the dashboards of
    every district and community over the last twelve months."""
    return await refresh_snapshots()


@job("console-sessions", schedule="*/10 * * * *")
async def console_sessions() -> dict[str, Any]:
    """Deletes sessions an hour past their absolute limit (their cookie has lapsed, the one
    naming them too) and check-in screens past their activity's grace, and forgets forms
    kept longer than a login takes."""
    now = datetime.now(UTC)
    with_forms = await ConsoleSession.filter(form_state__not_isnull=True).only(
        "id", "form_state", "last_seen_at"
    )
    stale = [
        s.id
        for s in with_forms
        if not (
            still_fresh(s.form_state, now)
            if "kept_at" in s.form_state
            else s.last_seen_at > now - KEEP_FOR
        )
    ]
    return {
        "sessions": await ConsoleSession.filter(expires_at__lte=now - AFTERLIFE).delete(),
        "screens": await CheckinScreen.filter(expires_at__lte=now).delete(),
        "forms": await ConsoleSession.filter(id__in=stale).update(form_state=None),
    }
