"""Recording participations: hours and counts always, credits by the district's rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from credits.errors import AlreadyReversed, NoSuchTransaction
from credits.models import Entry
from credits.service import record_participation, reverse_participation
from credits.totals import resident_totals
from kernel.db import transaction
from kernel.ids import new_id
from tests.conftest import World, set_rules_since
from tests.credits.conftest import credits_of, earn


async def test_verified_hours_earn_credits_per_hour_of_the_action(bank: World) -> None:
    await earn(bank, bank.resident.id, "2.5", action="volunteering")
    await earn(bank, bank.resident.id, "2", action="caring-kitchen")

    totals = await resident_totals(bank.resident.id)
    assert totals.hours_total == Decimal("4.5")
    assert totals.credits_balance == Decimal("55")  # 2.5 × 10 + 2 × 15
    assert totals.actions == {"caring-kitchen": 1, "volunteering": 1}


async def test_approved_deed_earns_credits_per_report(bank: World) -> None:
    await earn(bank, bank.resident.id, "0", action="zebra-crossing", source="deed")
    await earn(bank, bank.resident.id, "0", action="waste-sorting", source="deed")

    totals = await resident_totals(bank.resident.id)
    assert totals.credits_balance == Decimal("5")  # 3 for zebra-crossing, 2 by default
    assert totals.hours_total == 0
    assert totals.actions == {"waste-sorting": 1, "zebra-crossing": 1}


async def test_without_the_moral_bank_hours_and_counts_are_still_recorded(world: World) -> None:
    transaction_ = await earn(world, world.resident.id, "3")

    assert {e.asset for e in await Entry.filter(transaction_id=transaction_.id)} == {
        "hours",
        "participations",
    }
    totals = await resident_totals(world.resident.id)
    assert (totals.hours_total, totals.credits_balance) == (Decimal("3"), Decimal("0"))
    assert totals.actions == {"volunteering": 1}


async def test_backfilled_hours_earn_credits_only_when_the_district_allows(bank: World) -> None:
    await earn(bank, bank.resident.id, "2", backfill=True)
    assert (await resident_totals(bank.resident.id)).credits_balance == 0

    await set_rules_since("d1", datetime(2002, 1, 1, tzinfo=UTC), backfill_earns_credits=True)
    await earn(bank, bank.resident.id, "2", backfill=True)
    totals = await resident_totals(bank.resident.id)
    assert (totals.hours_total, totals.credits_balance) == (Decimal("4"), Decimal("20"))


async def test_a_rule_change_never_rewrites_what_was_earned_before(bank: World) -> None:
    served = datetime.now(UTC) - timedelta(days=3)
    change = datetime.now(UTC) - timedelta(days=1)
    await set_rules_since("d1", change, credits_per_hour={"default": 100})

    await earn(bank, bank.resident.id, "1", occurred_at=served)
    await earn(bank, bank.resident.id, "1")

    assert (await resident_totals(bank.resident.id)).credits_balance == Decimal("110")


async def test_posting_the_same_record_twice_returns_the_first_transaction(bank: World) -> None:
    source_id = new_id()
    first = await earn(bank, bank.resident.id, "2", source_id=source_id)
    again = await earn(bank, bank.resident.id, "2", source_id=source_id)

    assert again.id == first.id
    assert (await resident_totals(bank.resident.id)).credits_balance == Decimal("20")


async def test_a_participation_rolls_back_with_the_callers_transaction(bank: World) -> None:
    class VerificationFailed(Exception):
        pass

    with pytest.raises(VerificationFailed):
        async with transaction():
            await record_participation(
                district_id=bank.district_id,
                resident_id=bank.resident.id,
                action="volunteering",
                hours=Decimal(2),
                source="service_record",
                source_id=new_id(),
                occurred_at=datetime.now(UTC),
                actor="staff:w",
            )
            raise VerificationFailed

    totals = await resident_totals(bank.resident.id)
    assert (totals.hours_total, totals.credits_balance) == (Decimal(0), Decimal(0))
    assert totals.actions == {}


async def test_an_award_after_a_rolled_back_first_award_counts(world: World) -> None:
    newcomer = await world.new_resident(f"newcomer-{new_id()}")
    with pytest.raises(ZeroDivisionError):
        async with transaction():
            await record_participation(
                district_id=world.district_id,
                resident_id=newcomer.id,
                action="volunteering",
                hours=Decimal(2),
                source="service_record",
                source_id=new_id(),
                occurred_at=datetime.now(UTC),
                actor="staff:w",
            )
            1 / 0  # noqa: B018 (the caller fails after the ledger opened the accounts)

    await earn(world, newcomer.id, "3")

    totals = await resident_totals(newcomer.id)
    assert (totals.hours_total, totals.actions) == (Decimal(3), {"volunteering": 1})


async def test_a_rule_change_applies_to_the_very_next_award(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    response = await bank.district_admin.client.patch(
        "/api/v1/districts/d1/settings", json={"credits_per_hour": {"default": 100}}
    )
    assert response.status_code == 200

    await earn(bank, bank.resident.id, "1")

    assert (await resident_totals(bank.resident.id)).credits_balance == Decimal("110")


async def test_reversing_a_participation_takes_back_hours_count_and_credits(bank: World) -> None:
    source_id = new_id()
    await earn(bank, bank.resident.id, "2", source_id=source_id)
    await earn(bank, bank.resident.id, "1")

    async with transaction():
        reversal = await reverse_participation(
            source="service_record", source_id=source_id, reason="wrong person", actor="staff:w"
        )

    assert reversal.kind == "reverse"
    totals = await resident_totals(bank.resident.id)
    assert (totals.hours_total, totals.credits_balance) == (Decimal("1"), Decimal("10"))
    assert totals.actions == {"volunteering": 1}
    history = (await bank.resident.client.get("/api/v1/me/credits/transactions")).json()
    assert [(i["kind"], i["amount"], i["balance_after"]) for i in history["items"]] == [
        ("reverse", -20.0, 10.0),
        ("participation", 10.0, 30.0),
        ("participation", 20.0, 20.0),
    ]


async def test_a_participation_is_reversed_only_once(bank: World) -> None:
    source_id = new_id()
    await earn(bank, bank.resident.id, "2", source_id=source_id)
    async with transaction():
        await reverse_participation(
            source="service_record", source_id=source_id, reason="mistake", actor="staff:w"
        )

    with pytest.raises(AlreadyReversed):
        async with transaction():
            await reverse_participation(
                source="service_record", source_id=source_id, reason="again", actor="staff:w"
            )
    with pytest.raises(NoSuchTransaction):
        await reverse_participation(
            source="deed", source_id=new_id(), reason="never posted", actor="staff:w"
        )


async def test_a_resident_sees_balance_earned_and_what_expires_when(bank: World) -> None:
    await earn(bank, bank.resident.id, "3")

    mine = await credits_of(bank.resident)

    assert (mine["balance"], mine["held"], mine["earned"], mine["hours_total"]) == (30, 0, 30, 3)
    next_year_end = datetime(datetime.now(UTC).year + 1, 12, 31, 16, tzinfo=UTC)
    assert len(mine["expiring"]) == 1
    assert mine["expiring"][0]["amount"] == 30
    expires_at = datetime.fromisoformat(mine["expiring"][0]["expires_at"])
    assert abs(expires_at - next_year_end) < timedelta(days=1)
