"""Fixtures of recognition tests."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from credits.recognition.models import BadgeAward, BadgeDefinition


async def give_badge(
    resident_id: str, code: str, *, awarded_at: datetime | None = None
) -> BadgeAward:
    """An award as the award-badges job writes it (one row; the credential follows from it)."""
    from accounts.models import Resident

    resident = await Resident.get(id=resident_id)
    badge = await BadgeDefinition.get(code=code)
    return await BadgeAward.create(
        public_id=secrets.token_hex(16),
        district_id=resident.district_id,
        resident_id=resident.id,
        badge_id=badge.id,
        awarded_at=awarded_at or datetime.now(UTC),
    )
