"""Tables of the moral bank: the ledger (accounts, transactions, entries, sealed blocks),
rewards and redemptions.

Amounts are integers in hundredths of their asset (`SCALE`): 12.5 credits are 1250, 2.5 hours
are 250, one participation is 100. Integers keep the balance floor exact on every database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise import fields
from tortoise.indexes import PartialIndex
from tortoise.models import Model

from kernel.ids import new_id

SCALE = 100


def to_units(amount: Decimal) -> int:
    return int((amount * SCALE).to_integral_value())


def from_units(units: int) -> Decimal:
    return (Decimal(units) / SCALE).quantize(Decimal("0.01"))


class Account(Model):
    """The holding of one owner in one asset and district. Only bounded accounts keep a balance."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, db_index=True)
    owner_kind = fields.CharField(max_length=16)  # resident, household, district
    owner_id = fields.CharField(max_length=26)
    kind = fields.CharField(max_length=16)  # available, held, issuance, redemption, expiry, penalty
    asset = fields.CharField(max_length=16)  # credits, hours, participations
    # Resident and household accounts never go below zero and carry a running balance, moved
    # by a conditional update. District accounts are unbounded: their balance is the sum of
    # their entries and their row is never written after it is made, so it is no lock.
    bounded = fields.BooleanField()
    balance = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_account"
        unique_together = (("owner_kind", "owner_id", "district_id", "kind", "asset"),)


class LedgerTransaction(Model):
    """Entries that sum to zero per asset, posted together. Never updated nor deleted."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    kind = fields.CharField(max_length=16)
    # What caused it: a service record, a deed, a redemption, an adjustment, a transaction.
    ref_type = fields.CharField(max_length=32)
    ref_id = fields.CharField(max_length=80)
    action = fields.CharField(max_length=64, null=True)
    reverses_id = fields.CharField(max_length=26, null=True, unique=True)
    actor = fields.CharField(max_length=64)
    memo = fields.CharField(max_length=500, default="")
    occurred_at = fields.DatetimeField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "ledger_transaction"
        # One hold, one fulfilment, one participation … per cause: retries and races meet here.
        unique_together = (("ref_type", "ref_id", "kind"),)
        indexes = (("district_id", "id"),)


class Entry(Model):
    """One leg of a transaction: an amount on an account. Owner, asset and action are copied
    from the account and transaction so totals are one indexed scan."""

    id = fields.BigIntField(primary_key=True)
    transaction: fields.ForeignKeyRelation[LedgerTransaction] = fields.ForeignKeyField(
        "models.LedgerTransaction", related_name="entries", on_delete=fields.RESTRICT
    )
    transaction_id: str
    # No database constraint: on PostgreSQL every insert checking it would share-lock the
    # account row, and a district's treasury row would become the lock every award queues on.
    # Accounts are never deleted (a trigger refuses it), so the reference cannot dangle.
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="entries", on_delete=fields.RESTRICT, db_constraint=False
    )
    account_id: str
    district_id = fields.CharField(max_length=26)
    owner_kind = fields.CharField(max_length=16)
    owner_id = fields.CharField(max_length=26)
    account_kind = fields.CharField(max_length=16)
    asset = fields.CharField(max_length=16)
    action = fields.CharField(max_length=64, null=True)
    kind = fields.CharField(max_length=16)
    amount = fields.BigIntField()
    # The account's balance after this entry (bounded accounts only).
    balance_after = fields.BigIntField(null=True)
    # Earned credits (and the reversal of an earning) are lots that may expire; everything
    # else (spending, holds, returns, expiry) is a flow that consumes the lots oldest first.
    earning = fields.BooleanField(default=False)
    expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "ledger_entry"
        indexes = (
            # Totals, badges and histories are a resident's: a district's entries (half of every
            # award's) stay out of this index, and so do an award's writes to its hot keys.
            # Queries must say `owner_kind = 'resident'` to use it.
            PartialIndex(
                fields=("owner_id", "asset", "action"), condition={"owner_kind": "resident"}
            ),
            ("account_id", "id"),
            ("transaction_id",),
        )


class ResidentTotal(Model):
    """A resident's running total of an asset per action and district: the sum of their
    `available` entries, posted in the statement that posts the entries (`credits/ledger.py`),
    so a summary reads a few rows instead of summing the resident's whole history.
    `action` is '' for entries without one."""

    id = fields.BigIntField(primary_key=True)
    district_id = fields.CharField(max_length=26)
    owner_id = fields.CharField(max_length=26)
    asset = fields.CharField(max_length=16)
    action = fields.CharField(max_length=64)
    amount = fields.BigIntField()

    class Meta:
        table = "resident_total"
        unique_together = (("district_id", "owner_id", "asset", "action"),)
        indexes = (("owner_id",),)


class LedgerBlock(Model):
    """A sealed batch of transactions of a district. Its hash covers them and the block before."""

    id = fields.BigIntField(primary_key=True)
    district_id = fields.CharField(max_length=26)
    sequence = fields.IntField()
    previous_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)
    transaction_count = fields.IntField()
    sealed_at = fields.DatetimeField()

    class Meta:
        table = "ledger_block"
        unique_together = (("district_id", "sequence"),)


class SealedTransaction(Model):
    """Which block sealed a transaction (a transaction row itself is never written again)."""

    id = fields.BigIntField(primary_key=True)
    block: fields.ForeignKeyRelation[LedgerBlock] = fields.ForeignKeyField(
        "models.LedgerBlock", related_name="sealed", on_delete=fields.RESTRICT
    )
    block_id: int
    transaction: fields.OneToOneRelation[LedgerTransaction] = fields.OneToOneField(
        "models.LedgerTransaction", related_name="seal", on_delete=fields.RESTRICT
    )
    transaction_id: str
    district_id = fields.CharField(max_length=26)
    # The hash of the transaction and its entries, so a verifier can say which one changed.
    digest = fields.CharField(max_length=64)

    class Meta:
        table = "ledger_sealed_transaction"


class Reward(Model):
    """Something residents can redeem credits for, with the stock still available."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, db_index=True)
    community_id = fields.CharField(max_length=26, null=True)
    title = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    cost = fields.BigIntField()
    stock = fields.IntField()
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Withdrawn rewards leave the residents' catalogue; holds taken before may still be
    # handed over or cancelled.
    withdrawn_at = fields.DatetimeField(null=True)

    class Meta:
        table = "reward"


class RewardChange(Model):
    """The record of what staff did to a reward: an edit, a restock or its withdrawal."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    reward_id = fields.CharField(max_length=26, db_index=True)
    kind = fields.CharField(max_length=16)  # edited, restocked, withdrawn
    quantity = fields.IntField(null=True)
    stock_after = fields.IntField()
    changes: Any = fields.JSONField(default=dict)
    reason = fields.TextField(default="")
    changed_by = fields.CharField(max_length=64)
    changed_at = fields.DatetimeField()

    class Meta:
        table = "reward_change"


class Redemption(Model):
    """A claim of a resident on a reward: held, then fulfilled at pickup, voided or expired."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    reward: fields.ForeignKeyRelation[Reward] = fields.ForeignKeyField(
        "models.Reward", related_name="redemptions", on_delete=fields.RESTRICT
    )
    reward_id: str
    # Who redeemed; and, when they redeemed as its head from their household's credits, the
    # household (its accounts hold and pay the cost, its members see the redemption).
    resident_id = fields.CharField(max_length=26, db_index=True)
    household_id = fields.CharField(max_length=26, null=True, db_index=True)
    code = fields.CharField(max_length=16, unique=True)
    cost = fields.BigIntField()
    status = fields.CharField(max_length=16, default="held")  # held, fulfilled, voided, expired
    expires_at = fields.DatetimeField(db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    settled_at = fields.DatetimeField(null=True)
    settled_by = fields.CharField(max_length=64, null=True)
    # When the resident was told the hold is about to lapse (once per redemption).
    reminded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "redemption"
