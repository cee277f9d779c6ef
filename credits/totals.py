"""What a resident has achieved, defined once: their totals read from the running counters the
ledger posts with every entry (`resident_total`). The badge job and a resident's summary and
badge progress all read them through `METRICS`, so they count alike.

The metrics, each per resident and `scope` (a district, or NULL: all districts), in hundredths
(`SCALE`): `hours_total` (verified hours), `credits_earned` (credits entries that carry an
action: earnings and their reversals, never spending or expiry), `action_count` per action
(one per verified attendance or approved deed) and `distinct_actions` (the actions practised)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.core.sql import query_rows
from credits.models import SCALE, from_units

# `/*residents*/` is where a caller narrows the residents read (an `AND e.owner_id …` clause).
METRICS = f"""
WITH sums AS (
    SELECT e.owner_id AS resident_id, e.district_id, e.asset, NULLIF(e.action, '') AS action,
           e.amount AS total
    FROM resident_total e
    WHERE e.asset IN ('hours', 'participations', 'credits') /*residents*/
),
metrics AS (
    SELECT resident_id, district_id AS scope, 'hours_total' AS kind, NULL AS action,
           SUM(total) AS value
    FROM sums WHERE asset = 'hours' GROUP BY resident_id, district_id
    UNION ALL
    SELECT resident_id, NULL, 'hours_total', NULL, SUM(total)
    FROM sums WHERE asset = 'hours' GROUP BY resident_id
    UNION ALL
    SELECT resident_id, district_id, 'credits_earned', NULL, SUM(total)
    FROM sums WHERE asset = 'credits' AND action IS NOT NULL GROUP BY resident_id, district_id
    UNION ALL
    SELECT resident_id, NULL, 'credits_earned', NULL, SUM(total)
    FROM sums WHERE asset = 'credits' AND action IS NOT NULL GROUP BY resident_id
    UNION ALL
    SELECT resident_id, district_id, 'action_count', action, total
    FROM sums WHERE asset = 'participations' AND action IS NOT NULL
    UNION ALL
    SELECT resident_id, NULL, 'action_count', action, SUM(total)
    FROM sums WHERE asset = 'participations' AND action IS NOT NULL
    GROUP BY resident_id, action
    UNION ALL
    SELECT resident_id, district_id, 'distinct_actions', NULL, {SCALE} * COUNT(*)
    FROM sums WHERE asset = 'participations' AND action IS NOT NULL AND total > 0
    GROUP BY resident_id, district_id
    UNION ALL
    SELECT resident_id, NULL, 'distinct_actions', NULL, {SCALE} * COUNT(DISTINCT action)
    FROM sums WHERE asset = 'participations' AND action IS NOT NULL AND total > 0
    GROUP BY resident_id
)
"""

# One round trip: the resident's credit balances (available, held) and metrics, all districts
# (`source`, `key`, `action`, `value`; a caller may append rows of another `source` with
# UNION ALL, as the summary does with the badges held).
RESIDENT_TOTALS = (
    METRICS.replace("/*residents*/", "AND e.owner_id = :resident")
    + "SELECT 'metric' AS source, kind AS key, action, value FROM metrics WHERE scope IS NULL "
    "UNION ALL SELECT 'balance', kind, NULL, SUM(balance) FROM ledger_account "
    "WHERE owner_kind = 'resident' AND owner_id = :resident AND asset = 'credits' GROUP BY kind"
)


@dataclass
class ResidentTotals:
    hours_total: Decimal = Decimal("0.00")
    credits_balance: Decimal = Decimal("0.00")
    credits_held: Decimal = Decimal("0.00")
    credits_earned: Decimal = Decimal("0.00")
    actions: dict[str, int] = field(default_factory=dict)
    distinct_actions: int = 0

    def standing(self, kind: str, action: str | None = None) -> Decimal:
        """The resident's value of a badge criterion (`METRICS`' kinds), all districts."""
        if kind == "hours_total":
            return self.hours_total
        if kind == "credits_earned":
            return self.credits_earned
        if kind == "action_count":
            return Decimal(self.actions.get(action or "", 0))
        return Decimal(self.distinct_actions)


async def resident_totals(resident_id: str) -> ResidentTotals:
    """Hours, credits (available, held, earned) and participations per action, all districts."""
    return totals_from(await query_rows(RESIDENT_TOTALS, {"resident": resident_id}))


def totals_from(rows: list[dict[str, Any]]) -> ResidentTotals:
    """The totals from the rows of `RESIDENT_TOTALS` (rows of other sources are left out)."""
    totals = ResidentTotals()
    for row in rows:
        if row["source"] not in ("balance", "metric"):
            continue
        value = int(row["value"] or 0)
        if row["source"] == "balance":
            if row["key"] == "available":
                totals.credits_balance = from_units(value)
            elif row["key"] == "held":
                totals.credits_held = from_units(value)
        elif row["key"] == "hours_total":
            totals.hours_total = from_units(value)
        elif row["key"] == "credits_earned":
            totals.credits_earned = from_units(value)
        elif row["key"] == "action_count" and value // SCALE:
            totals.actions[row["action"]] = value // SCALE
        elif row["key"] == "distinct_actions":
            totals.distinct_actions = value // SCALE
    totals.actions = dict(sorted(totals.actions.items()))
    return totals
