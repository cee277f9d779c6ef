"""The rows of the console's ledger export: the residents' side of every credit transaction of
a period the caller may read (the domain's scope), in id order, a chunk at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import date

from credits.models import Entry, LedgerTransaction
from credits.scope import readable_entries
from kernel import localtime
from kernel.auth import Principal
from kernel.tabular import chunks


def resident_entries(who: Principal, start: date, to: date) -> AsyncIterator[list[Entry]]:
    """The residents' credit entries written on the local days `start`..`to`."""
    begin, end = localtime.day_bounds(start, to)
    entries = (
        readable_entries(who)
        .rows()
        .filter(owner_kind="resident", asset="credits", created_at__gte=begin, created_at__lt=end)
    )
    return chunks(entries, 0)


async def memos(transaction_ids: Iterable[str]) -> dict[str, str]:
    """The memos of the transactions a chunk of entries belongs to."""
    wanted = set(transaction_ids)
    found = await LedgerTransaction.filter(id__in=wanted).values_list("id", "memo")
    return dict(found)
