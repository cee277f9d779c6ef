"""Login rate limits, counted in the database so every replica sees the same failures.

Failures are counted per (account, client address) and per client address, never per account
alone: guessing from one place is stopped, and nobody elsewhere can lock a victim out by
failing on purpose. WeChat logins have no account before WeChat answers, so only the address
counts (a login code is WeChat's, single-use and unguessable)."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from kernel.errors import RateLimited
from kernel.i18n import N_
from kernel.models import LoginFailure
from kernel.settings import get_settings

TOO_MANY = N_("Too many failed logins; wait before trying again.")
_in_flight: Counter[str] = Counter()


async def ensure_login_allowed(account: str | None, address: str) -> None:
    settings = get_settings()
    since = datetime.now(UTC) - timedelta(seconds=settings.login_window_seconds)
    budgets: list[tuple[dict[str, str], int]] = [
        ({"address": address}, settings.login_max_attempts_per_address)
    ]
    if account is not None:
        budgets.append(({"account": account, "address": address}, settings.login_max_failures))
    for key, limit in budgets:
        recent = LoginFailure.filter(**key, at__gte=since)
        if await recent.count() >= limit:
            oldest = await recent.order_by("at").first()
            assert oldest is not None
            retry_after = int((oldest.at - since).total_seconds()) + 1
            raise RateLimited(TOO_MANY, retry_after=retry_after)


async def record_login_failure(account: str | None, address: str) -> None:
    await LoginFailure.create(account=account or "", address=address)


async def clear_login_failures(account: str, address: str) -> None:
    """A right password from an address forgets that address's failures for the account."""
    await LoginFailure.filter(account=account, address=address).delete()


REAL_NAME_TOO_MANY = N_(
    "Too many refused real-name attempts today; try again tomorrow or ask your community office."
)


def _real_name_key(resident_id: str) -> str:
    return f"real-name:{resident_id}"


async def ensure_real_name_attempt_allowed(resident_id: str) -> None:
    """A resident may be refused a real-name verification (a wrong check digit, a number
    bound to another account) `real_name_failures_per_day` times in 24 hours: enough for
    typing mistakes, too few to probe whose ID numbers are registered."""
    since = datetime.now(UTC) - timedelta(days=1)
    recent = LoginFailure.filter(account=_real_name_key(resident_id), at__gte=since)
    if await recent.count() >= get_settings().real_name_failures_per_day:
        oldest = await recent.order_by("at").first()
        assert oldest is not None
        retry_after = int((oldest.at - since).total_seconds()) + 1
        raise RateLimited(REAL_NAME_TOO_MANY, retry_after=retry_after)


async def record_real_name_refusal(resident_id: str) -> None:
    await LoginFailure.create(account=_real_name_key(resident_id), address="")


@contextlib.asynccontextmanager
async def password_attempt(address: str) -> AsyncIterator[None]:
    """One password check at a time per client address in this process: a flood of parallel
    guesses from one address is refused at once instead of queueing for argon2 in front of
    everyone else's logins."""
    if _in_flight[address] >= get_settings().login_concurrent_per_address:
        raise RateLimited(N_("A login from this address is already being checked."), retry_after=1)
    _in_flight[address] += 1
    try:
        yield
    finally:
        _in_flight[address] -= 1
        if not _in_flight[address]:
            del _in_flight[address]
