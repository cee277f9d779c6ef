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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

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
from kernel.sql import Rider, chain, chained, db_time, query_rows

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


def household_account(
    household_id: str, district_id: str, *, kind: str = "available"
) -> AccountKey:
    """A household's credits: `available` (what the rollup adds and its head spends) or `held`
    (its redemptions on hold)."""
    return AccountKey("household", household_id, district_id, kind, "credits")


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
# A transaction's columns with their PostgreSQL types (the one statement types its values).
_TRANSACTION: tuple[tuple[str, str], ...] = (
    ("id", "varchar"),
    ("district_id", "varchar"),
    ("kind", "varchar"),
    ("ref_type", "varchar"),
    ("ref_id", "varchar"),
    ("action", "varchar"),
    ("reverses_id", "varchar"),
    ("actor", "varchar"),
    ("memo", "varchar"),
    ("occurred_at", "timestamptz"),
    ("created_at", "timestamptz"),
)


@dataclass(frozen=True)
class _Line:
    """One entry as it is written: a leg of the posting, its account's id, the transaction's
    header, and the bounded account's balance after the move (None: unbounded)."""

    header: dict[str, Any]
    leg: Leg
    account_id: str
    balance_after: int | None = None


@dataclass(frozen=True)
class _Column:
    name: str
    type: str  # PostgreSQL's: the one statement types the values it is sent
    value: Callable[[_Line], Any]
    # Known only once the bounded account has moved: the one statement computes it itself.
    moved: bool = False


# An entry, once: its columns and how each is computed. Both ways of posting write it from
# this list (the step-by-step INSERT and the one statement), and the answer is built from it.
ENTRY: tuple[_Column, ...] = (
    _Column("transaction_id", "varchar", lambda line: line.header["id"]),
    _Column("account_id", "varchar", lambda line: line.account_id),
    _Column("district_id", "varchar", lambda line: line.leg.account.district_id),
    _Column("owner_kind", "varchar", lambda line: line.leg.account.owner_kind),
    _Column("owner_id", "varchar", lambda line: line.leg.account.owner_id),
    _Column("account_kind", "varchar", lambda line: line.leg.account.kind),
    _Column("asset", "varchar", lambda line: line.leg.account.asset),
    _Column("action", "varchar", lambda line: line.header["action"]),
    _Column("kind", "varchar", lambda line: line.header["kind"]),
    _Column("amount", "bigint", lambda line: line.leg.amount),
    _Column("balance_after", "bigint", lambda line: line.balance_after, moved=True),
    _Column("earning", "boolean", lambda line: line.leg.earning),
    _Column("expires_at", "timestamptz", lambda line: line.leg.expires_at),
    _Column("created_at", "timestamptz", lambda line: line.header["created_at"]),
)
_ENTRY_COLUMNS = ", ".join(column.name for column in ENTRY)


def _entry_values(lines: Sequence[_Line]) -> tuple[str, dict[str, Any]]:
    """`(:name_0, …), (:name_1, …)` for these lines' entries, and the values by marker."""
    rows = ", ".join(
        "(" + ", ".join(f":{column.name}_{i}" for column in ENTRY) + ")" for i in range(len(lines))
    )
    values = {
        f"{column.name}_{i}": column.value(line) for i, line in enumerate(lines) for column in ENTRY
    }
    return rows, values


def _insert_transaction(source: str) -> str:
    """The transaction's INSERT from `source` (its values), once per cause."""
    return (
        f"INSERT INTO ledger_transaction ({', '.join(name for name, _type in _TRANSACTION)}) "
        f"{source} ON CONFLICT (ref_type, ref_id, kind) DO NOTHING RETURNING id"
    )


def _move_balance(amount: str, account: str) -> str:
    """A bounded account moved by `amount`, never below zero (no row: the floor refused)."""
    return (
        f"UPDATE ledger_account SET balance = balance + {amount} "
        f"WHERE id = {account} AND balance + {amount} >= 0"
    )


# The residents' running totals of the entries `e` just written, in key order (two postings
# never wait on each other crosswise).
_ADD_TO_TOTALS = (
    "INSERT INTO resident_total (district_id, owner_id, asset, action, amount) "
    "SELECT district_id, owner_id, asset, COALESCE(action, ''), SUM(amount) FROM e "
    "WHERE owner_kind = 'resident' AND account_kind = 'available' "
    "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 "
    "ON CONFLICT (district_id, owner_id, asset, action) "
    "DO UPDATE SET amount = resident_total.amount + excluded.amount"
)
_TOTALS_COLUMNS = "district_id, owner_id, asset, action, amount, owner_kind, account_kind"


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
    # Whether each write riding on the statement wrote.
    riders_written: tuple[bool, ...] = ()


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
    also: Sequence[Rider] | Callable[[Posted], Sequence[Rider]] = (),
    balances_before: Mapping[AccountKey, int] | None = None,
) -> Posted | None:
    """Posts a balanced transaction in the caller's database transaction; answers it with its
    entries as posted.

    Returns None, posting nothing, when a transaction of this `kind` for this cause (`ref_type`,
    `ref_id`) exists already: that is how retries and races end up with exactly one. Raises
    `InsufficientCredits` (and the caller's transaction rolls back) when a bounded account
    would go below zero, and `StaleRules`, posting nothing, when `rules` is no longer the
    version in force.

    `also`: the writes that go with the posting (a notice, a redemption, the request's stored
    answer), in order, each only if the posting posted and the one before wrote a row
    (`kernel.sql.chain`; each sets its `written`). On PostgreSQL they ride in the posting's
    one statement; on SQLite they follow it. Given as a function of the posting as written,
    they ride only when the posting is known before it is sent — every bounded account's
    balance is in `balances_before`, read by the caller *under the account's row lock* in
    this transaction, so nobody can move it meanwhile — and follow it otherwise."""
    _check_balanced(legs)
    keys = [leg.account for leg in legs]
    resolved = _known_accounts(keys)
    if resolved is None:
        resolved = await accounts(keys)
    now = datetime.now(UTC)
    # Stored in UTC, as every moment: SQLite keeps the text it is given, and compares text.
    header: dict[str, Any] = {
        "id": new_id(),
        "district_id": district_id,
        "kind": kind,
        "ref_type": ref_type,
        "ref_id": ref_id,
        "action": action,
        "reverses_id": reverses_id,
        "actor": actor,
        "memo": memo,
        "occurred_at": (occurred_at or now).astimezone(UTC),
        "created_at": now,
    }
    # The one place posting asks the dialect (docs/architecture.md, "Raw SQL"): SQLite has no
    # data-modifying WITH, so it posts step by step; both ways write `ENTRY`.
    in_one_statement = dialect() == "postgres"
    expected = _balances_after(legs, balances_before) if callable(also) else None

    async def attempt(resolved: dict[AccountKey, str]) -> tuple[_Outcome, Sequence[Rider]]:
        lines = [_Line(header, leg, resolved[leg.account]) for leg in legs]
        if not in_one_statement:
            return await _post_step_by_step(header, lines, rules), ()
        riders: Sequence[Rider] = ()
        if not callable(also):
            riders = also
        elif expected is not None:
            riders = also(_posted(header, lines, {resolved[k]: b for k, b in expected.items()}))
        return await _post_in_one_statement(header, lines, rules, riders), riders

    outcome, riders = await attempt(resolved)
    if not outcome.accounts_exist:
        # An id cached from a transaction rolled back since: read them in this one, where they
        # exist (nothing was written by the attempt).
        for key in keys:
            _KNOWN_ACCOUNTS.pop(key, None)
        resolved = await accounts(keys)
        outcome, riders = await attempt(resolved)
        assert outcome.accounts_exist, "accounts just opened in this transaction must exist"
    if not outcome.rules_in_force:
        raise StaleRules(f"The rules of district {district_id} changed.")
    if outcome.refused is not None:
        raise await _refused(resolved[outcome.refused.account], outcome.refused)
    if not outcome.posted:
        return None
    lines = [_Line(header, leg, resolved[leg.account]) for leg in legs]
    posted = _posted(header, lines, outcome.balances)
    if riders:
        if expected is not None and outcome.balances != {
            resolved[k]: b for k, b in expected.items()
        }:
            # The caller did not hold the row locks it said it held: what rode on the
            # statement described another posting. Nothing of it may commit.
            raise RuntimeError("A bounded account moved while its row was said to be locked.")
        for rider, wrote in zip(riders, outcome.riders_written, strict=True):
            rider.written = wrote
    elif also:
        await chain(also(posted) if callable(also) else also)
    return posted


def _balances_after(
    legs: Sequence[Leg], before: Mapping[AccountKey, int] | None
) -> dict[AccountKey, int] | None:
    """The bounded accounts' balances after the legs, when the caller read every one under
    its row lock (None otherwise: known only once moved). The floor is checked by the
    statement all the same."""
    bounded = [leg for leg in legs if leg.account.bounded]
    if before is None or any(leg.account not in before for leg in bounded):
        return None
    return {leg.account: before[leg.account] + leg.amount for leg in bounded}


def _posted(header: dict[str, Any], lines: Sequence[_Line], balances: Mapping[str, int]) -> Posted:
    """The transaction and its entries as written, from the lines posted and the bounded
    accounts' balances after (by account id)."""
    transaction = LedgerTransaction(**header)
    transaction._saved_in_db = True
    entries = []
    for line in lines:
        moved = replace(line, balance_after=balances.get(line.account_id))
        entry = Entry(**{column.name: column.value(moved) for column in ENTRY})
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
    header: dict[str, Any], lines: Sequence[_Line], rules: RulesInForce | None
) -> _Outcome:
    accounts_exist, rules_in_force = await _guard([line.account_id for line in lines], rules)
    if not (accounts_exist and rules_in_force):
        return _Outcome(accounts_exist, rules_in_force, posted=False)
    markers = ", ".join(f":{name}" for name, _type in _TRANSACTION)
    if not await query_rows(_insert_transaction(f"VALUES ({markers})"), header):
        return _Outcome(True, True, posted=False)
    balances: dict[str, int] = {}
    # Bounded accounts are moved in id order, so two postings never wait on each other crosswise.
    for line in sorted(lines, key=lambda line: line.account_id):
        if not line.leg.account.bounded:
            continue
        moved = await query_rows(
            _move_balance(":amount", ":account") + " RETURNING balance",
            {"amount": line.leg.amount, "account": line.account_id},
        )
        if not moved:
            return _Outcome(True, True, posted=False, refused=line.leg)
        balances[line.account_id] = int(moved[0]["balance"])
    rows, values = _entry_values(
        [replace(line, balance_after=balances.get(line.account_id)) for line in lines]
    )
    await query_rows(f"INSERT INTO ledger_entry ({_ENTRY_COLUMNS}) VALUES {rows}", values)
    await query_rows(
        f"WITH e AS (SELECT {_TOTALS_COLUMNS} FROM ledger_entry "
        f"WHERE transaction_id = :transaction) {_ADD_TO_TOTALS}",
        {"transaction": header["id"]},
    )
    return _Outcome(True, True, posted=True, balances=balances)


# The version of a district's rules in force at a time (`accounts.versions`).
_RULES_IN_FORCE = (
    "COALESCE(("
    + DISTRICT_RULES.in_force_sql(":rules_district::varchar", ":rules_at::timestamptz", "id")
    + "), '') = :rules_version::varchar"
)


@lru_cache(maxsize=64)
def _one_statement(entries: int, bounded: int, guarded: bool, riders: tuple[str, ...]) -> str:
    """PostgreSQL: the checks, the transaction, the moves of its bounded accounts, the
    entries, the running totals and what rides on the posting (`riders`) in one round trip
    (data-modifying CTEs). Nothing is written unless every account id exists and the rules
    version (`guarded`) is still in force, nor after a conflict on the cause. The bounded
    accounts move one after the other in account-id order (each move reads the one before,
    so it waits for it), and each only if the one before moved: the entries and the riders
    are left out when a floor refuses, and the caller raises."""
    given = [column for column in ENTRY if not column.moved]
    rows = ", ".join(
        "(" + ", ".join(f":{column.name}_{i}::{column.type}" for column in given) + ")"
        for i in range(entries)
    )
    entry = ", ".join(
        "(SELECT m.balance FROM moved m WHERE m.id = v.account_id)"
        if column.moved
        else f"v.{column.name}"
        for column in ENTRY
    )
    header = ", ".join(f":{name}::{type_}" for name, type_ in _TRANSACTION)
    rules_check = _RULES_IN_FORCE if guarded else "TRUE"
    moves = "".join(
        f"m{i} AS ("
        + _move_balance(f":bounded_amount_{i}::bigint", f":bounded_account_{i}::varchar")
        + f" AND EXISTS (SELECT 1 FROM {'t' if i == 0 else f'm{i - 1}'}) RETURNING id, balance), "
        for i in range(bounded)
    )
    moved = (
        " UNION ALL ".join(f"SELECT id, balance FROM m{i}" for i in range(bounded))
        or "SELECT NULL::varchar AS id, NULL::bigint AS balance WHERE FALSE"
    )
    ride = "".join(f", {cte}" for cte in riders)
    written = "".join(f", (SELECT COUNT(*) FROM r{i}) AS r{i}" for i in range(len(riders)))
    return (
        f"WITH v({', '.join(column.name for column in given)}) AS (VALUES {rows}), "
        "ok AS (SELECT (SELECT COUNT(*) FROM ledger_account "
        "WHERE id = ANY(:account_ids::varchar[])) = :account_count::bigint AS accounts, "
        f"{rules_check} AS rules), "
        f"t AS ({_insert_transaction(f'SELECT {header} FROM ok WHERE ok.accounts AND ok.rules')}), "
        f"{moves}moved AS ({moved}), "
        f"e AS (INSERT INTO ledger_entry ({_ENTRY_COLUMNS}) SELECT {entry} FROM t, v "
        f"WHERE (SELECT COUNT(*) FROM moved) = {bounded} RETURNING {_TOTALS_COLUMNS}), "
        f"c AS ({_ADD_TO_TOTALS} RETURNING 1){ride} "
        "SELECT ok.accounts, ok.rules, (SELECT COUNT(*) FROM t) AS posted, "
        "ARRAY(SELECT id FROM moved ORDER BY id) AS moved, "
        f"ARRAY(SELECT balance FROM moved ORDER BY id) AS balances{written} FROM ok"
    )


# What rides on a posting is written when its entries are.
_POSTED = "EXISTS (SELECT 1 FROM e)"


async def _post_in_one_statement(
    header: dict[str, Any],
    lines: Sequence[_Line],
    rules: RulesInForce | None,
    riders: Sequence[Rider] = (),
) -> _Outcome:
    bounded = sorted(
        (line for line in lines if line.leg.account.bounded), key=lambda line: line.account_id
    )
    ids = [line.account_id for line in lines]
    values: dict[str, Any] = {**header, "account_ids": ids, "account_count": len(ids)}
    for i, line in enumerate(bounded):
        values |= {f"bounded_amount_{i}": line.leg.amount, f"bounded_account_{i}": line.account_id}
    if rules is not None:
        values |= {
            "rules_district": rules.district_id,
            "rules_at": rules.at,
            "rules_version": rules.version_id or "",
        }
    _rows, entries = _entry_values(lines)
    values |= entries
    ctes, riding = chained(riders, _POSTED, "r")
    clashing = values.keys() & riding.keys()
    if clashing:
        raise ValueError(f"values named twice in one statement: {sorted(clashing)}")
    values |= riding
    template = _one_statement(len(lines), len(bounded), rules is not None, tuple(ctes))
    result = (await query_rows(template, values))[0]
    posted = bool(result["posted"])
    balances = dict(zip(result["moved"], (int(b) for b in result["balances"]), strict=True))
    refused = next((line.leg for line in bounded if line.account_id not in balances), None)
    return _Outcome(
        bool(result["accounts"]),
        bool(result["rules"]),
        posted,
        refused if posted else None,
        balances if posted and refused is None else {},
        tuple(bool(result[f"r{i}"]) for i in range(len(riders))),
    )


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
