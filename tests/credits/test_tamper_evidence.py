"""The ledger is append-only in the database itself, sealed in hash-chained blocks, and
`python -m app ledger verify` finds where someone changed it behind the service's back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tortoise import connections

from credits.models import Entry, LedgerBlock
from credits.seal import verify
from kernel.db import dialect
from kernel.scheduler import run_job
from kernel.settings import Settings
from tests.conftest import World
from tests.credits.conftest import earn

ROOT = Path(__file__).resolve().parents[2]


async def sql(statement: str) -> None:
    await connections.get("default").execute_script(statement)


async def allow_tampering(table: str) -> None:
    """What an intruder with database access does first."""
    if dialect() == "postgres":
        await sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    else:
        await sql(f"DROP TRIGGER {table}_no_update; DROP TRIGGER {table}_no_delete")


def ledger_verify(settings: Settings) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "ledger", "verify"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": settings.database_url, "APP_ENV": "test"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entry SET amount = amount * 2",
        "DELETE FROM ledger_entry",
        "UPDATE ledger_transaction SET memo = 'x'",
        "DELETE FROM ledger_transaction",
    ],
)
async def test_the_database_refuses_to_change_the_ledger(bank: World, statement: str) -> None:
    await earn(bank, bank.resident.id, "1")

    with pytest.raises(Exception, match="append-only"):
        await sql(statement)

    assert await Entry.all().count() == 6


async def test_sealed_blocks_chain_and_verify(bank: World, settings: Settings) -> None:
    await earn(bank, bank.resident.id, "1")
    await earn(bank, bank.other_resident.id, "1", district_id=bank.other_district_id)
    first = await run_job("seal-ledger")
    await earn(bank, bank.resident.id, "2")
    second = await run_job("seal-ledger")
    nothing_new = await run_job("seal-ledger")

    assert first is not None and first.stats == {"blocks": 2, "transactions": 2}
    assert second is not None and second.stats == {"blocks": 1, "transactions": 1}
    assert nothing_new is not None and nothing_new.stats == {"blocks": 0, "transactions": 0}
    blocks = await LedgerBlock.filter(district_id=bank.district_id).order_by("sequence")
    assert [b.sequence for b in blocks] == [1, 2]
    assert blocks[1].previous_hash == blocks[0].hash
    result = await verify()
    assert (result.intact, result.blocks, result.transactions, result.unsealed) == (
        True,
        3,
        3,
        0,
    )
    checked = ledger_verify(settings)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "the ledger is intact" in checked.stdout


async def test_verify_names_the_block_of_a_changed_entry(bank: World, settings: Settings) -> None:
    await earn(bank, bank.resident.id, "1")
    await run_job("seal-ledger")
    tampered = await earn(bank, bank.resident.id, "2")
    await run_job("seal-ledger")
    await earn(bank, bank.resident.id, "3")
    await run_job("seal-ledger")

    await allow_tampering("ledger_entry")
    await sql(
        f"UPDATE ledger_entry SET amount = amount * 10 WHERE transaction_id = '{tampered.id}' "
        "AND asset = 'credits'"
    )

    result = await verify()
    assert not result.intact
    assert any(
        f"block 2: transaction {tampered.id} changed since it was sealed" in p
        for p in result.problems
    )
    assert not any("block 1:" in p or "block 3:" in p for p in result.problems)
    checked = ledger_verify(settings)
    assert checked.returncode == 1
    assert f"block 2: transaction {tampered.id} changed" in checked.stdout
    assert "the ledger is NOT intact" in checked.stdout


async def test_verify_notices_a_deleted_transaction(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    removed = await earn(bank, bank.resident.id, "2")
    await run_job("seal-ledger")

    for table in ("ledger_entry", "ledger_sealed_transaction"):
        await allow_tampering(table)
    await sql(f"DELETE FROM ledger_entry WHERE transaction_id = '{removed.id}'")

    result = await verify()

    assert any(f"transaction {removed.id} changed" in p for p in result.problems)
