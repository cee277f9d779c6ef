"""A provisional look at the lists of the period under way: drafted by the lists' own
computation (`lists.compute_district`) in a savepoint that is then rolled back, so it is the
same rule and nothing of it is kept, sent to a unit or published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kernel.db import transaction
from oversight.lists import compute_district, entries_of
from oversight.models import UnitList
from oversight.rules import period_of, rules_at


@dataclass(frozen=True)
class ProvisionalList:
    unit_type: str
    entries: list[dict[str, Any]]


@dataclass(frozen=True)
class Preview:
    period: str
    scored_units: int
    lists: list[ProvisionalList]


class _Discard(Exception):
    """Raised to roll the drafted preview back, carrying what it showed."""

    def __init__(self, preview: Preview) -> None:
        super().__init__("preview discarded")
        self.preview = preview


async def preview(district_id: str, *, now: datetime | None = None) -> Preview:
    """The district's lists for its current period as they would be drafted if the period
    ended now (by the rules in force now: its period's length and marks)."""
    now = now or datetime.now(UTC)
    period = period_of(now, (await rules_at(district_id, now)).list_period)
    try:
        async with transaction():  # a savepoint inside the request's transaction
            done = await compute_district(district_id, period, now=now)
            drafted = await UnitList.filter(district_id=district_id, period=period).order_by(
                "unit_type"
            )
            raise _Discard(
                Preview(
                    period,
                    done["scored_units"],
                    [ProvisionalList(d.unit_type, await entries_of(d)) for d in drafted],
                )
            )
    except _Discard as discarded:
        return discarded.preview
