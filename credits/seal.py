"""Tamper evidence. `seal` puts a district's new transactions into a block whose hash covers
each transaction with its entries and the hash of the block before; `verify` recomputes every
block and checks the ledger's own invariants, saying where a chain breaks."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from credits.models import Entry, LedgerBlock, LedgerTransaction, SealedTransaction
from credits.queries import (
    BALANCES_OFF,
    COUNT_UNSEALED,
    UNBALANCED_TRANSACTIONS,
    UNSEALED,
)
from kernel.scope import ALWAYS, eq
from kernel.sql import query_rows

GENESIS = "0" * 64
BLOCK_SIZE = 1000


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def transaction_digest(transaction: LedgerTransaction, entries: list[Entry]) -> str:
    document = {
        "id": transaction.id,
        "district": transaction.district_id,
        "kind": transaction.kind,
        "ref": [transaction.ref_type, transaction.ref_id],
        "action": transaction.action,
        "reverses": transaction.reverses_id,
        "actor": transaction.actor,
        "memo": transaction.memo,
        "occurred_at": _when(transaction.occurred_at),
        "created_at": _when(transaction.created_at),
        "entries": [
            [
                e.id, e.account_id, e.owner_kind, e.owner_id, e.account_kind, e.asset,
                e.amount, e.balance_after, e.earning, _when(e.expires_at),
            ]
            for e in sorted(entries, key=lambda e: e.id)
        ],
    }  # fmt: skip
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def block_hash(previous_hash: str, digests: list[str]) -> str:
    return hashlib.sha256("\n".join([previous_hash, *digests]).encode()).hexdigest()


async def _digests(transaction_ids: list[str]) -> dict[str, str]:
    transactions = await LedgerTransaction.filter(id__in=transaction_ids)
    entries: dict[str, list[Entry]] = defaultdict(list)
    for entry in await Entry.filter(transaction_id__in=transaction_ids):
        entries[entry.transaction_id].append(entry)
    return {t.id: transaction_digest(t, entries[t.id]) for t in transactions}


async def _unsealed(district_id: str | None, limit: int) -> list[dict[str, Any]]:
    district = ALWAYS if district_id is None else eq("district_id", district_id)
    return await query_rows(UNSEALED, {"limit": limit}, in_district=district.sql("t"))


async def seal(*, block_size: int = BLOCK_SIZE) -> dict[str, int]:
    """Seals every district's unsealed transactions, `block_size` to a block."""
    stats = {"blocks": 0, "transactions": 0}
    while districts := {row["district_id"] for row in await _unsealed(None, block_size)}:
        for district_id in sorted(districts):
            ids = [row["id"] for row in await _unsealed(district_id, block_size)]
            last = await LedgerBlock.filter(district_id=district_id).order_by("-sequence").first()
            digests = await _digests(ids)
            previous = last.hash if last else GENESIS
            block = await LedgerBlock.create(
                district_id=district_id,
                sequence=last.sequence + 1 if last else 1,
                previous_hash=previous,
                hash=block_hash(previous, [digests[i] for i in ids]),
                transaction_count=len(ids),
                sealed_at=datetime.now(UTC),
            )
            await SealedTransaction.bulk_create(
                [
                    SealedTransaction(
                        block_id=block.id,
                        transaction_id=i,
                        district_id=district_id,
                        digest=digests[i],
                    )
                    for i in ids
                ]
            )
            stats["blocks"] += 1
            stats["transactions"] += len(ids)
    return stats


@dataclass
class Verification:
    blocks: int = 0
    transactions: int = 0
    unsealed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


async def verify() -> Verification:
    """Recomputes every block of every district and checks that each transaction sums to zero
    per asset and that each bounded balance is the sum of its entries and not negative."""
    result = Verification()
    districts = (
        await LedgerBlock.all()
        .distinct()
        .order_by("district_id")
        .values_list("district_id", flat=True)
    )
    for district_id in districts:
        await _verify_chain(str(district_id), result)
    counted = await query_rows(COUNT_UNSEALED, [])
    result.unsealed = int(counted[0]["n"])
    for row in await query_rows(UNBALANCED_TRANSACTIONS, []):
        result.problems.append(
            f"transaction {row['transaction_id']}: its {row['asset']} entries sum to "
            f"{row['total']}, not zero"
        )
    for row in await query_rows(BALANCES_OFF, []):
        result.problems.append(
            f"account {row['id']}: balance {row['balance']} but its entries sum to {row['total']}"
        )
    return result


async def _verify_chain(district_id: str, result: Verification) -> None:
    previous, expected = GENESIS, 1
    blocks = await LedgerBlock.filter(district_id=district_id).order_by("sequence")
    for block in blocks:
        where = f"district {district_id} block {block.sequence}"
        result.blocks += 1
        if block.sequence != expected:
            result.problems.append(f"{where}: blocks {expected}…{block.sequence - 1} are missing")
        if block.previous_hash != previous:
            result.problems.append(f"{where}: does not follow the block before (chain broken)")
        sealed = await SealedTransaction.filter(block_id=block.id).order_by("transaction_id")
        digests = await _digests([s.transaction_id for s in sealed])
        result.transactions += len(sealed)
        for seal in sealed:
            now = digests.get(seal.transaction_id)
            if now is None:
                result.problems.append(f"{where}: transaction {seal.transaction_id} is gone")
            elif now != seal.digest:
                result.problems.append(
                    f"{where}: transaction {seal.transaction_id} changed since it was sealed"
                )
        if len(sealed) != block.transaction_count:
            result.problems.append(
                f"{where}: sealed {block.transaction_count} transactions, {len(sealed)} remain"
            )
        if block_hash(block.previous_hash, [s.digest for s in sealed]) != block.hash:
            result.problems.append(f"{where}: its hash does not match its contents")
        previous, expected = block.hash, block.sequence + 1
