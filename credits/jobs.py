"""Scheduled work of the moral bank: lapsed holds, expired credits, sealing the ledger."""

from __future__ import annotations

from typing import Any

from credits import expiry, rewards, seal
from kernel.scheduler import job


@job("expire-holds", schedule="*/5 * * * *")
async def expire_holds() -> dict[str, Any]:
    """Voids redemptions whose hold time is up: credits back to the resident, unit to stock."""
    return {"expired": await rewards.expire_holds()}


@job("remind-expiring-holds", schedule="7 * * * *")
async def remind_expiring_holds() -> dict[str, Any]:
    """Tells residents whose redemption hold lapses within a day to pick it up."""
    return {"reminded": await rewards.remind_expiring_holds()}


@job("expire-credits", schedule="20 0 * * *")
async def expire_credits() -> dict[str, Any]:
    """Expires earned credits past their date, oldest first; safe to run again."""
    return await expiry.expire_credits()


@job("seal-ledger", schedule="*/10 * * * *")
async def seal_ledger() -> dict[str, Any]:
    """Seals new ledger transactions into hash-chained blocks per district."""
    return await seal.seal()
