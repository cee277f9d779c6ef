"""Manual adjustments and reversals by district administrators, through the API."""

from __future__ import annotations

import httpx

from tests.conftest import World
from tests.credits.conftest import credits_of, earn


async def adjust(
    world: World, amount: object, key: str | None = None, **extra: object
) -> httpx.Response:
    body = {"resident": world.resident.id, "amount": amount, "reason": "手工调整", **extra}
    headers = {"Idempotency-Key": key} if key else {}
    return await world.district_admin.client.post(
        "/api/v1/credits/adjustments", json=body, headers=headers
    )


async def test_an_administrator_gives_credits_with_a_reason(bank: World) -> None:
    response = await adjust(bank, "12.5")

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["kind"], body["memo"], body["actor"]) == (
        "adjust",
        "手工调整",
        f"staff:{bank.district_admin.id}",
    )
    resident_entry = next(e for e in body["entries"] if e["owner_kind"] == "resident")
    assert (resident_entry["amount"], resident_entry["balance_after"]) == (12.5, 12.5)
    assert sum(e["amount"] for e in body["entries"]) == 0
    assert (await credits_of(bank.resident))["balance"] == 12.5


async def test_taking_credits_never_goes_below_zero(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")

    refused = await adjust(bank, -10.01)
    taken = await adjust(bank, -10)

    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "insufficient_credits"
    assert taken.status_code == 201
    assert (await credits_of(bank.resident))["balance"] == 0


async def test_a_retry_with_the_same_key_replays_the_first_adjustment(bank: World) -> None:
    first = await adjust(bank, 5, key="adj-1")
    again = await adjust(bank, 5, key="adj-1")
    other_body = await adjust(bank, 6, key="adj-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "idempotency_key_reused"
    assert (await credits_of(bank.resident))["balance"] == 5


async def test_an_adjustment_needs_a_reason_and_an_amount(bank: World) -> None:
    no_reason = await bank.district_admin.client.post(
        "/api/v1/credits/adjustments", json={"resident": bank.resident.id, "amount": 1}
    )
    zero = await adjust(bank, 0)
    too_precise = await adjust(bank, "1.005")

    assert no_reason.status_code == 422
    assert {e["field"] for e in no_reason.json()["errors"]} == {"reason"}
    assert zero.status_code == 422
    assert too_precise.status_code == 422


async def test_only_administrators_of_the_residents_district_adjust(bank: World) -> None:
    by_worker = await bank.worker.client.post(
        "/api/v1/credits/adjustments",
        json={"resident": bank.resident.id, "amount": 1, "reason": "nope"},
    )
    other_district = await adjust(bank, 1, resident=bank.other_resident.id)
    by_platform_admin = await bank.admin.client.post(
        "/api/v1/credits/adjustments",
        json={"resident": bank.other_resident.id, "amount": 1, "reason": "platform"},
    )

    assert by_worker.status_code == 403
    assert other_district.status_code == 404
    assert other_district.json()["code"] == "resident_not_found"
    assert by_platform_admin.status_code == 201


async def test_an_adjustment_is_reversed_once_with_a_reason(bank: World) -> None:
    given = (await adjust(bank, 8)).json()
    path = f"/api/v1/credits/transactions/{given['id']}/reverse"

    first = await bank.district_admin.client.post(path, json={"reason": "given twice"})
    second = await bank.district_admin.client.post(path, json={"reason": "again"})

    assert first.status_code == 201, first.text
    assert (first.json()["kind"], first.json()["reverses"]) == ("reverse", given["id"])
    assert second.status_code == 409
    assert second.json()["code"] == "already_reversed"
    assert (await credits_of(bank.resident))["balance"] == 0


async def test_a_reversal_that_would_go_below_zero_is_refused(bank: World) -> None:
    given = (await adjust(bank, 8)).json()
    await adjust(bank, -5)

    response = await bank.district_admin.client.post(
        f"/api/v1/credits/transactions/{given['id']}/reverse", json={"reason": "too late"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_credits"
    assert (await credits_of(bank.resident))["balance"] == 3


async def test_holds_and_reversals_are_not_reversible(bank: World) -> None:
    given = (await adjust(bank, 8)).json()
    reversal = (
        await bank.district_admin.client.post(
            f"/api/v1/credits/transactions/{given['id']}/reverse", json={"reason": "undo"}
        )
    ).json()

    response = await bank.district_admin.client.post(
        f"/api/v1/credits/transactions/{reversal['id']}/reverse", json={"reason": "redo"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_reversible"


async def test_staff_outside_the_district_cannot_see_a_transaction(bank: World) -> None:
    given = (await adjust(bank, 8)).json()

    seen = await bank.worker.client.get(f"/api/v1/credits/transactions/{given['id']}")
    hidden = await bank.other_worker.client.get(f"/api/v1/credits/transactions/{given['id']}")

    assert seen.status_code == 200
    assert hidden.status_code == 404


async def test_the_history_pages_newest_first_with_balance_after(bank: World) -> None:
    for amount in (1, 2, 3):
        await adjust(bank, amount)

    first = (await bank.resident.client.get("/api/v1/me/credits/transactions?limit=2")).json()
    rest = (
        await bank.resident.client.get(
            f"/api/v1/me/credits/transactions?limit=2&cursor={first['next_cursor']}"
        )
    ).json()

    assert [(i["amount"], i["balance_after"]) for i in first["items"]] == [(3, 6), (2, 3)]
    assert [(i["amount"], i["balance_after"]) for i in rest["items"]] == [(1, 1)]
    assert rest["next_cursor"] is None
    bad = await bank.resident.client.get("/api/v1/me/credits/transactions?cursor=!!")
    assert bad.status_code == 422


async def test_administrators_audit_the_adjustments_of_their_district(bank: World) -> None:
    given = (await adjust(bank, 8)).json()
    await bank.admin.client.post(
        "/api/v1/credits/adjustments",
        json={"resident": bank.other_resident.id, "amount": 1, "reason": "elsewhere"},
    )

    listed = await bank.district_admin.client.get("/api/v1/credits/adjustments")
    by_worker = await bank.worker.client.get("/api/v1/credits/adjustments")

    assert listed.status_code == 200
    assert [(t["id"], t["memo"], t["actor"]) for t in listed.json()["items"]] == [
        (given["id"], "手工调整", f"staff:{bank.district_admin.id}")
    ]
    assert by_worker.status_code == 403
