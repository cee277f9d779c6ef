"""`seed-demo` fills a believable loop: activities past and upcoming, records, deeds."""

from __future__ import annotations

from activities.models import Activity, Deed, Enrollment, ServiceRecord
from app.demo import seed


async def test_seed_demo_fills_activities_records_and_deeds_and_can_run_again(app):
    await seed("demo-password-2026")
    await seed("demo-password-2026")
    assert await Activity.filter(status="finished").count() == 3
    assert await Activity.filter(status="published").count() == 2
    assert await ServiceRecord.all().count() == 9
    assert await Enrollment.filter(status="waitlisted").count() == 1
    statuses = {deed.status for deed in await Deed.all()}
    assert statuses == {"approved", "pending"}


async def test_demo_residents_have_hours_and_credits(app):
    from accounts.models import Resident
    from credits.totals import resident_totals

    await seed("demo-password-2026")
    resident = await Resident.get(openid="demo-resident-1")
    totals = await resident_totals(resident.id)
    assert totals.hours_total == 9
    assert totals.credits_balance == 92


async def test_demo_residents_who_shared_a_phone_show_it_masked_only(app):
    from accounts.models import Resident

    await seed("demo-password-2026")
    shared = await Resident.get(openid="demo-resident-1")
    kept = await Resident.get(openid="demo-resident-2")
    assert shared.phone_masked == "138****1234"
    assert shared.phone_cipher and "13800001234" not in shared.phone_cipher
    assert kept.phone_masked is None
