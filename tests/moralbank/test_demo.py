"""`seed-demo` shows households: families of 海曙区 with members, history and credits."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import Household, HouseholdMembership
from app.demo import seed
from moralbank import households
from tests.security.console_session import console_client


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


async def test_the_demo_has_a_household_reward_waiting_at_the_counter_once(app, client):
    from moralbank.demo import SUPERMARKET

    await seed("demo-password-2026")
    await seed("demo-password-2026")
    wang = await Household.get(name="王家")
    login = await client.post("/api/v1/auth/wechat", json={"code": "dev-demo-resident-1"})
    head = {"Authorization": f"Bearer {login.json()['access_token']}"}
    held = await client.get(f"/api/v1/households/{wang.id}/redemptions", headers=head)
    assert [(r["reward_title"], r["status"]) for r in held.json()["items"]] == [
        (SUPERMARKET[0], "held")
    ]
    assert held.json()["items"][0]["code"]  # what 小王 shows at the counter
    # Paid by the household: its history lists the hold, 小王's own credits hold nothing.
    history = await client.get(f"/api/v1/households/{wang.id}/history", headers=head)
    first = history.json()["items"][0]
    assert (first["kind"], first["amount"], first["memo"]) == ("hold", -30, SUPERMARKET[0])
    mine = await client.get("/api/v1/me/credits", headers=head)
    assert mine.json()["held"] == 0
    async with console_client(app, "gulou-worker", "demo-password-2026") as worker:
        counter = await worker.get("/console/handover")
    waiting = counter.text.split('id="holds"', 1)[1].split("</table>", 1)[0]
    assert SUPERMARKET[0] in waiting and "家庭“王家”积分兑换" in waiting
