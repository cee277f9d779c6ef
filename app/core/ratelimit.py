"""Login rate limits, counted in the database so every replica sees the same failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.errors import RateLimited
from app.core.i18n import N_
from app.core.models import LoginFailure
from app.core.settings import get_settings


async def ensure_login_allowed(account: str, address: str) -> None:
    settings = get_settings()
    now = datetime.now(UTC)
    since = now - timedelta(seconds=settings.login_window_seconds)
    for field, value, limit in (
        ("account", account, settings.login_max_failures),
        ("address", address, settings.login_max_attempts_per_address),
    ):
        recent = LoginFailure.filter(**{field: value}, at__gte=since)
        if await recent.count() >= limit:
            oldest = await recent.order_by("at").first()
            assert oldest is not None
            retry_after = int((oldest.at - since).total_seconds()) + 1
            raise RateLimited(
                N_("Too many failed logins; wait before trying again."), retry_after=retry_after
            )


async def record_login_failure(account: str, address: str) -> None:
    await LoginFailure.create(account=account, address=address)


async def clear_login_failures(account: str) -> None:
    await LoginFailure.filter(account=account).delete()
