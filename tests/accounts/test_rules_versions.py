"""Which version of a district's rules is in force is decided once (`accounts/versions.py`):
the earning rules and the oversight rules, in SQL and in the posting's cache, pick alike, on
both databases, whatever the offset a change was dated with."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import DistrictRulesVersion
from accounts.schemas import DistrictRules
from accounts.service import version_at
from accounts.versions import in_force
from oversight.models import OversightRulesVersion
from oversight.rules import rules_version_at
from oversight.schemas import OversightRules

BEIJING = timezone(timedelta(hours=8))
LOW_ID, HIGH_ID = "01h00000000000000000000000", "01hzzzzzzzzzzzzzzzzzzzzzzz"


async def _history(model: Any, district_id: str, rules: dict[str, Any]) -> dict[str, Any]:
    """A district's versions: an old one, two from the same moment written in the same
    instant (the higher id written first), and one still to come."""
    made = {}
    for name, version_id, effective_from in (
        ("old", None, datetime(2020, 1, 1, tzinfo=UTC)),
        ("high", HIGH_ID, datetime(2021, 1, 1, tzinfo=UTC)),
        ("low", LOW_ID, datetime(2021, 1, 1, tzinfo=UTC)),
        ("future", None, datetime.now(UTC) + timedelta(days=30)),
    ):
        extra = {"id": version_id} if version_id else {}
        made[name] = await model.create(
            district_id=district_id,
            effective_from=effective_from,
            rules=rules,
            created_by="test",
            **extra,
        )
    same_instant = datetime(2021, 1, 1, 1, tzinfo=UTC)
    await model.filter(id__in=[HIGH_ID, LOW_ID]).update(created_at=same_instant)
    return made


@pytest.mark.parametrize(
    ("model", "rules", "picked"),
    [
        (DistrictRulesVersion, DistrictRules(), version_at),
        (OversightRulesVersion, OversightRules(), rules_version_at),
    ],
    ids=["earning rules", "oversight rules"],
)
async def test_every_table_of_rules_picks_the_version_in_force_alike(world, model, rules, picked):
    made = await _history(model, world.other_district_id, rules.model_dump(mode="json"))
    read_once = await model.filter(district_id=world.other_district_id)
    expected = {
        datetime(1999, 6, 1, tzinfo=UTC): None,
        datetime(2020, 1, 1, tzinfo=UTC): made["old"].id,
        datetime(2020, 12, 31, 23, 59, tzinfo=BEIJING): made["old"].id,  # 15:59 UTC
        datetime(2021, 1, 1, 8, tzinfo=BEIJING): HIGH_ID,  # the tie's later id
        datetime.now(UTC): HIGH_ID,
    }
    for at, version_id in expected.items():
        found = await picked(world.other_district_id, at)
        found_id = found[0] if isinstance(found, tuple) else (found.id if found else None)
        cached = in_force(read_once, at)
        assert (found_id, cached.id if cached else None) == (version_id, version_id), at


async def _wait_until(moment: datetime) -> None:
    await asyncio.sleep(max((moment - datetime.now(UTC)).total_seconds(), 0) + 0.2)


async def test_an_earning_rules_change_dated_in_beijing_time_takes_effect_at_its_moment(world):
    from credits.service import record_participation
    from kernel.db import transaction

    starts = datetime.now(UTC) + timedelta(seconds=1)
    changed = await world.district_admin.client.patch(
        "/api/v1/districts/d1/settings",
        json={"moral_bank_enabled": True, "effective_from": starts.astimezone(BEIJING).isoformat()},
    )
    assert changed.status_code == 200, changed.text
    await _wait_until(starts)
    district = (await world.district_admin.client.get("/api/v1/districts/d1")).json()
    assert district["settings"]["moral_bank_enabled"] is True
    assert district["settings_version"] == changed.json()["version"]
    async with transaction():
        await record_participation(
            district_id=world.district_id,
            resident_id=world.resident.id,
            action="zebra-crossing",
            hours=Decimal(0),
            source="deed",
            source_id="deed-after-the-change",
            occurred_at=datetime.now(UTC),
            actor="test",
        )
    credits = (await world.resident.client.get("/api/v1/me/credits")).json()
    assert credits["balance"] == 2.0  # the default `credits_per_report`, the bank being on


async def test_an_oversight_rules_change_dated_in_beijing_time_takes_effect_at_its_moment(world):
    starts = datetime.now(UTC) + timedelta(seconds=1)
    changed = await world.district_admin.client.patch(
        "/api/v1/oversight/rules",
        json={"black_below_score": 50, "effective_from": starts.astimezone(BEIJING).isoformat()},
    )
    assert changed.status_code == 200, changed.text
    await _wait_until(starts)
    in_force_now = (await world.district_admin.client.get("/api/v1/oversight/rules")).json()
    assert in_force_now["black_below_score"] == 50.0
