"""The dashboard's figures, within the caller's scope: open problems by category and
community with their age, rectification on time against overdue, inspection scores by month,
and how the lists moved from one period to the next."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tortoise.expressions import RawSQL
from tortoise.functions import Count

from kernel import localtime
from kernel.auth import Principal
from oversight.models import ListEntry, ListEntryRemoval
from oversight.scope import readable_inspections, readable_lists, readable_reports, readable_tasks

OPEN = ("submitted", "confirmed")


async def open_problems(who: Principal, now: datetime) -> list[dict[str, Any]]:
    grid: dict[tuple[str, str], dict[str, Any]] = {}
    for label, since in (("open", None), ("older_than_7_days", 7), ("older_than_30_days", 30)):
        found = readable_reports(who).rows().filter(status__in=OPEN)
        if since is not None:
            found = found.filter(created_at__lt=now - timedelta(days=since))
        rows = (
            await found.annotate(n=Count("id"))
            .group_by("category", "community_id")
            .values("category", "community_id", "n")
        )
        for row in rows:
            cell = grid.setdefault(
                (row["category"], row["community_id"]),
                {
                    "category": row["category"],
                    "community_id": row["community_id"],
                    "open": 0,
                    "older_than_7_days": 0,
                    "older_than_30_days": 0,
                },
            )
            cell[label] = row["n"]
    return [grid[key] for key in sorted(grid)]


async def rectification(who: Principal, now: datetime) -> dict[str, int]:
    stats = {"closed_on_time": 0, "closed_late": 0, "open_on_time": 0, "open_overdue": 0}
    rows = await readable_tasks(who).rows().values_list("deadline", "closed_at")
    for deadline, closed_at in rows:
        if closed_at is not None:
            stats["closed_on_time" if closed_at <= deadline else "closed_late"] += 1
        else:
            stats["open_on_time" if now <= deadline else "open_overdue"] += 1
    return stats


async def inspection_scores(who: Principal, since: datetime) -> list[dict[str, Any]]:
    months: dict[str, list[Decimal]] = defaultdict(list)
    # The local month in SQL: a year of inspections turned into datetimes one by one took
    # most of the page's time.
    rows = (
        await readable_inspections(who)
        .rows()
        .filter(status="recorded", inspected_at__gte=since)
        .annotate(month=RawSQL(localtime.month_sql("inspected_at")))
        .values_list("month", "score")
    )
    for month, score in rows:
        months[str(month)].append(Decimal(score))
    return [
        {
            "month": month,
            "inspections": len(scores),
            "average_score": (sum(scores, Decimal(0)) / len(scores)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            ),
        }
        for month, scores in sorted(months.items())
    ]


async def list_movement(who: Principal) -> list[dict[str, Any]]:
    lists = (
        await readable_lists(who)
        .rows()
        .filter(status__in=("noticed", "published"))
        .order_by("unit_type", "period")
    )
    entries = await ListEntry.filter(list_id__in=[lst.id for lst in lists]).values_list(
        "id", "list_id", "unit_id", "colour"
    )
    removed = set(
        await ListEntryRemoval.filter(entry_id__in=[e[0] for e in entries]).values_list(
            "entry_id", flat=True
        )
    )
    by_list: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"red": set(), "black": set()})
    for entry_id, list_id, unit_id, colour in entries:
        if entry_id not in removed:
            by_list[list_id][colour].add(unit_id)
    movement = []
    previous: dict[str, set[str]] = {}
    for unit_list in lists:
        black = by_list[unit_list.id]["black"]
        before = previous.get(unit_list.unit_type, set())
        movement.append(
            {
                "unit_type": unit_list.unit_type,
                "period": unit_list.period,
                "red": len(by_list[unit_list.id]["red"]),
                "black": len(black),
                "entered_black": len(black - before),
                "left_black": len(before - black),
            }
        )
        previous[unit_list.unit_type] = black
    return movement


async def dashboard(who: Principal, *, since: datetime | None = None) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "open_problems": await open_problems(who, now),
        "rectification": await rectification(who, now),
        "inspection_scores": await inspection_scores(who, since or now - timedelta(days=365)),
        "list_movement": await list_movement(who),
    }
