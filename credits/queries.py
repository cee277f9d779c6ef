"""The credits' raw statements, written once for both databases (`kernel.sql`): the daily
cap of reports, a staff adjustment's target, expiry, sealing's checks and a redemption. The
ledger's posting statements are built in `credits/ledger.py` from its description of an
entry; the residents' metrics in `credits/totals.py`."""

from __future__ import annotations

from accounts.service import DISTRICT_RULES

# The rules in force at the report's time, and the resident's reported participations of the
# action that local day that the ledger holds and no reversal took back (`{reported}`: the
# transactions of a reported source): one statement.
DAILY_CAP = f"""
SELECT ({DISTRICT_RULES.in_force_sql(":district", ":at")}) AS rules, (
  SELECT COUNT(*) FROM ledger_entry e JOIN ledger_transaction t ON t.id = e.transaction_id
  WHERE e.owner_kind = 'resident' AND e.owner_id = :resident AND e.asset = 'participations'
    AND e.action = :action AND e.kind = 'participation'
    AND {{reported}}
    AND t.occurred_at >= :start AND t.occurred_at < :end
    AND NOT EXISTS (SELECT 1 FROM ledger_transaction r WHERE r.reverses_id = t.id)
) AS counted
"""

# The resident an adjustment is for (`{residents}`: `accounts.scope.district_residents`), the
# district's rules in force now, the ids of the two accounts it moves and the resident's
# balance, read under its row lock (PostgreSQL) so that the posting is known before it is
# sent: one statement.
_RESIDENT_CREDITS = """
    WHERE a.owner_kind = 'resident' AND a.owner_id = r.id AND a.district_id = r.district_id
      AND a.kind = 'available' AND a.asset = 'credits'"""
ADJUSTMENT_TARGET = f"""
SELECT r.id, r.district_id,
  ({DISTRICT_RULES.in_force_sql("r.district_id", ":now")}) AS rules,
  (SELECT a.id FROM ledger_account a {_RESIDENT_CREDITS}) AS resident_account,
  (SELECT a.balance FROM ledger_account a {_RESIDENT_CREDITS}
    {{for_update}}) AS resident_balance,
  (SELECT a.id FROM ledger_account a
    WHERE a.owner_kind = 'district' AND a.owner_id = r.district_id
      AND a.district_id = r.district_id AND a.kind = :district_kind
      AND a.asset = 'credits') AS district_account
FROM resident r WHERE r.id = :resident AND {{residents}}
"""

# What an account owes to expiry at `?` (a moment): its earned credits past their expiry date,
# less what was spent or expired (entries that earn nothing).
_DUE = (
    "SUM(CASE WHEN earning AND expires_at IS NOT NULL AND expires_at <= ? THEN amount ELSE 0 END)"
    " + SUM(CASE WHEN earning THEN 0 ELSE amount END)"
)
EXPIRY_CANDIDATES = (
    f"SELECT account_id, district_id, owner_id, {_DUE} AS due FROM ledger_entry "
    "WHERE owner_kind = 'resident' AND asset = 'credits' AND account_kind = 'available' "
    f"GROUP BY account_id, district_id, owner_id HAVING {_DUE} > 0"
)
# An account's due again, once it is locked (`LOCK_ACCOUNT`: a spend that raced the scan
# consumed lots too).
ACCOUNT_DUE = f"SELECT {_DUE} AS due FROM ledger_entry WHERE account_id = ?"
LOCK_ACCOUNT = "UPDATE ledger_account SET balance = balance WHERE id = ? RETURNING balance"

# A reward a resident redeems (`{readable}`: `credits.scope.readable_rewards`) and its
# district's rules in force now: one statement.
REWARD_TO_REDEEM = f"""
SELECT r.*, ({DISTRICT_RULES.in_force_sql("r.district_id", ":now")}) AS rules
FROM reward r WHERE r.id = :reward AND {{readable}}
"""
# A redemption's unit of stock, never below zero (steps of `kernel.sql.chain`).
TAKE_UNIT = (
    "UPDATE reward SET stock = stock - 1 "
    "WHERE id = :unit_of AND stock >= 1 AND withdrawn_at IS NULL AND {posted}"
)
# A hold's redemption (`:held_household`: null, or the household paying it), unless its
# pickup code is in use (no row: try another code). Its values are named apart from the
# posting's it rides on.
INSERT_REDEMPTION = (
    "INSERT INTO redemption (id, district_id, reward_id, resident_id, household_id, code, cost, "
    "status, expires_at, created_at) SELECT :held_id, :held_district, :held_reward, "
    ":held_resident, :held_household, :held_code, :held_cost, 'held', :held_expires_at, "
    ":held_at WHERE {posted} ON CONFLICT (code) DO NOTHING"
)

# The unsealed transactions, oldest first (`{in_district}`: of one district, or every one).
UNSEALED = """
SELECT t.id, t.district_id FROM ledger_transaction t
LEFT JOIN ledger_sealed_transaction s ON s.transaction_id = t.id
WHERE s.id IS NULL AND {in_district} ORDER BY t.id LIMIT :limit
"""
COUNT_UNSEALED = (
    "SELECT COUNT(*) AS n FROM ledger_transaction t "
    "LEFT JOIN ledger_sealed_transaction s ON s.transaction_id = t.id WHERE s.id IS NULL"
)
# The ledger's invariants, as the rows that break them: a transaction whose entries of an
# asset do not sum to zero, a bounded account whose balance is not its entries' sum or is
# below zero.
UNBALANCED_TRANSACTIONS = (
    "SELECT transaction_id, asset, SUM(amount) AS total FROM ledger_entry "
    "GROUP BY transaction_id, asset HAVING SUM(amount) <> 0"
)
BALANCES_OFF = (
    "SELECT a.id, a.balance, COALESCE(SUM(e.amount), 0) AS total FROM ledger_account a "
    "LEFT JOIN ledger_entry e ON e.account_id = a.id WHERE a.bounded "
    "GROUP BY a.id, a.balance HAVING a.balance <> COALESCE(SUM(e.amount), 0) OR a.balance < 0"
)
