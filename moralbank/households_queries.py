"""Households' raw statements, written once for both databases (`kernel.sql`): their
balances and ranks in their communities, and the members' participations the rollup has not
decided yet."""

from __future__ import annotations

# Each household of `{households}` (a narrowing on alias `h`; the same on alias `r` as
# `{chosen}`) with its credits, its members now and its rank among all the households of its
# community by the credits it has earned (equal credits, equal rank): what its head redeemed
# (`hold`, and `void` when a hold came back) moves its balance, never its standing.
STANDINGS = """
WITH earned AS (
  SELECT c.id, c.community_id, COALESCE(a.balance, 0) AS balance,
    COALESCE((SELECT SUM(e.amount) FROM ledger_entry e
      WHERE e.account_id = a.id AND e.kind NOT IN ('hold', 'void')), 0) AS earned
  FROM household c
  LEFT JOIN ledger_account a ON a.owner_kind = 'household' AND a.owner_id = c.id
    AND a.district_id = c.district_id AND a.kind = 'available' AND a.asset = 'credits'
  WHERE c.community_id IN (SELECT h.community_id FROM household h WHERE {households})
), ranked AS (
  SELECT id, balance, RANK() OVER (PARTITION BY community_id ORDER BY earned DESC) AS place
  FROM earned
)
SELECT r.id, r.balance, r.place,
  (SELECT COUNT(*) FROM household_membership m
    WHERE m.household_id = r.id AND m.status = 'member') AS members
FROM ranked r WHERE {chosen}
"""

# Members' credits earned by participations (not reversed) while they were members of a
# household, that no run has decided yet: oldest first, `:limit` at a time.
UNDECIDED_PARTICIPATIONS = """
SELECT t.id, t.district_id, t.occurred_at, t.action, e.owner_id AS resident_id,
  e.amount, m.household_id
FROM ledger_transaction t
JOIN ledger_entry e ON e.transaction_id = t.id AND e.owner_kind = 'resident'
  AND e.account_kind = 'available' AND e.asset = 'credits' AND e.amount > 0
JOIN household_membership m ON m.resident_id = e.owner_id AND m.joined_at IS NOT NULL
  AND m.joined_at <= t.occurred_at AND (m.left_at IS NULL OR m.left_at > t.occurred_at)
WHERE t.kind = 'participation'
  AND NOT EXISTS (SELECT 1 FROM household_share s WHERE s.id = t.id)
  AND NOT EXISTS (SELECT 1 FROM ledger_transaction v WHERE v.reverses_id = t.id)
ORDER BY t.id
LIMIT :limit
"""

# Shares posted for participations reversed since, whose share is not reversed yet, after
# `:after` (a share id: those waiting for their household's credits are passed over).
SHARES_OF_REVERSED = """
SELECT s.id, s.posted_id FROM household_share s
WHERE s.posted_id IS NOT NULL AND s.id > :after
  AND EXISTS (SELECT 1 FROM ledger_transaction v WHERE v.reverses_id = s.id)
  AND NOT EXISTS (SELECT 1 FROM ledger_transaction w WHERE w.reverses_id = s.posted_id)
ORDER BY s.id
LIMIT :limit
"""
