"""The residents' work as the dashboards count it, for some places: service records, verified
hours and approved deeds by civility action, community or day, and the residents active."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from accounts.scope import Places
from activities.scope import readable_attendances, readable_corrections, readable_deeds
from kernel.auth import Principal
from kernel.sql import Fragment, query_rows

# What each figure counts, written once for the rolled-up days and the live ones:
# a service record is one record (a reversal none: its negative hours take the record's back),
RECORDS = "SUM(CASE WHEN kind = 'record' THEN 1 ELSE 0 END)"
# verified hours (one decimal) as whole tenths, so sums are exact on both databases,
TENTHS = "CAST(ROUND(SUM(hours) * 10) AS BIGINT)"
# a deed counts once approved, on the day it happened,
APPROVED = "status = 'approved'"
# and a resident is active on a day they have a service record (of any kind) or an approved
# deed (`active_days`, `participants`, `new_participants`).

# The columns a figure can be grouped by: "district_id", "community_id", "action" or "day"
# (the day served or the day a deed happened).
Key = str
Days = tuple[date, date]  # the local days first..last, inclusive
_DAY = {"service_record": "served_on", "deed": "occurred_on"}


@dataclass(frozen=True)
class Work:
    """Service records, verified hours in tenths and approved deeds."""

    records: int = 0
    tenths: int = 0
    deeds: int = 0


def _columns(table: str, keys: Sequence[Key]) -> tuple[str, str]:
    """The select list (named as `keys`) and the grouping of `keys` on `table`."""
    columns = [_DAY[table] if key == "day" else key for key in keys]
    named = [f"{c} AS {k}" if c != k else c for c, k in zip(columns, keys, strict=True)]
    return ", ".join(named), ", ".join(columns)


def _since(column: str, start: date | None) -> str:
    return f"{column} >= :from AND " if start else ""


def records_by(
    keys: Sequence[Key], places: Places, start: date | None, to: date, *, unindexed: bool = False
) -> Fragment:
    """A SELECT of the service records (`records`) and verified hours (`tenths`) served in
    `places` on the days `start`..`to`, by `keys`. `unindexed`: for a few days (SQLite reads
    them by the date's index)."""
    named, grouped = _columns("service_record", keys)
    where = places.where().sql("service_record", unindexed=unindexed)
    return Fragment(
        f"SELECT {named}, {RECORDS} AS records, {TENTHS} AS tenths FROM service_record "
        f"WHERE {_since('served_on', start)}served_on <= :to AND {where.text} "
        f"GROUP BY {grouped}",
        {"to": to, **({"from": start} if start else {}), **where.values},
    )


def deeds_by(
    keys: Sequence[Key], places: Places, start: date | None, to: date, *, unindexed: bool = False
) -> Fragment:
    """A SELECT of the approved deeds (`deeds`) that happened in `places` on the days
    `start`..`to`, by `keys`."""
    named, grouped = _columns("deed", keys)
    where = places.where().sql("deed", unindexed=unindexed)
    return Fragment(
        f"SELECT {named}, COUNT(*) AS deeds FROM deed WHERE {APPROVED} "
        f"AND {_since('occurred_on', start)}occurred_on <= :to AND {where.text} "
        f"GROUP BY {grouped}",
        {"to": to, **({"from": start} if start else {}), **where.values},
    )


async def work(places: Places, start: date, to: date, by: Key) -> dict[str, Work]:
    """Records, hours and deeds of the days `start`..`to` (a few: the days after the rollup)
    by `by`, a civility action or a community."""
    found: dict[str, Work] = {}
    records = records_by((by,), places, start, to, unindexed=True)
    for row in await query_rows(records.text, records.values):
        found[row[by]] = Work(records=int(row["records"] or 0), tenths=int(row["tenths"] or 0))
    deeds = deeds_by((by,), places, start, to, unindexed=True)
    for row in await query_rows(deeds.text, deeds.values):
        was = found.get(row[by], Work())
        found[row[by]] = Work(was.records, was.tenths, int(row["deeds"] or 0))
    return found


def active_days(
    places: Places, before: date, *, per_community: bool, deeds: bool = True
) -> Fragment:
    """A SELECT of every day `day` before `before` a resident (`resident_id`) was active in
    `places`, with `c` their community (`per_community`) or empty; `deeds=False`: the days
    they served (service records) alone."""
    key = "community_id" if per_community else "''"
    records = places.where().sql("service_record")
    text = (
        f"SELECT resident_id, {key} AS c, served_on AS day FROM service_record "
        f"WHERE {records.text} AND served_on < :active_before"
    )
    values = {"active_before": before, **records.values}
    if deeds:
        approved = places.where().sql("deed")
        text += (
            f" UNION SELECT resident_id, {key} AS c, occurred_on AS day FROM deed "
            f"WHERE {APPROVED} AND {approved.text} AND occurred_on < :active_before"
        )
        values.update(approved.values)
    return Fragment(text, values)


async def participants(places: Places, start: date, to: date) -> int:
    """Residents active in `places` on the days `start`..`to`."""
    rows = await query_rows(
        "SELECT COUNT(*) AS n FROM (SELECT resident_id FROM service_record "
        "WHERE served_on >= :from AND served_on <= :to AND {records} UNION "
        f"SELECT resident_id FROM deed WHERE {APPROVED} "
        "AND occurred_on >= :from AND occurred_on <= :to AND {deeds}) people",
        {"from": start, "to": to},
        records=places.where().sql("service_record"),
        deeds=places.where().sql("deed"),
    )
    return int(rows[0]["n"]) if rows else 0


async def new_participants(places: Places, days: Days, since: date) -> int:
    """Residents active in `places` on `days` (a few) and not from `since` to the day before
    them: those a count of `since`..`days` adds to one of `since`..the day before."""
    where = places.where()
    rows = await query_rows(
        "SELECT COUNT(*) AS n FROM (SELECT resident_id FROM service_record "
        "WHERE served_on >= :live_start AND served_on <= :live_to AND {records} UNION "
        f"SELECT resident_id FROM deed WHERE {APPROVED} AND occurred_on >= :live_start "
        "AND occurred_on <= :live_to AND {deeds}) p WHERE NOT EXISTS (SELECT 1 FROM "
        "service_record s WHERE s.resident_id = p.resident_id AND s.served_on >= :start "
        "AND s.served_on < :live_start AND {earlier_records}) AND NOT EXISTS (SELECT 1 "
        f"FROM deed d WHERE d.resident_id = p.resident_id AND d.{APPROVED} "
        "AND d.occurred_on >= :start AND d.occurred_on < :live_start AND {earlier_deeds})",
        {"live_start": days[0], "live_to": days[1], "start": since},
        records=where.sql("service_record", unindexed=True),
        deeds=where.sql("deed", unindexed=True),
        earlier_records=where.sql("s", unindexed=True),
        earlier_deeds=where.sql("d", unindexed=True),
    )
    return int(rows[0]["n"]) if rows else 0


async def served_by_community(places: Places, start: date, to: date) -> dict[str, int]:
    """Residents who served (a service record) in `places` on `start`..`to`, per community."""
    rows = await query_rows(
        "SELECT community_id AS k, COUNT(DISTINCT resident_id) AS n FROM service_record "
        "WHERE served_on >= :from AND served_on <= :to AND {places} GROUP BY 1",
        {"from": start, "to": to},
        places=places.where().sql("service_record"),
    )
    return {row["k"]: int(row["n"]) for row in rows}


async def new_served_by_community(places: Places, days: Days, since: date) -> dict[str, int]:
    """Residents who served in `places` on `days` (a few) and not in the same community from
    `since` to the day before them, per community."""
    rows = await query_rows(
        "SELECT p.community_id AS k, COUNT(*) AS n FROM (SELECT DISTINCT resident_id, "
        "community_id FROM service_record WHERE served_on >= :from AND served_on <= :to "
        "AND {places}) p WHERE NOT EXISTS (SELECT 1 FROM service_record s "
        "WHERE s.resident_id = p.resident_id AND s.community_id = p.community_id "
        "AND s.served_on >= :start AND s.served_on < :from) GROUP BY 1",
        {"from": days[0], "to": days[1], "start": since},
        places=places.where().sql("service_record", unindexed=True),
    )
    return {row["k"]: int(row["n"]) for row in rows}


async def waiting(who: Principal) -> dict[str, int]:
    """The work waiting for the caller: attendances, deeds and corrections to decide."""
    return {
        "attendances": await readable_attendances(who).rows().filter(status="pending").count(),
        "deeds": await readable_deeds(who).rows().filter(status="pending").count(),
        "corrections": await readable_corrections(who).rows().filter(status="pending").count(),
    }
