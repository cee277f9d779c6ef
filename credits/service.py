"""The rules of the moral bank: what a participation earns, adjustments, reversals, and what a
resident holds. Every function runs in the caller's database transaction."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from tortoise.functions import Sum
from tortoise.queryset import QuerySet

from accounts.models import DistrictRulesVersion
from accounts.schemas import CreditExpiry, DistrictRules
from accounts.scope import district_residents
from accounts.service import version_at
from accounts.versions import in_force
from credits import ledger
from credits.errors import (
    InsufficientCredits,
    NoSuchResident,
    NoSuchTransaction,
    NotInDistrict,
)
from credits.ledger import Leg, district_account, resident_account
from credits.models import SCALE, Entry, LedgerTransaction, from_units, to_units
from credits.notices import credits_adjusted, tell_transaction_reversed
from credits.queries import ADJUSTMENT_TARGET, DAILY_CAP
from credits.schemas import HistoryItem
from credits.scope import readable_transaction, readable_transactions
from kernel import localtime
from kernel.auth import Principal
from kernel.db import advisory_lock
from kernel.http import decode_cursor, encode_cursor
from kernel.i18n import N_
from kernel.ids import new_id
from kernel.scope import one_of
from kernel.sql import Rider, db_time, query_rows

CENT = Decimal("0.01")


# --- earning --------------------------------------------------------------------------------


def participation_lock(resident_id: str) -> str:
    """The name of the advisory lock `lock_resident` takes (a statement may take it itself)."""
    return f"participation:{resident_id}"


async def lock_resident(resident_id: str) -> None:
    """Serialises one resident's participation writes until the transaction ends, so rules
    that read before they write (daily caps, overlaps) hold when requests race. SQLite
    serialises writing transactions already."""
    await advisory_lock(participation_lock(resident_id))


def credit_expiry_time(policy: CreditExpiry, earned_at: datetime) -> datetime | None:
    """When credits earned at `earned_at` expire under the district's policy (None: never)."""
    if policy.policy == "never":
        return None
    zone = localtime.zone()
    local = earned_at.astimezone(zone)
    if policy.policy == "end_of_following_year":
        return datetime(local.year + 2, 1, 1, tzinfo=zone).astimezone(UTC)
    assert policy.months is not None
    month_index = local.month - 1 + policy.months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    first_of_month = local.replace(year=year, month=month, day=1)
    return first_of_month.replace(day=min(local.day, _days_in(year, month))).astimezone(UTC)


def _days_in(year: int, month: int) -> int:
    following = datetime(year + month // 12, month % 12 + 1, 1)
    return (following - datetime(year, month, 1)).days


@dataclass(frozen=True)
class _RulesVersion:
    id: str
    effective_from: datetime
    created_at: datetime
    rules: DistrictRules


# Each district's rules versions, read once per process. Versions are only ever added; a
# posting computed by a cached version checks, in the statement that posts it, that this
# version is still the one in force, so a new version is seen by the very next posting.
_RULES_VERSIONS: dict[str, list[_RulesVersion]] = {}
_RULES_ATTEMPTS = 3


async def _rules_in_force(
    district_id: str, at: datetime, *, fresh: bool
) -> tuple[str | None, DistrictRules]:
    """The id of the district's rules version in force at `at` (None: no version, the
    defaults) and its rules (`accounts.versions.in_force`), from the cache unless `fresh`."""
    versions = _RULES_VERSIONS.get(district_id)
    if versions is None or fresh:
        versions = [
            _RulesVersion(
                r.id, r.effective_from, r.created_at, DistrictRules.model_validate(r.rules)
            )
            for r in await DistrictRulesVersion.filter(district_id=district_id)
        ]
        _RULES_VERSIONS[district_id] = versions
    found = in_force(versions, at)
    return (found.id, found.rules) if found is not None else (None, DistrictRules())


async def _post_by_rules(
    legs_of: Callable[[DistrictRules], list[Leg]],
    *,
    district_id: str,
    occurred_at: datetime,
    kind: str,
    ref_type: str,
    ref_id: str,
    action: str,
    actor: str,
    memo: str,
) -> LedgerTransaction:
    """Posts `legs_of(rules)`, the rules being the district's in force at `occurred_at`, once
    per (`ref_type`, `ref_id`, `kind`): a second call returns the first transaction.

    The cached rules first; when the posting finds them no longer in force (a new version),
    it posts nothing and the rules are read again. Twice in a row means two rule changes
    committed within one posting, a third time is a fault."""
    for attempt in range(_RULES_ATTEMPTS):
        version_id, rules = await _rules_in_force(district_id, occurred_at, fresh=attempt > 0)
        try:
            posted = await ledger.post(
                district_id=district_id,
                kind=kind,
                ref_type=ref_type,
                ref_id=ref_id,
                legs=legs_of(rules),
                actor=actor,
                memo=memo[:500],
                action=action,
                occurred_at=occurred_at,
                rules=ledger.RulesInForce(district_id, occurred_at, version_id),
            )
        except ledger.StaleRules:
            continue
        if posted is not None:
            return posted.transaction
        return await LedgerTransaction.get(ref_type=ref_type, ref_id=ref_id, kind=kind)
    raise RuntimeError(f"The rules of district {district_id} kept changing during a posting.")


# --- the daily cap of reports ----------------------------------------------------------------

# The participations priced per report (`credits_per_report`) and capped per local day
# (`DistrictRules.cap_for`): deeds and problem reports. A service record's are priced by the
# hour and capped by the daily hours (`activities/daily_hours.py`).
REPORTED_SOURCES = ("deed", "problem_report")
_REPORTED = one_of("ref_type", REPORTED_SOURCES).sql("t")

_RULES = DistrictRulesVersion._meta.fields_map["rules"]


@dataclass(frozen=True)
class DailyCap:
    """A resident's day of one reported action: its cap, and what fills it."""

    action: str
    day: date
    cap: int
    counted: int

    @property
    def reached(self) -> bool:
        return self.counted >= self.cap


async def daily_cap(
    *, district_id: str, resident_id: str, action: str, at: datetime, waiting: int = 0
) -> DailyCap:
    """The cap of `action` on the local day of `at` (`DistrictRules.cap_for`, by the rules in
    force at `at`) and what fills that day: the resident's reported participations of the
    action posted that day and not reversed, plus `waiting` (claims that will post when
    approved: deeds waiting for review). The caller holds `lock_resident`."""
    day = localtime.local_date(at)
    start, end = localtime.day_bounds(day)
    row = (
        await query_rows(
            DAILY_CAP,
            {
                "district": district_id,
                "at": db_time(at),
                "resident": resident_id,
                "action": action,
                "start": db_time(start),
                "end": db_time(end),
            },
            reported=_REPORTED,
        )
    )[0]
    found = _RULES.to_python_value(row["rules"]) if row["rules"] is not None else None
    rules = DistrictRules() if found is None else DistrictRules.model_validate(found)
    return DailyCap(action, day, rules.cap_for(action), int(row["counted"]) + waiting)


def _participation_legs(
    *,
    rules: DistrictRules,
    district_id: str,
    resident_id: str,
    action: str,
    hours: Decimal,
    source: Literal["service_record", "deed", "problem_report"],
    backfill: bool,
) -> list[Leg]:
    legs: list[Leg] = [
        Leg(resident_account(resident_id, district_id, asset="participations"), SCALE),
        Leg(district_account(district_id, "issuance", "participations"), -SCALE),
    ]
    hour_units = to_units(hours)
    if hour_units > 0:
        legs += [
            Leg(resident_account(resident_id, district_id, asset="hours"), hour_units),
            Leg(district_account(district_id, "issuance", "hours"), -hour_units),
        ]
    if rules.moral_bank_enabled:
        if source not in REPORTED_SOURCES:
            earns = not backfill or rules.backfill_earns_credits
            credits = rules.per_action(rules.credits_per_hour, action) * hours if earns else 0
        else:
            credits = rules.per_action(rules.credits_per_report, action)
        credit_units = to_units(Decimal(credits).quantize(CENT, rounding=ROUND_HALF_UP))
        if credit_units > 0:
            expires_at = credit_expiry_time(rules.credit_expiry, datetime.now(UTC))
            legs += [
                Leg(
                    resident_account(resident_id, district_id),
                    credit_units,
                    earning=True,
                    expires_at=expires_at,
                ),
                Leg(district_account(district_id, "issuance"), -credit_units),
            ]
    return legs


async def record_participation(
    *,
    district_id: str,
    resident_id: str,
    action: str,
    hours: Decimal,
    source: Literal["service_record", "deed", "problem_report"],
    source_id: str,
    occurred_at: datetime,
    backfill: bool = False,
    actor: str,
    memo: str = "",
) -> LedgerTransaction:
    """Posts a recognised participation: its hours and one participation count always, and
    the credits it earns by the district's rules in force when it happened. A second call for
    the same source returns the first transaction."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    return await _post_by_rules(
        lambda rules: _participation_legs(
            rules=rules,
            district_id=district_id,
            resident_id=resident_id,
            action=action,
            hours=hours,
            source=source,
            backfill=backfill,
        ),
        district_id=district_id,
        occurred_at=occurred_at,
        kind="participation",
        ref_type=source,
        ref_id=source_id,
        action=action,
        actor=actor,
        memo=memo,
    )


CAMPAIGN = "campaign"
# A resident's taking part in a campaign is one unit of this asset under the campaign's id as
# its action: the metric a campaign's badge is judged by (`credits.totals`, kind `campaign`).
CAMPAIGNS_ASSET = "campaigns"


async def record_campaign_participation(
    *,
    district_id: str,
    resident_id: str,
    campaign_id: str,
    bonus: bool,
    occurred_at: datetime,
    actor: str,
    memo: str = "",
) -> LedgerTransaction:
    """Posts, once per resident and campaign, that the resident took part in the campaign:
    one count of it and, when the campaign grants a bonus, the district's `campaign_bonus` by
    its rules in force when they first took part (credits only where the moral bank is on).
    A second call returns the first transaction."""
    ref_id = f"{campaign_id}:{resident_id}"

    def legs_of(rules: DistrictRules) -> list[Leg]:
        legs = [
            Leg(resident_account(resident_id, district_id, asset=CAMPAIGNS_ASSET), SCALE),
            Leg(district_account(district_id, "issuance", CAMPAIGNS_ASSET), -SCALE),
        ]
        credit_units = to_units(rules.campaign_bonus.quantize(CENT, rounding=ROUND_HALF_UP))
        if bonus and rules.moral_bank_enabled and credit_units > 0:
            expires_at = credit_expiry_time(rules.credit_expiry, datetime.now(UTC))
            legs += [
                Leg(
                    resident_account(resident_id, district_id),
                    credit_units,
                    earning=True,
                    expires_at=expires_at,
                ),
                Leg(district_account(district_id, "issuance"), -credit_units),
            ]
        return legs

    return await _post_by_rules(
        legs_of,
        district_id=district_id,
        occurred_at=occurred_at,
        kind=CAMPAIGN,
        ref_type=CAMPAIGN,
        ref_id=ref_id,
        action=campaign_id,
        actor=actor,
        memo=memo,
    )


async def reverse_participation(
    *, source: str, source_id: str, reason: str, actor: str
) -> LedgerTransaction:
    """Takes back a participation's hours, count and credits. Refused with
    `insufficient_credits` when the resident has spent the credits it earned."""
    original = await LedgerTransaction.get_or_none(
        ref_type=source, ref_id=source_id, kind="participation"
    )
    if original is None:
        raise NoSuchTransaction(
            N_("No participation was posted for {source} {source_id}."),
            source=source,
            source_id=source_id,
        )
    return await ledger.reverse(original, reason=reason, actor=actor)


# --- adjustments and reversals by staff -----------------------------------------------------


@dataclass(frozen=True)
class _AdjustmentTarget:
    district_id: str
    rules: DistrictRules
    # The ids of the accounts already open among the resident's and the district's one.
    accounts: dict[ledger.AccountKey, str]
    # The resident's balance, read under the account's row lock (None: no account yet).
    balance: int | None


async def _adjustment_target(
    resident_id: str, who: Principal, district_kind: str
) -> _AdjustmentTarget:
    """The resident's district, its rules in force now, the ids of the accounts already open
    among the resident's and the district's `district_kind` one, and the resident's balance."""
    found = await query_rows(
        ADJUSTMENT_TARGET,
        {
            "now": db_time(datetime.now(UTC)),
            "district_kind": district_kind,
            "resident": resident_id,
        },
        residents=district_residents(who).sql("r"),
    )
    if not found:
        raise NoSuchResident(
            N_("No resident `{resident_id}` in your district."), resident_id=resident_id
        )
    row = found[0]
    district_id = row["district_id"]
    if district_id is None:
        raise NotInDistrict(N_("The resident has not joined a community yet."))
    rules = row["rules"]
    if isinstance(rules, (str, bytes)):
        rules = json.loads(rules)
    known = {
        resident_account(resident_id, district_id): row["resident_account"],
        district_account(district_id, district_kind): row["district_account"],
    }
    return _AdjustmentTarget(
        district_id,
        DistrictRules() if rules is None else DistrictRules.model_validate(rules),
        {key: str(account_id) for key, account_id in known.items() if account_id is not None},
        None if row["resident_balance"] is None else int(row["resident_balance"]),
    )


async def adjust(
    *,
    resident_id: str,
    amount: Decimal,
    reason: str,
    by: Principal,
    also: Callable[[ledger.Posted], Sequence[Rider]] | None = None,
) -> ledger.Posted:
    """A manual correction of a resident's credits by a district administrator. Credits given
    are issued by the district (and expire like earned ones); credits taken go to its penalty
    account and never take the resident below zero. The resident is told in the posting's
    statement; `also`: what else goes with the posting (`ledger.post`)."""
    units = to_units(amount)
    district_kind = "issuance" if units > 0 else "penalty"
    target = await _adjustment_target(resident_id, by, district_kind)
    district_id = target.district_id
    ledger.remember_accounts(target.accounts)
    account = resident_account(resident_id, district_id)
    if units > 0:
        expires_at = credit_expiry_time(target.rules.credit_expiry, datetime.now(UTC))
        legs = [
            Leg(account, units, earning=True, expires_at=expires_at),
            Leg(district_account(district_id, district_kind), -units),
        ]
    else:
        legs = [Leg(account, units), Leg(district_account(district_id, district_kind), -units)]

    def with_posting(posted: ledger.Posted) -> list[Rider]:
        notice = credits_adjusted(resident_id, posted.transaction, amount)
        return [notice, *(also(posted) if also is not None else ())]

    try:
        posted = await ledger.post(
            district_id=district_id,
            kind="adjust",
            ref_type="adjustment",
            ref_id=new_id(),
            legs=legs,
            actor=by.subject,
            memo=reason,
            also=with_posting,
            balances_before=None if target.balance is None else {account: target.balance},
        )
    except InsufficientCredits as refused:
        raise InsufficientCredits(
            N_("Taking {amount} credits would leave the resident below zero."), amount=-amount
        ) from refused
    assert posted is not None  # a fresh ref_id cannot collide
    return posted


def adjustments(who: Principal) -> QuerySet[LedgerTransaction]:
    return readable_transactions(who).rows().filter(kind="adjust")


async def reverse_transaction(
    transaction_id: str, *, reason: str, by: Principal
) -> LedgerTransaction:
    original = await readable_transaction(transaction_id, who=by)
    reversal = await ledger.reverse(original, reason=reason, actor=by.subject)
    await tell_transaction_reversed(reversal)
    return reversal


async def rules_version_of(transaction: LedgerTransaction) -> str | None:
    """The district rules version a participation's amounts were computed by: the version in
    force when it happened (the posting checked it was). Versions are only added and never
    dated into the past, so this stays what it was when posted. None for other kinds and for
    the platform's defaults."""
    if transaction.kind != "participation":
        return None
    version = await version_at(transaction.district_id, transaction.occurred_at)
    return version.id if version else None


async def entries_of(transactions: list[LedgerTransaction]) -> dict[str, list[Entry]]:
    """Each transaction's entries in the order posted, for the transactions' responses."""
    found: dict[str, list[Entry]] = {t.id: [] for t in transactions}
    for entry in await Entry.filter(transaction_id__in=list(found)).order_by("id"):
        found[entry.transaction_id].append(entry)
    return found


# --- what a resident holds ------------------------------------------------------------------


async def expiring_credits(resident_id: str) -> list[dict[str, Any]]:
    """What expires when: earned credits still held, by expiry date."""
    rows = (
        await Entry.filter(
            owner_kind="resident", owner_id=resident_id, asset="credits", account_kind="available"
        )
        .group_by("district_id", "earning", "expires_at")
        .annotate(total=Sum("amount"))
        .values("district_id", "earning", "expires_at", "total")
    )
    lots: dict[str, dict[datetime, int]] = defaultdict(dict)
    spent: dict[str, int] = defaultdict(int)
    for row in rows:
        total = int(row["total"] or 0)
        if not row["earning"]:
            spent[row["district_id"]] -= total
        elif row["expires_at"] is not None:
            lots[row["district_id"]][row["expires_at"]] = total
    schedule: list[dict[str, Any]] = []
    for district_id, district_lots in lots.items():
        # Spending consumes the lots that expire first: the resident's best order.
        consumed = spent[district_id]
        for expires_at in sorted(district_lots):
            remaining = district_lots[expires_at] - max(consumed, 0)
            consumed -= district_lots[expires_at]
            if remaining > 0:
                schedule.append({"expires_at": expires_at, "amount": from_units(remaining)})
    return sorted(schedule, key=lambda lot: lot["expires_at"])


async def credit_history(resident_id: str, *, cursor: str | None, limit: int) -> dict[str, Any]:
    """The resident's credit movements, newest first, with the balance after each."""
    entries = Entry.filter(
        owner_kind="resident", owner_id=resident_id, asset="credits", account_kind="available"
    )
    if cursor:
        after = decode_cursor(cursor, integer=True)
        entries = entries.filter(id__lt=int(after))
    rows = await entries.order_by("-id").limit(limit + 1).prefetch_related("transaction")
    return {
        "items": [HistoryItem.of(e) for e in rows[:limit]],
        "next_cursor": encode_cursor(str(rows[limit - 1].id)) if len(rows) > limit else None,
    }


# --- the regulations quiz --------------------------------------------------------------------


async def post_quiz_credits(
    *, district_id: str, resident_id: str, units: int, attempt_id: str, at: datetime, actor: str
) -> LedgerTransaction:
    """Posts the credits a quiz attempt earned (`units` hundredths, already priced and capped
    by the quiz's rules, docs/quiz.md), expiring by the district's policy; a second call for
    the same attempt returns the first transaction."""
    _version, rules = await _rules_in_force(district_id, at, fresh=False)
    legs = [
        Leg(
            resident_account(resident_id, district_id),
            units,
            earning=True,
            expires_at=credit_expiry_time(rules.credit_expiry, at),
        ),
        Leg(district_account(district_id, "issuance"), -units),
    ]
    posted = await ledger.post(
        district_id=district_id,
        kind="quiz",
        ref_type="quiz_attempt",
        ref_id=attempt_id,
        legs=legs,
        actor=actor,
        memo="quiz",
        occurred_at=at,
    )
    if posted is not None:
        return posted.transaction
    return await LedgerTransaction.get(ref_type="quiz_attempt", ref_id=attempt_id, kind="quiz")
