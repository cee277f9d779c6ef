"""Awarding badges set-based: one statement reads the ledger once and writes every
(resident, badge) whose criterion is met into the run's working set (`badge_candidate`); then,
per chunk of residents and in its own transaction, one statement inserts the awards
(`ON CONFLICT DO NOTHING`, so a re-run or a concurrent run adds nothing), one revokes the
awards no longer met, and the last ones queue the notices.

A badge's criterion is one of the residents' metrics (`credits.totals.metrics_sql`, read from
the running totals the ledger posts; the job reads only those within reach of a badge).
Platform badges count a resident's entries in every district; a district's own badges count
those in the district.

Revocation policy: only a reversal lowers these totals. When reversals take a resident below
a badge's threshold (a record found false, fraud included), the award is revoked with that
reason, its credential's status bit is set, and the resident is told. A revoked award stays,
so the badge is not awarded again to that resident: revocation is final, as the status
list's `revocation` purpose means."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from credits.recognition.models import BadgeDefinition
from credits.recognition.queries import (
    AFFECTED,
    AWARD,
    BADGE_NOTICES,
    CANDIDATES,
    FORGET,
    LEDGER_WATERMARK,
    RESIDENT_AT,
    REVOKE,
    REVOKED_NOTICES,
    STAR_NOTICES,
)
from kernel.models import JobRun
from kernel.outbox import queue_notifications_from
from kernel.settings import get_settings
from kernel.sql import analyze, db_time, execute, query_rows, set_local

CHUNK = 20_000
ABOVE_EVERY_ID = "z" * 27  # ids are 26 lower-case letters and digits
REVERSED = "撤销：冲正后的记录已不满足该徽章的条件"

# A full pass at least this often, whatever happened: it also sees entries whose transaction
# committed after a later one's (serial ids are handed out before commit).
FULL_PASS_EVERY = timedelta(hours=24)


@dataclass(frozen=True)
class Pass:
    """What a run reads: every resident (`since` None), or those with entries after `since`."""

    since: int | None
    until: int
    full_pass_at: str

    def residents(self, column: str) -> str:
        """What fills a statement's `{residents}` slot: nothing, or the affected residents."""
        return "" if self.since is None else AFFECTED[column]


async def plan_pass(now: datetime) -> Pass:
    """A full pass the first time, after a badge was defined, and once a day; otherwise an
    incremental one from the last successful run's ledger watermark."""
    rows = await query_rows(LEDGER_WATERMARK, {})
    until = int(rows[0]["top"])
    last = (
        await JobRun.filter(job="award-badges", status="succeeded").order_by("-started_at").first()
    )
    stats = last.stats if last is not None else {}
    since, full_pass_at = stats.get("ledger_watermark"), stats.get("full_pass_at")
    if (
        last is None
        or since is None
        or full_pass_at is None
        or datetime.fromisoformat(full_pass_at) < now - FULL_PASS_EVERY
        or await BadgeDefinition.filter(created_at__gte=last.started_at).exists()
    ):
        return Pass(None, until, now.isoformat())
    return Pass(int(since), until, str(full_pass_at))


async def resident_chunks(size: int = CHUNK) -> AsyncIterator[tuple[str, str]]:
    """Ranges (low, high] of resident ids, `size` residents each."""
    low = ""
    while True:
        rows = await query_rows(RESIDENT_AT, {"low": low, "offset": size - 1})
        if not rows:
            yield low, ABOVE_EVERY_ID
            return
        high = str(rows[0]["id"])
        yield low, high
        low = high


def _params(
    run: str, now: datetime, scope: Pass | None = None, low: str = "", high: str = ABOVE_EVERY_ID
) -> dict[str, Any]:
    return {
        "since": scope.since if scope is not None else None,
        "until": scope.until if scope is not None else None,
        "low": low,
        "high": high,
        "now": db_time(now),
        "stale": db_time(now - timedelta(days=1)),
        "now_text": now.isoformat(),
        "run": run,
        "reason": REVERSED,
        "revoked_by": f"job:award-badges:{run}",
        "credentials": get_settings().public_base_url.rstrip("/") + "/credentials/",
    }


async def find_candidates(*, run: str, now: datetime, scope: Pass) -> int:
    """Every (resident, badge) met now, into `badge_candidate` under `run`."""
    await set_local("work_mem", "'256MB'")  # the residents' sums, hashed in memory
    # Compiling this one statement took 1.4 s of a 1,000,000-resident pass (JIT), for
    # aggregates the executor runs as fast without it.
    await set_local("jit", "off")
    found = await execute(
        CANDIDATES, _params(run, now, scope), residents=scope.residents("e.owner_id")
    )
    await analyze("badge_candidate")
    return found


async def award_chunk(
    low: str, high: str, *, run: str, now: datetime, scope: Pass
) -> dict[str, int]:
    """Awards, revokes and queues the notices for residents in (low, high]."""
    params = _params(run, now, scope, low, high)
    awarded = await execute(AWARD, params)
    revoked = await execute(REVOKE, params, residents=scope.residents("resident_id"))
    notices = 0
    if awarded:
        notices += await queue_notifications_from(BADGE_NOTICES, params)
        notices += await queue_notifications_from(STAR_NOTICES, params)
    if revoked:
        notices += await queue_notifications_from(REVOKED_NOTICES, params)
    return {"awarded": awarded, "revoked": revoked, "notices": notices}


async def forget_candidates(*, run: str, now: datetime) -> None:
    """Drops the run's working set, and any a crashed run left behind."""
    await execute(FORGET, _params(run, now))
