"""The double-entry ledger: accounts, posting a balanced transaction with its balance floors
enforced in the statement that moves the money, and reversal.

Bounded accounts (a resident's or household's credits) carry a running balance moved by
`UPDATE … SET balance = balance + d WHERE id = … AND balance + d >= 0`: concurrent spends
queue on the row and the loser finds the floor, on PostgreSQL and on SQLite alike. District
accounts (issuance, redemption, expiry, penalty) and the hours and participation counters are
unbounded: postings only insert entries, so a district's treasury is never a lock.

Longer than most modules on purpose: posting has two strategies (one statement on PostgreSQL,
step by step on SQLite) that must stay side by side to be read as one rule of money."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from tortoise import connections

from accounts.service import DISTRICT_RULES
from credits.errors import (
    AlreadyReversed,
    InsufficientCredits,
    NotReversible,
    UnbalancedTransaction,
)
from credits.models import Account, Entry, LedgerTransaction, from_units
from kernel.db import dialect
from kernel.i18n import N_
from kernel.ids import new_id
from kernel.sql import db_time, query_rows

REVERSIBLE_KINDS = frozenset({"participation", "adjust"})


@dataclass(frozen=True)
class AccountKey:
    owner_kind: str  # resident, household, district
    owner_id: str
    district_id: str
    kind: str  # available, held; issuance, redemption, expiry, penalty
    asset: str

    @property
    def bounded(self) -> bool:
        return self.owner_kind != "district" and self.asset == "credits"


def resident_account(
    resident_id: str, district_id: str, *, kind: str = "available", asset: str = "credits"
) -> AccountKey:
    return AccountKey("resident", resident_id, district_id, kind, asset)


def district_account(district_id: str, kind: str, asset: str = "credits") -> AccountKey:
    return AccountKey("district", district_id, district_id, kind, asset)


def key_of(entry: Entry) -> AccountKey:
    return AccountKey(
        entry.owner_kind, entry.owner_id, entry.district_id, entry.account_kind, entry.asset
    )


@dataclass(frozen=True)
class Leg:
    """One side of a posting: `amount` units (hundredths) on an account."""

    account: AccountKey
    amount: int
    earning: bool = False
    expires_at: datetime | None = None


# --- raw statements, written once for both databases ----------------------------------------

_ACCOUNT_COLUMNS = (
    "(id, district_id, owner_kind, owner_id, kind, asset, bounded, balance, created_at)"
)
_ENTRY_COLUMNS = (
    "(transaction_id, account_id, district_id, owner_kind, owner_id, account_kind, asset, "
    "action, kind, amount, balance_after, earning, expires_at, created_at)"
)
_INSERT_TRANSACTION = (
    "INSERT INTO ledger_transaction (id, district_id, kind, ref_type, ref_id, action, "
    "reverses_id, actor, memo, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (ref_type, ref_id, kind) DO NOTHING RETURNING id"
)
_ADD_TO_TOTAL = (
    "ON CONFLICT (district_id, owner_id, asset, action) "
    "DO UPDATE SET amount = resident_total.amount + excluded.amount"
)
_MOVE_BALANCE = (
    "UPDATE ledger_account SET balance = balance + ? "
    "WHERE id = ? AND balance + ? >= 0 RETURNING balance"
)


# --- accounts -------------------------------------------------------------------------------

# Ids of accounts seen open, per key, in this process. Accounts are never deleted, but an id
# cached here may come from a transaction that was rolled back afterwards, or from a database
# since replaced: every posting therefore checks, in the statement that posts, that all its
# account ids exist, and resolves them again when one does not.
_KNOWN_ACCOUNTS: dict[AccountKey, str] = {}
_KNOWN_ACCOUNTS_MAX = 100_000


async def accounts(keys: Iterable[AccountKey]) -> dict[AccountKey, str]:
    """The ids of the accounts of these keys, opened on first use (a race to open one is
    harmless). Read from the database: the ids are visible to the caller's transaction."""
    wanted = set(keys)
    found = await _fetch_accounts(wanted)
    missing = wanted - found.keys()
    if missing:
        now = datetime.now(UTC)
        values: list[Any] = []
        for key in sorted(missing, key=lambda k: (k.owner_id, k.kind, k.asset)):
            values += [new_id(), key.district_id, key.owner_kind, key.owner_id, key.kind]
            values += [key.asset, key.bounded, 0, now]
        rows = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(missing))
        await query_rows(
            f"INSERT INTO ledger_account {_ACCOUNT_COLUMNS} VALUES {rows} "
            "ON CONFLICT (owner_kind, owner_id, district_id, kind, asset) DO NOTHING",
            values,
        )
        found.update(await _fetch_accounts(missing))
    if len(_KNOWN_ACCOUNTS) + len(found) > _KNOWN_ACCOUNTS_MAX:
        _KNOWN_ACCOUNTS.clear()
    _KNOWN_ACCOUNTS.update(found)
    return found


async def _fetch_accounts(keys: set[AccountKey]) -> dict[AccountKey, str]:
    owners = sorted({(k.owner_id, k.district_id) for k in keys})
    where = " OR ".join(["(owner_id = ? AND district_id = ?)"] * len(owners))
    found = await query_rows(
        "SELECT id, owner_kind, owner_id, district_id, kind, asset "
        f"FROM ledger_account WHERE {where}",
        [value for owner in owners for value in owner],
    )
    by_key = {
        AccountKey(r["owner_kind"], r["owner_id"], r["district_id"], r["kind"], r["asset"]): str(
            r["id"]
        )
        for r in found
    }
    return {key: account_id for key, account_id in by_key.items() if key in keys}


def remember_accounts(found: dict[AccountKey, str]) -> None:
    """Account ids the caller read in its transaction (e.g. in the statement that read the
    resident), so the posting need not look them up; it checks they exist all the same."""
    if len(_KNOWN_ACCOUNTS) + len(found) > _KNOWN_ACCOUNTS_MAX:
        _KNOWN_ACCOUNTS.clear()
    _KNOWN_ACCOUNTS.update(found)


def _known_accounts(keys: Sequence[AccountKey]) -> dict[AccountKey, str] | None:
    try:
        return {key: _KNOWN_ACCOUNTS[key] for key in keys}
    except KeyError:
        return None


# --- posting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RulesInForce:
    """The district rules version (None: the defaults) a posting's amounts were computed by,
    for the rules in force at `at`. The posting checks it is still the one in force."""

    district_id: str
    at: datetime
    version_id: str | None


class StaleRules(Exception):
    """The rules version a posting was computed by is no longer the one in force: nothing was
    posted; compute the amounts again from the rules read afresh."""


def _check_balanced(legs: Sequence[Leg]) -> None:
    totals: dict[str, int] = defaultdict(int)
    for leg in legs:
        if leg.amount == 0:
            raise UnbalancedTransaction(N_("An entry must move a non-zero amount."))
        totals[leg.account.asset] += leg.amount
    unbalanced = sorted(asset for asset, total in totals.items() if total != 0)
    if len(legs) < 2 or unbalanced:
        raise UnbalancedTransaction(
            N_("The entries do not sum to zero per asset ({unbalanced})."),
            unbalanced=", ".join(unbalanced) or "one entry",
        )
    if len({leg.account for leg in legs}) != len(legs):
        raise UnbalancedTransaction(N_("An account appears twice in one transaction."))


@dataclass(frozen=True)
class _Outcome:
    accounts_exist: bool
    rules_in_force: bool
    posted: bool
    refused: Leg | None = None
    # The bounded accounts' balances after the posting, by account id.
    balances: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Posted:
    """A transaction just posted and its entries as written (in the order posted; their
    serial ids are not read back), so an answer needs not read them again."""

    transaction: LedgerTransaction
    entries: list[Entry]


async def post(
    *,
    district_id: str,
    kind: str,
    ref_type: str,
    ref_id: str,
    legs: Sequence[Leg],
    actor: str,
    memo: str = "",
    action: str | None = None,
    occurred_at: datetime | None = None,
    reverses_id: str | None = None,
    rules: RulesInForce | None = None,
) -> Posted | None:
    """Posts a balanced transaction in the caller's database transaction; answers it with its
    entries as posted.

    Returns None, posting nothing, when a transaction of this `kind` for this cause (`ref_type`,
    `ref_id`) exists already: that is how retries and races end up with exactly one. Raises
    `InsufficientCredits` (and the caller's transaction rolls back) when a bounded account
    would go below zero, and `StaleRules`, posting nothing, when `rules` is no longer the
    version in force."""
    _check_balanced(legs)
    keys = [leg.account for leg in legs]
    resolved = _known_accounts(keys)
    if resolved is None:
        resolved = await accounts(keys)
    now = datetime.now(UTC)
    # Stored in UTC, as every moment: SQLite keeps the text it is given, and compares text.
    header = [
        new_id(), district_id, kind, ref_type, ref_id, action, reverses_id, actor, memo,
        (occurred_at or now).astimezone(UTC), now,
    ]  # fmt: skip
    in_one_statement = sum(key.bounded for key in keys) <= 1 and dialect() == "postgres"

    async def attempt(resolved: dict[AccountKey, str]) -> _Outcome:
        if in_one_statement:
            return await _post_in_one_statement(header, legs, resolved, rules)
        return await _post_step_by_step(header, legs, resolved, rules, action, kind, now)

    outcome = await attempt(resolved)
    if not outcome.accounts_exist:
        # An id cached from a transaction rolled back since: read them in this one, where they
        # exist (nothing was written by the attempt).
        for key in keys:
            _KNOWN_ACCOUNTS.pop(key, None)
        resolved = await accounts(keys)
        outcome = await attempt(resolved)
        assert outcome.accounts_exist, "accounts just opened in this transaction must exist"
    if not outcome.rules_in_force:
        raise StaleRules(f"The rules of district {district_id} changed.")
    if outcome.refused is not None:
        raise await _refused(resolved[outcome.refused.account], outcome.refused)
    if not outcome.posted:
        return None
    transaction = LedgerTransaction(
        id=header[0],
        district_id=district_id,
        kind=kind,
        ref_type=ref_type,
        ref_id=ref_id,
        action=action,
        reverses_id=reverses_id,
        actor=actor,
        memo=memo,
        occurred_at=header[9],
        created_at=now,
    )
    transaction._saved_in_db = True
    entries = []
    for leg in legs:
        account_id = resolved[leg.account]
        entry = Entry(
            transaction_id=transaction.id,
            account_id=account_id,
            district_id=leg.account.district_id,
            owner_kind=leg.account.owner_kind,
            owner_id=leg.account.owner_id,
            account_kind=leg.account.kind,
            asset=leg.account.asset,
            action=action,
            kind=kind,
            amount=leg.amount,
            balance_after=outcome.balances.get(account_id),
            earning=leg.earning,
            expires_at=leg.expires_at,
            created_at=now,
        )
        entry._saved_in_db = True
        entries.append(entry)
    return Posted(transaction, entries)


async def _refused(account_id: str, leg: Leg) -> InsufficientCredits:
    found = await query_rows("SELECT balance FROM ledger_account WHERE id = ?", [account_id])
    return InsufficientCredits(
        N_("The balance is {found} credits or less; {amount} are needed."),
        found=from_units(int(found[0]["balance"])),
        amount=from_units(-leg.amount),
    )


async def _guard(ids: Sequence[str], rules: RulesInForce | None) -> tuple[bool, bool]:
    """Whether all these accounts exist and `rules` is the version in force (step by step)."""
    accounts_exist = await Account.filter(id__in=list(ids)).count() == len(ids)
    if rules is None:
        return accounts_exist, True
    in_force = await query_rows(
        DISTRICT_RULES.in_force_sql(":district", ":at", "id"),
        {"district": rules.district_id, "at": db_time(rules.at)},
    )
    return accounts_exist, (str(in_force[0]["id"]) if in_force else None) == rules.version_id


async def _post_step_by_step(
    header: list[Any],
    legs: Sequence[Leg],
    resolved: dict[AccountKey, str],
    rules: RulesInForce | None,
    action: str | None,
    kind: str,
    now: datetime,
) -> _Outcome:
    accounts_exist, rules_in_force = await _guard(list(resolved.values()), rules)
    if not (accounts_exist and rules_in_force):
        return _Outcome(accounts_exist, rules_in_force, posted=False)
    if not await query_rows(_INSERT_TRANSACTION, header):
        return _Outcome(True, True, posted=False)
    balances: dict[str, int] = {}
    # Bounded accounts are moved in id order, so two postings never wait on each other crosswise.
    for leg in sorted(legs, key=lambda leg: resolved[leg.account]):
        if not leg.account.bounded:
            continue
        account_id = resolved[leg.account]
        moved = await query_rows(_MOVE_BALANCE, [leg.amount, account_id, leg.amount])
        if not moved:
            return _Outcome(True, True, posted=False, refused=leg)
        balances[account_id] = int(moved[0]["balance"])
    values: list[Any] = []
    for leg in legs:
        account_id = resolved[leg.account]
        values += [header[0], account_id, leg.account.district_id, leg.account.owner_kind]
        values += [leg.account.owner_id, leg.account.kind, leg.account.asset, action, kind]
        values += [leg.amount, balances.get(account_id), leg.earning, leg.expires_at, now]
    placeholders = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(legs))
    await query_rows(f"INSERT INTO ledger_entry {_ENTRY_COLUMNS} VALUES {placeholders}", values)
    await _add_to_totals(legs, action)
    return _Outcome(True, True, posted=True, balances=balances)


async def _add_to_totals(legs: Sequence[Leg], action: str | None) -> None:
    """The residents' running totals of these legs (the one statement does the same)."""
    totals: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for leg in legs:
        key = leg.account
        if key.owner_kind == "resident" and key.kind == "available":
            totals[(key.district_id, key.owner_id, key.asset, action or "")] += leg.amount
    if not totals:
        return
    values = [part for row in sorted(totals.items()) for part in (*row[0], row[1])]
    placeholders = ", ".join(["(?, ?, ?, ?, ?)"] * len(totals))
    await query_rows(
        "INSERT INTO resident_total (district_id, owner_id, asset, action, amount) "
        f"VALUES {placeholders} {_ADD_TO_TOTAL}",
        values,
    )


_ENTRY_VALUE = (
    "(${}::varchar, ${}::varchar, ${}::varchar, ${}::varchar, ${}::varchar, ${}::varchar, "
    "${}::bigint, ${}::boolean, ${}::boolean, ${}::timestamptz)"
)
# The version of a district's rules in force at a time (`accounts.versions`).
_RULES_IN_FORCE = (
    "COALESCE(("
    + DISTRICT_RULES.in_force_sql("$16::varchar", "$17::timestamptz", "id")
    + "), '') = $18::varchar"
)


@lru_cache(maxsize=32)
def _one_statement(entries: int, bounded: bool, guarded: bool) -> str:
    """PostgreSQL: the checks, the transaction, the move of its one bounded account and the
    entries in one round trip (data-modifying CTEs). Nothing is written unless every account
    id exists and the rules version (`guarded`) is still in force, nor after a conflict on the
    cause; the entries are left out when the floor refuses the move, and the caller raises."""
    first = 19 if guarded else 16
    number = iter(range(first, first + entries * 10))
    rows = ", ".join(
        _ENTRY_VALUE.format(*(next(number) for _ in range(10))) for _ in range(entries)
    )
    rules_check = _RULES_IN_FORCE if guarded else "TRUE"
    move = (
        ", moved AS (UPDATE ledger_account SET balance = balance + $12::bigint "
        "WHERE id = $13::varchar AND balance + $12::bigint >= 0 AND EXISTS (SELECT 1 FROM t) "
        "RETURNING balance)"
        if bounded
        else ", moved AS (SELECT NULL::bigint AS balance WHERE $12::bigint IS NULL "
        "AND $13::varchar IS NULL)"
    )
    return (
        "WITH v(account_id, district_id, owner_kind, owner_id, account_kind, asset, amount, "
        f"bounded, earning, expires_at) AS (VALUES {rows}), "
        "ok AS (SELECT (SELECT COUNT(*) FROM ledger_account WHERE id = ANY($14::varchar[])) "
        f"= $15::bigint AS accounts, {rules_check} AS rules), "
        "t AS (INSERT INTO ledger_transaction (id, district_id, kind, ref_type, ref_id, "
        "action, reverses_id, actor, memo, occurred_at, created_at) SELECT $1::varchar, "
        "$2::varchar, $3::varchar, $4::varchar, $5::varchar, $6::varchar, $7::varchar, "
        "$8::varchar, $9::varchar, $10::timestamptz, $11::timestamptz FROM ok "
        "WHERE ok.accounts AND ok.rules "
        "ON CONFLICT (ref_type, ref_id, kind) DO NOTHING RETURNING id, action, kind, created_at)"
        f"{move}, e AS (INSERT INTO ledger_entry {_ENTRY_COLUMNS} "
        "SELECT t.id, v.account_id, v.district_id, v.owner_kind, v.owner_id, v.account_kind, "
        "v.asset, t.action, t.kind, v.amount, CASE WHEN v.bounded THEN "
        "(SELECT balance FROM moved) END, v.earning, v.expires_at, t.created_at "
        "FROM t, v WHERE NOT v.bounded OR EXISTS (SELECT 1 FROM moved) RETURNING 1), "
        # The residents' running totals, in key order (two postings never wait crosswise).
        "c AS (INSERT INTO resident_total (district_id, owner_id, asset, action, amount) "
        "SELECT v.district_id, v.owner_id, v.asset, COALESCE(t.action, ''), SUM(v.amount) "
        "FROM t, v WHERE v.owner_kind = 'resident' AND v.account_kind = 'available' "
        "AND (NOT v.bounded OR EXISTS (SELECT 1 FROM moved)) GROUP BY 1, 2, 3, 4 "
        f"ORDER BY 1, 2, 3, 4 {_ADD_TO_TOTAL} RETURNING 1) "
        "SELECT ok.accounts, ok.rules, (SELECT COUNT(*) FROM t) AS posted, "
        "(SELECT COUNT(*) FROM moved) AS moved, (SELECT balance FROM moved) AS balance FROM ok"
    )


async def _post_in_one_statement(
    header: list[Any],
    legs: Sequence[Leg],
    resolved: dict[AccountKey, str],
    rules: RulesInForce | None,
) -> _Outcome:
    bounded = next((leg for leg in legs if leg.account.bounded), None)
    ids = [resolved[leg.account] for leg in legs]
    values = [
        *header,
        bounded.amount if bounded else None,
        resolved[bounded.account] if bounded else None,
        ids,
        len(ids),
    ]
    if rules is not None:
        values += [rules.district_id, rules.at, rules.version_id or ""]
    for leg, account_id in zip(legs, ids, strict=True):
        values += [account_id, leg.account.district_id, leg.account.owner_kind]
        values += [leg.account.owner_id, leg.account.kind, leg.account.asset, leg.amount]
        values += [leg.account.bounded, leg.earning, leg.expires_at]
    connection = connections.get("default")
    result = (
        await connection.execute_query_dict(
            _one_statement(len(legs), bounded is not None, rules is not None), values
        )
    )[0]
    posted = bool(result["posted"])
    refused = bounded if posted and bounded is not None and not result["moved"] else None
    balances = {}
    if bounded is not None and posted and not refused:
        balances[resolved[bounded.account]] = int(result["balance"])
    return _Outcome(bool(result["accounts"]), bool(result["rules"]), posted, refused, balances)


async def reverse(transaction: LedgerTransaction, *, reason: str, actor: str) -> LedgerTransaction:
    """Posts the mirror of `transaction` once; a second reversal is `AlreadyReversed`."""
    if transaction.kind not in REVERSIBLE_KINDS:
        raise NotReversible(
            N_("A `{kind}` transaction is settled through its own flow, not reversed."),
            kind=transaction.kind,
        )
    entries = await Entry.filter(transaction_id=transaction.id).order_by("id")
    posted = await post(
        district_id=transaction.district_id,
        kind="reverse",
        ref_type="transaction",
        ref_id=transaction.id,
        legs=[
            Leg(key_of(e), -e.amount, earning=e.earning, expires_at=e.expires_at) for e in entries
        ],
        actor=actor,
        memo=reason,
        action=transaction.action,
        reverses_id=transaction.id,
    )
    if posted is None:
        raise AlreadyReversed(N_("Transaction {id} was reversed already."), id=transaction.id)
    return posted.transaction
