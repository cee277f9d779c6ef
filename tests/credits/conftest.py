"""Fixtures of the moral bank: a district whose bank is open, and quick ways to earn credits."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from credits.models import LedgerTransaction
from credits.service import record_participation
from kernel.db import transaction
from kernel.ids import new_id
from tests.conftest import World, set_rules_since

RULES = {
    "moral_bank_enabled": True,
    "credits_per_hour": {"default": 10, "caring-kitchen": 15},
    "credits_per_report": {"default": 2, "zebra-crossing": 3},
}


@pytest.fixture
async def bank(world: World) -> World:
    """The `world`, with the moral bank of district d1 open since 2001."""
    await set_rules_since("d1", datetime(2001, 1, 1, tzinfo=UTC), **RULES)
    return world


async def earn(
    world: World,
    resident_id: str,
    hours: str = "1",
    *,
    action: str = "volunteering",
    source: str = "service_record",
    source_id: str | None = None,
    backfill: bool = False,
    occurred_at: datetime | None = None,
    district_id: str | None = None,
) -> LedgerTransaction:
    """A verified participation, posted as activities would post it."""
    async with transaction():
        return await record_participation(
            district_id=district_id or world.district_id,
            resident_id=resident_id,
            action=action,
            hours=Decimal(hours),
            source=source,  # type: ignore[arg-type]
            source_id=source_id or new_id(),
            occurred_at=occurred_at or datetime.now(UTC),
            backfill=backfill,
            actor="staff:test-worker",
        )


async def credits_of(actor: Any) -> dict[str, Any]:
    response = await actor.client.get("/api/v1/me/credits")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
