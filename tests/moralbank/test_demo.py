"""`seed-demo` shows households: families of 海曙区 with members, history and credits."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import Household, HouseholdMembership
from app.demo import seed
from moralbank import households


async def test_the_demo_district_has_households_with_members_history_and_credits(app):
    await seed("demo-password-2026")
    await seed("demo-password-2026")
    found = {h.name: h for h in await Household.all()}
    # these three, and the assessment demo's neighbours of 鼓楼社区 (周家, 吴家)
    assert sorted(found) == ["吴家", "周家", "李家", "王家", "赵家"]
    wang = found["王家"]
    members = await households.members(wang)
    assert sorted(m.resident.nickname for m in members) == ["小王", "王奶奶", "王小弟"]
    moved = await HouseholdMembership.get(household_id=wang.id, end_kind="removed")
    assert moved.end_note == "已迁往江北区"
    standing = await households.standings(list(found.values()))
    # 20% of 小王's credits, and the whole of 王奶奶's family-tradition deed.
    assert standing[wang.id].balance > Decimal(0)
    assert standing[wang.id].rank == 1
    assert await households.ledger_entries(wang).filter(action="family-tradition").exists()
