"""Expiry of earned credits by the district's policy, oldest first.

Earned credits are lots with an expiry date; every other movement of a resident's credits is a
flow that consumes the lots that expire first. What is due is then `max(0, lots due − consumed)`
for each account, and posting it is itself a flow: a second run finds nothing more to expire."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from credits import ledger
from credits.ledger import Leg, district_account, resident_account
from credits.models import from_units
from credits.queries import ACCOUNT_DUE, EXPIRY_CANDIDATES, LOCK_ACCOUNT
from kernel import localtime
from kernel.i18n import N_
from kernel.sql import query_rows


async def expire_credits(now: datetime | None = None) -> dict[str, Any]:
    """Posts an `expire` transaction for every resident whose earned credits are past due."""
    now = now or datetime.now(UTC)
    day = localtime.local_date(now).isoformat()
    accounts, units = 0, 0
    for candidate in await query_rows(EXPIRY_CANDIDATES, [now, now]):
        account_id = candidate["account_id"]
        # Lock the account, then recompute: a spend that raced the scan consumed lots too.
        locked = await query_rows(LOCK_ACCOUNT, [account_id])
        due = int((await query_rows(ACCOUNT_DUE, [now, account_id]))[0]["due"] or 0)
        amount = min(due, int(locked[0]["balance"]))
        if amount <= 0:
            continue
        district_id = candidate["district_id"]
        posted = await ledger.post(
            district_id=district_id,
            kind="expire",
            ref_type="expiry",
            ref_id=f"{account_id}:{day}",
            legs=[
                Leg(resident_account(candidate["owner_id"], district_id), -amount),
                Leg(district_account(district_id, "expiry"), amount),
            ],
            actor="system:expire-credits",
            memo=N_("credits past their expiry date"),
        )
        if posted is not None:
            accounts, units = accounts + 1, units + amount
    return {"accounts": accounts, "credits_expired": float(from_units(units))}
