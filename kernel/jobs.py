"""Kernel housekeeping jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kernel.models import IdempotencyRecord, LoginFailure, RefreshToken
from kernel.scheduler import job
from kernel.settings import get_settings

IDEMPOTENCY_RETENTION = timedelta(days=30)


@job("purge-expired-sessions", schedule="17 3 * * *")
async def purge_expired_sessions() -> dict[str, Any]:
    """Deletes expired refresh tokens, old login failures and old idempotency records."""
    now = datetime.now(UTC)
    window = timedelta(seconds=get_settings().login_window_seconds)
    return {
        "refresh_tokens": await RefreshToken.filter(expires_at__lt=now).delete(),
        "login_failures": await LoginFailure.filter(at__lt=now - 2 * window).delete(),
        "idempotency_records": await IdempotencyRecord.filter(
            created_at__lt=now - IDEMPOTENCY_RETENTION
        ).delete(),
    }
