"""The badges' and honour rolls' raw statements, written once for both databases
(`kernel.sql`): the award job's passes, its notices, the rolls' rankings, a resident's summary
and a district's roll. Scopes fill the `{slot}`s named for them (`credits.recognition.scope`,
`accounts.scope`); the residents' metrics are `credits.totals`'."""

from __future__ import annotations

from credits.models import SCALE
from credits.totals import BADGE_METRIC, RESIDENT_TOTALS, metrics_sql

# One pass over the ledger finds every (resident, badge) whose criterion is met: each
# resident's totals per district (`scope` = the district) and over all districts (`scope`
# NULL, for platform badges), in hundredths, joined with the badges they reach. The
# `{residents}` slot narrows an incremental pass (`AFFECTED`).
CANDIDATES = (
    "INSERT INTO badge_candidate (run, resident_id, badge_id, district_id, created_at)"
    + metrics_sql(within_reach=True)
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
WHERE revoked_at IS NULL AND resident_id > :low AND resident_id <= :high {residents}
  AND NOT EXISTS (
    SELECT 1 FROM badge_candidate c
    WHERE c.run = :run AND c.resident_id = badge_award.resident_id
      AND c.badge_id = badge_award.badge_id
  )
"""

FORGET = "DELETE FROM badge_candidate WHERE run = :run OR created_at < :stale"

# An incremental pass looks only at residents with ledger entries since the last pass: what
# fills the `{residents}` slot of `CANDIDATES` (the ledger's `e.owner_id`) and `REVOKE`.
AFFECTED = {
    "e.owner_id": "AND e.owner_id IN (SELECT n.owner_id FROM ledger_entry n"
    " WHERE n.id > :since AND n.id <= :until AND n.owner_kind = 'resident')",
    "resident_id": "AND resident_id IN (SELECT n.owner_id FROM ledger_entry n"
    " WHERE n.id > :since AND n.id <= :until AND n.owner_kind = 'resident')",
}
# The highest resident id at `:offset` residents past `:low` (none: fewer are left).
RESIDENT_AT = "SELECT id FROM resident WHERE id > :low ORDER BY id LIMIT 1 OFFSET :offset"
# The ledger's last entry id: the watermark an incremental pass starts from next time.
LEDGER_WATERMARK = "SELECT COALESCE(MAX(id), 0) AS top FROM ledger_entry"

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


RANKED = """
SELECT district_id, subject, total FROM (
    SELECT e.district_id AS district_id, {subject} AS subject, SUM(e.amount) AS total,
           ROW_NUMBER() OVER (
               PARTITION BY e.district_id ORDER BY SUM(e.amount) DESC, {subject}
           ) AS position
    FROM ledger_entry e
    JOIN resident r ON r.id = e.owner_id
    {join}
    WHERE e.owner_kind = 'resident' AND e.account_kind = 'available' AND e.asset = :asset
      AND e.created_at >= :start AND e.created_at < :end {condition}
    GROUP BY e.district_id, {subject}
    HAVING SUM(e.amount) > 0
) ranked
WHERE position <= :top
ORDER BY district_id, position
"""

BOARDS: dict[str, dict[str, str]] = {
    "hours": {
        "asset": "hours",
        "subject": "r.id",
        "join": "",
        "condition": "AND r.public_profile = TRUE",
    },
    "credits": {
        "asset": "credits",
        "subject": "r.id",
        "join": "",
        "condition": "AND e.action IS NOT NULL AND r.public_profile = TRUE",
    },
    "communities": {
        "asset": "hours",
        "subject": "c.id",
        "join": "JOIN community c ON c.id = r.community_id AND c.district_id = e.district_id",
        "condition": "",
    },
}


# The summary in one statement: the totals' rows, then one row per badge held (`value`: its
# place in the order earned).
SUMMARY = (
    RESIDENT_TOTALS + " UNION ALL SELECT 'badge', b.code, b.name, "
    "ROW_NUMBER() OVER (ORDER BY a.awarded_at, a.id) "
    "FROM badge_award a JOIN badge_definition b ON b.id = a.badge_id "
    "WHERE a.resident_id = :resident AND a.revoked_at IS NULL"
)


# A district's roll (the latest, or of a period) and its lines, in one statement: no row means
# no such district in the caller's scope, a row without a roll id means no such roll.
HONOUR_ROLL = """
SELECT d.code AS district_code, r.id, r.period, r.taken_at, r.status, r.published_at,
       e.id AS line_id, e.board, e.display_name, e.value, e.removed_reason, e.removed_at
FROM district d
LEFT JOIN honour_roll r ON r.id = (
    SELECT h.id FROM honour_roll h
    WHERE h.district_id = d.id AND {rolls}{in_period}
    ORDER BY h.period DESC LIMIT 1
)
LEFT JOIN honour_roll_entry e ON e.roll_id = r.id
WHERE d.code = :code AND {districts}
ORDER BY e.board, e.rank
"""
