"""Staff manage the rewards catalogue (edit, restock, withdraw, each recorded) and see the
redemptions of the rewards they serve; only workers hand rewards over."""

from __future__ import annotations

from tests.conftest import World
from tests.credits.conftest import earn
from tests.credits.test_rewards import redeem, reward
from tests.security.console_session import console_client


async def test_a_worker_edits_a_reward_and_the_change_is_recorded(bank: World) -> None:
    created = await reward(bank, cost=5)
    edited = await bank.worker.client.patch(
        f"/api/v1/rewards/{created['id']}", json={"title": "布袋", "cost": 6}
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["title"], edited.json()["cost"]) == ("布袋", 6)
    changes = (await bank.worker.client.get(f"/api/v1/rewards/{created['id']}/changes")).json()
    assert changes["items"][0]["kind"] == "edited"
    assert changes["items"][0]["changes"]["cost"] == {"from": "5.00", "to": "6.00"}


async def test_a_hold_keeps_the_cost_it_was_taken_at(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    created = await reward(bank, cost=5)
    held = (await redeem(bank.resident, created["id"])).json()
    await bank.worker.client.patch(f"/api/v1/rewards/{created['id']}", json={"cost": 9})
    mine = (await bank.resident.client.get("/api/v1/me/redemptions")).json()["items"]
    assert [(r["id"], r["cost"]) for r in mine] == [(held["id"], 5)]


async def test_restocking_adds_units_with_a_recorded_reason(bank: World) -> None:
    created = await reward(bank, stock=1)
    restocked = await bank.worker.client.post(
        f"/api/v1/rewards/{created['id']}/restock", json={"quantity": 4, "reason": "新到货"}
    )
    assert restocked.json()["stock"] == 5
    change = (await bank.worker.client.get(f"/api/v1/rewards/{created['id']}/changes")).json()
    assert (change["items"][0]["kind"], change["items"][0]["quantity"]) == ("restocked", 4)
    assert change["items"][0]["reason"] == "新到货"


async def test_a_withdrawn_reward_leaves_the_catalogue_and_cannot_be_redeemed(
    bank: World,
) -> None:
    await earn(bank, bank.resident.id, "1")
    created = await reward(bank)
    withdrawn = await bank.worker.client.post(
        f"/api/v1/rewards/{created['id']}/withdraw", json={"reason": "供应商停产"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawn_at"] is not None
    listed = (await bank.resident.client.get("/api/v1/rewards")).json()["items"]
    assert created["id"] not in [r["id"] for r in listed]
    refused = await redeem(bank.resident, created["id"])
    assert (refused.status_code, refused.json()["code"]) == (409, "reward_withdrawn")
    staff_view = (await bank.worker.client.get("/api/v1/rewards")).json()["items"]
    assert created["id"] in [r["id"] for r in staff_view]


async def test_a_hold_taken_before_the_withdrawal_can_still_be_handed_over(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    created = await reward(bank)
    held = (await redeem(bank.resident, created["id"])).json()
    await bank.worker.client.post(
        f"/api/v1/rewards/{created['id']}/withdraw", json={"reason": "活动结束"}
    )
    handed = await bank.worker.client.post(
        "/api/v1/redemptions/fulfil", json={"code": held["code"]}
    )
    assert handed.json()["status"] == "fulfilled"


# What a Chinese input method in full-width mode types for the digits 0-9.
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


async def test_a_pickup_code_typed_in_full_width_digits_is_handed_over(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    created = await reward(bank)
    by_api = (await redeem(bank.resident, created["id"])).json()
    at_counter = (await redeem(bank.resident, created["id"])).json()

    handed = await bank.worker.client.post(
        "/api/v1/redemptions/fulfil", json={"code": by_api["code"].translate(FULL_WIDTH)}
    )
    async with console_client(bank.app, "c1-worker") as console:
        typed = await console.post(
            "/console/handover",
            data={"code": at_counter["code"].translate(FULL_WIDTH)},
            follow_redirects=True,
        )

    assert (handed.status_code, handed.json()["status"]) == (200, "fulfilled")
    assert "已发放：环保袋" in typed.text
    mine = (await bank.resident.client.get("/api/v1/me/redemptions")).json()["items"]
    assert {r["status"] for r in mine} == {"fulfilled"}


async def test_a_pickup_code_in_other_scripts_digits_is_refused_as_malformed(bank: World) -> None:
    refused = await bank.worker.client.post(
        "/api/v1/redemptions/fulfil", json={"code": "١٢٣٤٥٦٧٨٩٠"}
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "validation_failed")


async def test_a_worker_cannot_change_a_district_wide_reward(bank: World) -> None:
    district_wide = await bank.district_admin.client.post(
        "/api/v1/rewards", json={"title": "公园年卡", "cost": 50, "stock": 1}
    )
    response = await bank.worker.client.post(
        f"/api/v1/rewards/{district_wide.json()['id']}/restock", json={"quantity": 1}
    )
    assert (response.status_code, response.json()["code"]) == (403, "reward_not_yours")


async def test_staff_list_redemptions_with_the_reward_and_resident_but_no_code(
    bank: World,
) -> None:
    await earn(bank, bank.resident.id, "1")
    created = await reward(bank)
    held = (await redeem(bank.resident, created["id"])).json()
    assert held["reward_title"] == "环保袋"
    listed = await bank.worker.client.get("/api/v1/redemptions?status=held")
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["items"]
    assert (item["id"], item["reward_title"], item["resident"]) == (
        held["id"],
        "环保袋",
        bank.resident.id,
    )
    assert "code" not in item
    admin = (await bank.district_admin.client.get("/api/v1/redemptions")).json()["items"]
    assert [r["id"] for r in admin] == [held["id"]]
    elsewhere = (await bank.other_worker.client.get("/api/v1/redemptions")).json()["items"]
    assert elsewhere == []
    hidden = await bank.other_worker.client.get(f"/api/v1/redemptions/{held['id']}")
    assert hidden.status_code == 404


async def test_only_workers_hand_rewards_over(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    created = await reward(bank)
    held = (await redeem(bank.resident, created["id"])).json()
    response = await bank.district_admin.client.post(
        "/api/v1/redemptions/fulfil", json={"code": held["code"]}
    )
    assert response.status_code == 403


async def test_a_district_admin_lists_disables_and_enables_staff(bank: World) -> None:
    admin = bank.district_admin.client
    listed = (await admin.get("/api/v1/staff")).json()["items"]
    assert {s["username"] for s in listed} == {"d1-admin", "c1-worker"}
    disabled = await admin.post(f"/api/v1/staff/{bank.worker.id}/disable")
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["disabled_at"] is not None
    refused = await bank.worker.client.get("/api/v1/rewards")
    assert refused.status_code == 401
    login = await admin.post(
        "/api/v1/auth/login", json={"username": "c1-worker", "password": "staff-password-123"}
    )
    assert login.status_code == 401
    await admin.post(f"/api/v1/staff/{bank.worker.id}/enable")
    again = await admin.post(
        "/api/v1/auth/login", json={"username": "c1-worker", "password": "staff-password-123"}
    )
    assert again.status_code == 200


async def test_a_password_reset_ends_the_account_s_logins(bank: World) -> None:
    admin = bank.district_admin.client
    login = await admin.post(
        "/api/v1/auth/login", json={"username": "c1-worker", "password": "staff-password-123"}
    )
    refresh = login.json()["refresh_token"]
    reset = await admin.post(
        f"/api/v1/staff/{bank.worker.id}/password", json={"password": "a-new-password-2026"}
    )
    assert reset.status_code == 200, reset.text
    assert (
        await admin.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    ).status_code == 401
    fresh = await admin.post(
        "/api/v1/auth/login", json={"username": "c1-worker", "password": "a-new-password-2026"}
    )
    assert fresh.status_code == 200


async def test_staff_of_another_district_are_not_found(bank: World) -> None:
    response = await bank.district_admin.client.post(
        f"/api/v1/staff/{bank.other_worker.id}/disable"
    )
    assert (response.status_code, response.json()["code"]) == (404, "staff_not_found")
    own = await bank.district_admin.client.post(f"/api/v1/staff/{bank.district_admin.id}/disable")
    assert own.json()["code"] == "cannot_disable_self"
