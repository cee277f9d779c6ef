"""Credits as the dashboards count them, for some places: issued, redeemed and expired, from
the residents' side of the ledger (so a community's share can be counted), by day or month."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from accounts.scope import Places
from kernel import localtime
from kernel.sql import Fragment, db_time, query_rows

# Credits earned (net of reversed earnings), handed over in rewards (out of `held`) and
# expired (out of `available`), from the residents' side of the ledger (entries `e`): the one
# definition of the three figures, for the rolled-up days and the live ones.
ISSUED = "SUM(CASE WHEN e.account_kind = 'available' AND e.earning THEN e.amount ELSE 0 END)"
REDEEMED = "SUM(CASE WHEN e.account_kind = 'held' AND e.kind = 'fulfil' THEN -e.amount ELSE 0 END)"
EXPIRED = (
    "SUM(CASE WHEN e.account_kind = 'available' AND e.kind = 'expire' THEN -e.amount ELSE 0 END)"
)
_SUMS = f"{ISSUED} AS issued, {REDEEMED} AS redeemed, {EXPIRED} AS expired"
_RESIDENTS_CREDITS = "e.owner_kind = 'resident' AND e.asset = 'credits'"

Credits = tuple[int, int, int]  # issued, redeemed, expired, in ledger units


def by_day(places: Places, before: datetime) -> Fragment:
    """A SELECT of the credits (`issued`, `redeemed`, `expired`) of the residents of `places`
    by their district and community and the local day (`day`) before the moment `before`."""
    day = localtime.date_sql("e.created_at")
    where = places.where().sql("r")
    return Fragment(
        f"SELECT r.district_id, r.community_id, {day} AS day, {_SUMS} "
        f"FROM ledger_entry e JOIN resident r ON r.id = e.owner_id WHERE {_RESIDENTS_CREDITS} "
        f"AND {where.text} AND e.created_at < :credits_before "
        f"GROUP BY r.district_id, r.community_id, {day}",
        {"credits_before": db_time(before), **where.values},
    )


async def by_month(
    places: Places, start: date, to: date, *, after_entry: int | None = None
) -> dict[str, Credits]:
    """The credits of the residents of `places` on the local days `start`..`to` (a few: the
    days after the rollup) by local month (`YYYY-MM`); `after_entry`: only entries with a
    greater id (every entry of those days has one)."""
    begin, end = localtime.day_bounds(start, to)
    # After the rollup, the entries above its watermark (a day's worth, not the ledger).
    after = "AND e.id > :watermark" if after_entry is not None else ""
    rows = await query_rows(
        f"SELECT {localtime.month_sql('e.created_at')} AS month, {_SUMS} "
        # CROSS JOIN: SQLite reads the entries first, by id (PostgreSQL plans freely).
        f"FROM ledger_entry e CROSS JOIN resident r WHERE r.id = e.owner_id "
        f"AND {_RESIDENTS_CREDITS} {{after}} "
        "AND e.created_at >= :begin AND e.created_at < :end AND {places} GROUP BY 1",
        {"watermark": after_entry, "begin": db_time(begin), "end": db_time(end)},
        after=after,
        places=places.where().sql("r"),
    )
    return {
        row["month"]: (int(row["issued"] or 0), int(row["redeemed"] or 0), int(row["expired"] or 0))
        for row in rows
    }


async def entries_from(moment: datetime) -> int:
    """An entry id every entry written from `moment` on is above: ids are taken in time order
    (an hour's margin for a transaction that committed late; an entry written back-dated only
    makes a read above it scan a little more)."""
    first = await query_rows(
        "SELECT MIN(id) AS m FROM ledger_entry WHERE created_at >= ?",
        [db_time(moment - timedelta(hours=1))],
    )
    if first[0]["m"] is not None:
        return int(first[0]["m"]) - 1
    last = await query_rows("SELECT MAX(id) AS m FROM ledger_entry", [])
    return int(last[0]["m"] or 0)
