"""The dashboards' star levels are the residents' own (`credits.recognition.stars`): by their
verified hours in every district, as their summary shows and the badge job awards them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from accounts.models import Community
from accounts.scope import Places
from activities.models import ServiceRecord
from console.pages.dashboard import compute
from credits.service import record_participation
from kernel import localtime
from kernel.db import transaction
from kernel.ids import new_id


async def _served(district_id: str, community_id: str, resident_id: str, hours: int) -> None:
    """A verified service record, posted to the ledger as verification posts it."""
    async with transaction():
        record = await ServiceRecord.create(
            district_id=district_id,
            community_id=community_id,
            resident_id=resident_id,
            activity_id=new_id(),
            action="volunteering",
            content="社区服务",
            organiser="社区",
            hours=Decimal(hours),
            served_on=localtime.today() - timedelta(days=1),
            verified_by="staff:test",
            verified_at=datetime.now(UTC),
        )
        await record_participation(
            district_id=district_id,
            resident_id=resident_id,
            action="volunteering",
            hours=Decimal(hours),
            source="service_record",
            source_id=record.id,
            occurred_at=datetime.now(UTC),
            actor="staff:test",
        )


async def _stars(scope: Places) -> dict[int, int]:
    today = localtime.today()
    data = await compute(scope, today - timedelta(days=30), today, {})
    return {row["star"]: row["residents"] for row in data["stars"]}


async def test_a_resident_who_moved_is_rated_by_all_their_hours_where_they_live_now(world):
    mover = world.other_resident
    left = await Community.get(district_id=world.other_district_id)
    await _served(world.other_district_id, left.id, mover.id, 60)
    moved = await mover.client.patch("/api/v1/me", json={"community": "d1/c1"})
    assert moved.status_code == 200, moved.text
    await _served(world.district_id, world.community_id, mover.id, 50)
    summary = (await mover.client.get("/api/v1/me/summary")).json()
    assert summary["star"] == 1  # 110 hours: one star from 100
    for scope in (
        Places(world.district_id, None),
        Places(world.district_id, (world.community_id,)),
    ):
        assert (await _stars(scope))[1] == 1, scope
    assert sum((await _stars(Places(world.other_district_id, None))).values()) == 0
