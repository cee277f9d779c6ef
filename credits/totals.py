"""What a resident has achieved, defined once: their totals read from the running counters the
ledger posts with every entry (`resident_total`). The badge job and a resident's summary and
badge progress all read them through `METRICS`, so they count alike.

The metrics, each per resident and `scope` (a district, or NULL: all districts), in hundredths
(`SCALE`): `hours_total` (verified hours), `credits_earned` (credits entries that carry an
action: earnings and their reversals, never spending or expiry), `action_count` per action
(one per verified attendance or approved deed), `distinct_actions` (the actions practised) and
`campaign` per campaign (its id as the action: 1 once the resident took part)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from accounts.models import Resident
from credits.models import SCALE, from_units
from kernel.scope import Condition, within
from kernel.sql import Fragment, query_rows

# The metrics, one SELECT each: (kind, scope, value, which sums, grouped by). A scope of
# `district_id` is per district, NULL all districts.
_BRANCHES = (
    ("hours_total", "district_id", "SUM(total)", "asset = 'hours'", "resident_id, district_id"),
    ("hours_total", None, "SUM(total)", "asset = 'hours'", "resident_id"),
    ("credits_earned", "district_id", "SUM(total)", "asset = 'credits' AND action IS NOT NULL",
     "resident_id, district_id"),
    ("credits_earned", None, "SUM(total)", "asset = 'credits' AND action IS NOT NULL",
     "resident_id"),
    ("action_count", "district_id", "total", "asset = 'participations' AND action IS NOT NULL",
     None),
    ("action_count", None, "SUM(total)", "asset = 'participations' AND action IS NOT NULL",
     "resident_id, action"),
    ("distinct_actions", "district_id", f"{SCALE} * COUNT(*)",
     "asset = 'participations' AND action IS NOT NULL AND total > 0", "resident_id, district_id"),
    ("distinct_actions", None, f"{SCALE} * COUNT(DISTINCT action)",
     "asset = 'participations' AND action IS NOT NULL AND total > 0", "resident_id"),
    ("campaign", "district_id", "total", "asset = 'campaigns'", None),
    ("campaign", None, "SUM(total)", "asset = 'campaigns'", "resident_id, action"),
)  # fmt: skip
UNION = "\n    UNION ALL\n    "
_ASSET_OF_KIND = (
    "CASE b.criterion_kind WHEN 'hours_total' THEN 'hours' WHEN 'credits_earned' THEN 'credits' "
    "WHEN 'campaign' THEN 'campaigns' ELSE 'participations' END"
)


def _sums(assets: str) -> str:
    return (
        "SELECT e.owner_id AS resident_id, e.district_id, e.asset, NULLIF(e.action, '') AS action,"
        f" e.amount AS total FROM resident_total e WHERE {assets} {{residents}}"
    )


def metrics_sql(*, within_reach: bool = False) -> str:
    """The `metrics` CTE. `within_reach` (the badge job) leaves out what no badge can be met
    with: the assets and the (kind, scope) pairs no badge is defined on, and values below the
    lowest threshold of their kind and scope. It prunes, never adds: a resident meets a badge
    by it exactly when they do by the whole metrics. The `{residents}` slot narrows the
    residents read (`OF_RESIDENT`, `among`, or nothing: every resident)."""
    assets = "e.asset IN ('hours', 'participations', 'credits', 'campaigns')"
    if within_reach:
        assets += f" AND e.asset IN (SELECT {_ASSET_OF_KIND} FROM badge_definition b)"
    branches: list[str] = []
    for kind, scope, value, where, group_by in _BRANCHES:
        names = (" AS scope", " AS kind", " AS action", " AS value") if not branches else ("",) * 4
        action = "action" if kind in ("action_count", "campaign") else "NULL"
        branch = (
            f"SELECT resident_id, {scope or 'NULL'}{names[0]}, '{kind}'{names[1]}, "
            f"{action}{names[2]}, {value}{names[3]}\n    FROM sums WHERE {where}"
        )
        if within_reach:
            badges = (
                f"FROM badge_definition b WHERE b.criterion_kind = '{kind}' "
                f"AND b.district_id IS {'NOT ' if scope else ''}NULL"
            )
            lowest = f"(SELECT MIN(CAST(b.threshold AS NUMERIC)) * {SCALE} {badges})"
            branch += f"\n      AND EXISTS (SELECT 1 {badges})"
            if group_by is None:
                branch += f"\n      AND {value} >= {lowest}"
        if group_by is not None:
            branch += f"\n    GROUP BY {group_by}"
            if within_reach:
                branch += f" HAVING {value} >= {lowest}"
        branches.append(branch)
    return f"""
WITH sums AS (
    {_sums(assets)}
),
metrics AS (
    {UNION.join(branches)}
)
"""


METRICS = metrics_sql()
# What fills the metrics' `{residents}` slot: one resident (`:resident`), or those a condition
# on the resident table selects (`among`).
OF_RESIDENT = "AND e.owner_id = :resident"


def among(residents: Condition) -> Fragment:
    narrowed = within("owner_id", Resident, "id", residents).sql("e")
    return Fragment(f"AND {narrowed.text}", narrowed.values)


def metric_sql(kind: str) -> str:
    """One metric over every district (`METRICS`' branch of `kind` with no scope), one row per
    resident (and action): `resident_id`, `value`. The `{residents}` slot narrows the residents."""
    value, where, group_by = next(b[2:] for b in _BRANCHES if b[0] == kind and b[1] is None)
    return (
        f"SELECT resident_id, {value} AS value FROM ({_sums('1 = 1')}) sums "
        f"WHERE {where} GROUP BY {group_by}"
    )


# A badge is judged by the metric of its kind, its action and its district (none: every
# district). The badge job joins badges to metrics by this condition; a resident's progress
# looks a badge's metric up by `metric_key`, the same three parts.
BADGE_METRIC = (
    "m.kind = b.criterion_kind AND COALESCE(m.scope, '') = COALESCE(b.district_id, '') "
    "AND COALESCE(m.action, '') = COALESCE(b.criterion_action, '')"
)


def metric_key(kind: str, district_id: str | None, action: str | None) -> tuple[str, str, str]:
    return kind, district_id or "", action or ""


# Every metric of one resident, per district and over every district: one statement.
_STANDINGS = METRICS + "SELECT kind, scope, action, value FROM metrics"


@dataclass(frozen=True)
class Standings:
    """A resident's metrics, each as a badge's threshold reads it (hours, credits, counts)."""

    values: dict[tuple[str, str, str], Decimal]

    def of(self, kind: str, district_id: str | None, action: str | None) -> Decimal:
        """The value a badge of `kind` (of `district_id`, None: the platform's; for `action`)
        is judged by, as the badge job judges it."""
        return self.values.get(metric_key(kind, district_id, action), Decimal(0))


async def resident_standings(resident_id: str) -> Standings:
    rows = await query_rows(_STANDINGS, {"resident": resident_id}, residents=OF_RESIDENT)
    return Standings(
        {
            metric_key(row["kind"], row["scope"], row["action"]): from_units(int(row["value"] or 0))
            for row in rows
        }
    )


# One round trip: the resident's credit balances (available, held) and metrics, all districts
# (`source`, `key`, `action`, `value`; a caller may append rows of another `source` with
# UNION ALL, as the summary does with the badges held). Its `{residents}` slot takes
# `OF_RESIDENT`.
RESIDENT_TOTALS = (
    METRICS
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


async def resident_totals(resident_id: str) -> ResidentTotals:
    """Hours, credits (available, held, earned) and participations per action, all districts."""
    return totals_from(
        await query_rows(RESIDENT_TOTALS, {"resident": resident_id}, residents=OF_RESIDENT)
    )


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
