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

from tortoise import connections

from credits.models import SCALE
from credits.recognition.models import BadgeDefinition
from credits.totals import BADGE_METRIC, metrics_sql
from kernel.db import dialect
from kernel.models import JobRun
from kernel.outbox import queue_notifications_from
from kernel.settings import get_settings
from kernel.sql import db_time, execute, script, statement

CHUNK = 20_000
ABOVE_EVERY_ID = "z" * 27  # ids are 26 lower-case letters and digits
REVERSED = "撤销：冲正后的记录已不满足该徽章的条件"

# One pass over the ledger finds every (resident, badge) whose criterion is met: each
# resident's totals per district (`scope` = the district) and over all districts (`scope`
# NULL, for platform badges), in hundredths, joined with the badges they reach.
CANDIDATES = (
    "INSERT INTO badge_candidate (run, resident_id, badge_id, district_id, created_at)"
    + metrics_sql(within_reach=True).replace("/*residents*/", "/*affected residents*/")
    + f"""
SELECT CAST(:run AS VARCHAR(26)), m.resident_id, b.id, COALESCE(b.district_id, r.district_id), :now
FROM metrics m
JOIN badge_definition b ON {BADGE_METRIC}
JOIN resident r ON r.id = m.resident_id
WHERE m.value >= CAST(b.threshold AS NUMERIC) * {SCALE}
  AND COALESCE(b.district_id, r.district_id) IS NOT NULL
"""
)

AWARD = """
INSERT INTO badge_award (public_id, district_id, resident_id, badge_id, awarded_at, awarded_run)
SELECT {random_id}, c.district_id, c.resident_id, c.badge_id, :now, CAST(:run AS VARCHAR(26))
FROM badge_candidate c
WHERE c.run = :run AND c.resident_id > :low AND c.resident_id <= :high
ON CONFLICT (resident_id, badge_id) DO NOTHING
"""

# An award is revoked when its resident no longer meets its badge.
REVOKE = """
UPDATE badge_award
SET revoked_at = :now, revocation_reason = :reason, revoked_by = :revoked_by
WHERE revoked_at IS NULL AND resident_id > :low AND resident_id <= :high /*affected residents*/
  AND NOT EXISTS (
    SELECT 1 FROM badge_candidate c
    WHERE c.run = :run AND c.resident_id = badge_award.resident_id
      AND c.badge_id = badge_award.badge_id
  )
"""

FORGET = "DELETE FROM badge_candidate WHERE run = :run OR created_at < :stale"

# An incremental pass looks only at residents with ledger entries since the last pass.
AFFECTED = {
    "e.owner_id": "AND e.owner_id IN (SELECT n.owner_id FROM ledger_entry n"
    " WHERE n.id > :since AND n.id <= :until AND n.owner_kind = 'resident')",
    "resident_id": "AND resident_id IN (SELECT n.owner_id FROM ledger_entry n"
    " WHERE n.id > :since AND n.id <= :until AND n.owner_kind = 'resident')",
}
# A full pass at least this often, whatever happened: it also sees entries whose transaction
# committed after a later one's (serial ids are handed out before commit).
FULL_PASS_EVERY = timedelta(hours=24)


@dataclass(frozen=True)
class Pass:
    """What a run reads: every resident (`since` None), or those with entries after `since`."""

    since: int | None
    until: int
    full_pass_at: str

    def only_affected(self, template: str, column: str) -> str:
        clause = "" if self.since is None else AFFECTED[column]
        return template.replace("/*affected residents*/", clause)


async def plan_pass(now: datetime) -> Pass:
    """A full pass the first time, after a badge was defined, and once a day; otherwise an
    incremental one from the last successful run's ledger watermark."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT COALESCE(MAX(id), 0) AS top FROM ledger_entry"
    )
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


# The notices, queued through the outbox in one statement each.
BADGE_NOTICES = """
SELECT 'resident' AS recipient_kind, a.resident_id AS recipient_id, 'badge_awarded' AS topic,
       {json}('badge_code', b.code, 'badge_name', b.name, 'awarded_at', CAST(:now_text AS TEXT),
              'credential_url', CAST(:credentials AS TEXT) || a.public_id){json_cast} AS payload
FROM badge_award a JOIN badge_definition b ON b.id = a.badge_id
WHERE a.awarded_run = :run AND a.resident_id > :low AND a.resident_id <= :high
  AND b.star IS NULL
"""

# Crossing several star levels at once (a first run, a large back-fill) is one notice, of the
# highest level reached.
STAR_NOTICES = """
SELECT 'resident' AS recipient_kind, a.resident_id AS recipient_id, 'star_upgraded' AS topic,
       {json}('star', b.star, 'badge_name', b.name, 'awarded_at', CAST(:now_text AS TEXT),
              'credential_url', CAST(:credentials AS TEXT) || a.public_id){json_cast} AS payload
FROM badge_award a JOIN badge_definition b ON b.id = a.badge_id
WHERE a.awarded_run = :run AND a.resident_id > :low AND a.resident_id <= :high
  AND b.star IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM badge_award a2 JOIN badge_definition b2 ON b2.id = a2.badge_id
    WHERE a2.resident_id = a.resident_id AND a2.awarded_run = :run AND b2.star > b.star
  )
"""

REVOKED_NOTICES = """
SELECT 'resident' AS recipient_kind, a.resident_id AS recipient_id, 'badge_revoked' AS topic,
       {json}('badge_code', b.code, 'badge_name', b.name,
              'reason', a.revocation_reason){json_cast} AS payload
FROM badge_award a JOIN badge_definition b ON b.id = a.badge_id
WHERE a.revoked_by = :revoked_by AND a.resident_id > :low AND a.resident_id <= :high
"""


async def resident_chunks(size: int = CHUNK) -> AsyncIterator[tuple[str, str]]:
    """Ranges (low, high] of resident ids, `size` residents each."""
    connection = connections.get("default")
    low = ""
    while True:
        sql, values = statement(
            "SELECT id FROM resident WHERE id > :low ORDER BY id LIMIT 1 OFFSET :offset",
            {"low": low, "offset": size - 1},
        )
        rows = await connection.execute_query_dict(sql, values)
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
    if dialect() == "postgres":
        await script("SET LOCAL work_mem = '256MB'")  # the residents' sums, hashed in memory
        # Compiling this one statement took 1.4 s of a 1,000,000-resident pass (JIT), for
        # aggregates the executor runs as fast without it.
        await script("SET LOCAL jit = off")
    found = await execute(scope.only_affected(CANDIDATES, "e.owner_id"), _params(run, now, scope))
    if dialect() == "postgres":
        await script("ANALYZE badge_candidate")
    return found


async def award_chunk(
    low: str, high: str, *, run: str, now: datetime, scope: Pass
) -> dict[str, int]:
    """Awards, revokes and queues the notices for residents in (low, high]."""
    params = _params(run, now, scope, low, high)
    awarded = await execute(AWARD, params)
    revoked = await execute(scope.only_affected(REVOKE, "resident_id"), params)
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
