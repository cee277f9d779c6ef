"""Volunteer star levels (★ to ★★★★★) by cumulative verified hours in every district. The
platform's five star badges (`star` 1 to 5, inserted by migration 0009) are their one
definition: the badge job awards them by the residents' totals (`credits.totals`), and a
resident's summary and the dashboards rate the same totals by their thresholds."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from credits.models import from_units
from credits.recognition.models import BadgeDefinition
from credits.totals import among, metric_sql
from kernel.scope import Condition
from kernel.sql import query_rows

_HOURS = f"SELECT value FROM ({metric_sql('hours_total')}) hours"
# Read once per process: the star badges are the platform's, inserted by migrations, and no
# endpoint edits them (districts define badges without a star).
_thresholds: tuple[Decimal, ...] = ()


async def star_thresholds() -> list[Decimal]:
    """The verified hours each star level needs, level 1 first."""
    global _thresholds
    if not _thresholds:
        _thresholds = tuple(await _read_thresholds())
    return list(_thresholds)


async def _read_thresholds() -> list[Decimal]:
    thresholds = (
        await BadgeDefinition.filter(
            district_id__isnull=True, star__isnull=False, criterion_kind="hours_total"
        )
        .order_by("star")
        .values_list("threshold", flat=True)
    )
    return [_plain(Decimal(str(threshold))) for threshold in thresholds]


def _plain(hours: Decimal) -> Decimal:
    """100.00 reads 100, as the badges' descriptions say it."""
    return hours.quantize(Decimal(1)) if hours == hours.to_integral_value() else hours


def star_for(hours: Decimal, thresholds: list[Decimal]) -> int:
    """The star level reached with `hours` (0: none yet)."""
    return sum(1 for threshold in thresholds if hours >= threshold)


async def star_of(hours: Decimal) -> int:
    return star_for(hours, await star_thresholds())


async def residents_by_star(residents: Condition) -> dict[int, int]:
    """How many of the residents `residents` selects (a condition on the resident table) are
    at each star level; those who never served are left out."""
    thresholds = await star_thresholds()
    rows = await query_rows(_HOURS, {}, residents=among(residents))
    return dict(Counter(star_for(from_units(int(row["value"] or 0)), thresholds) for row in rows))
