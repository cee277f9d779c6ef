"""The dashboards' rollup: any period's figures from the rolled-up days plus today added up
live are the figures added up live from the records and the ledger, on the demo district
with a generated year (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from accounts.models import Community, District
from accounts.scope import Places
from app.demo import seed
from bench.console import _at, _insert, generate
from console import rollup
from console.models import DashboardDay
from console.pages.dashboard import compute, refresh_snapshots
from kernel import localtime
from kernel.db import transaction
from kernel.ids import new_id


async def _record_today(district: District, community: Community) -> None:
    """A verified service record served today, after the job ran: only the live part has it."""
    from accounts.models import Resident
    from activities.models import Activity

    resident = await Resident.filter(community_id=community.id).first()
    activity = await Activity.filter(community_id=community.id).first()
    assert resident is not None and activity is not None
    now = datetime.now(UTC)
    await _insert(
        "service_record",
        ["id", "district_id", "community_id", "resident_id", "activity_id", "attendance_id",
         "kind", "action", "content", "organiser", "hours", "served_on", "backfill", "reason",
         "verified_by", "verified_at"],
        [(new_id(), district.id, community.id, resident.id, activity.id, new_id(), "record",
          "volunteering", "今天的服务", "海曙区", Decimal("2.5"), localtime.today(),
          False, "", "staff:test", _at(now))],
    )  # fmt: skip


async def _both(scope: Places, start: date, to: date, names: dict[str, str]) -> tuple[Any, Any]:
    through = await rollup.through(scope.district_id)
    assert through == localtime.today()  # the job rolled up every day before today
    rolled = await compute(scope, start, to, names, through=through, stars=[])
    live = await compute(scope, start, to, names, through=None, stars=[])
    return rolled, live


async def test_any_period_from_the_rollup_agrees_with_the_live_sums(app):
    await seed("demo-password-2026")
    await generate(residents=300, activities=40, records=1500, deeds=200)
    async with transaction():
        await refresh_snapshots()
    assert await DashboardDay.all().count() > 0
    district = await District.get(code="haishu")
    communities = await Community.filter(district_id=district.id).order_by("id")
    await _record_today(district, communities[0])
    names = {c.id: c.name for c in communities}
    today = localtime.today()
    periods = [
        (date(2020, 1, 1), today),  # everything: the rollup and today
        (today - timedelta(days=90), today - timedelta(days=1)),  # the rollup alone
        (today - timedelta(days=40), today - timedelta(days=10)),  # starts mid-history
        ((today.replace(day=1) - timedelta(days=1)).replace(day=1), today),  # partial months
        (today, today),  # today alone: live
    ]
    scopes = [Places(district.id, None)] + [Places(district.id, (c.id,)) for c in communities]
    # A worker of two communities (the demo's yuehu-worker) and the platform administrator.
    served = tuple(sorted(c.id for c in communities if c.code in ("yuehu", "nanmen")))
    scopes += [Places(district.id, served), Places(None, None)]
    for scope in scopes:
        for start, to in periods:
            rolled, live = await _both(scope, start, to, names)
            assert rolled == live, (scope, start, to)
    for scope in scopes[-2:]:  # their distinct counts are read from rows the job built
        assert await rollup._first_key(scope, today) is not None, scope
    everything, _live = await _both(scopes[0], date(2020, 1, 1), today, names)
    assert everything["totals"]["participants"] > 300 * 0.9
    assert everything["totals"]["hours"] > 0
    assert everything["totals"]["issued"] > 0
    today_only, _live = await _both(scopes[1], today, today, names)
    assert today_only["totals"]["hours"] >= 2.5  # today's record, added after the job
