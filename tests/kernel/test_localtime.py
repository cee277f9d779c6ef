"""The city's local day and month are decided once (`kernel/localtime.py`) from
`settings.local_timezone`: the SQL forms agree with the Python ones on both databases, and
every reader of local time (the console's dashboards too) follows the setting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kernel import localtime
from kernel.db import dialect
from kernel.settings import Settings
from kernel.sql import db_time, query_rows
from tests import conftest

# A city whose day turns at another hour than Beijing's, and never changes its clocks.
KOLKATA = "Asia/Kolkata"
# 17:00 UTC on the last of March: 22:30 on 31 March in Kolkata, already 1 April in Beijing.
LATE_IN_MARCH = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)


@pytest.fixture
def settings(database_url: str, var_dir: Path) -> Settings:
    return conftest.test_settings(database_url, var_dir, local_timezone=KOLKATA)


async def test_the_sql_local_day_and_month_are_the_pythons(app):
    moments = [
        LATE_IN_MARCH,
        datetime(2026, 3, 31, 18, 29, 59, tzinfo=UTC),  # 23:59:59 in Kolkata
        datetime(2026, 3, 31, 18, 30, tzinfo=UTC),  # midnight in Kolkata
        datetime(2026, 12, 31, 20, 0, 0, 500_000, tzinfo=UTC),  # the new year there
    ]
    moment = "CAST(:at AS TIMESTAMPTZ)" if dialect() == "postgres" else ":at"
    for at in moments:
        rows = await query_rows(
            f"SELECT {localtime.date_sql(moment)} AS day, {localtime.month_sql(moment)} AS month",
            {"at": db_time(at)},
        )
        day = rows[0]["day"]
        found = day if isinstance(day, date) else date.fromisoformat(day)
        assert (found, rows[0]["month"]) == (localtime.local_date(at), localtime.local_month(at))
    assert localtime.local_date(LATE_IN_MARCH) == date(2026, 3, 31)
    assert localtime.day_bounds(date(2026, 4, 1))[0] == datetime(2026, 3, 31, 18, 30, tzinfo=UTC)


async def _issued(world: Any, units: int, at: datetime) -> None:
    """Credits the district issued to a resident at `at`: the rows a posting then wrote (the
    ledger refuses to change a row, so the past is written as it would have been)."""
    from credits.ledger import accounts, resident_account
    from kernel.ids import new_id

    account = resident_account(world.resident.id, world.district_id)
    account_id = (await accounts([account]))[account]
    transaction_id = new_id()
    await query_rows(
        "INSERT INTO ledger_transaction (id, district_id, kind, ref_type, ref_id, actor, memo, "
        "occurred_at, created_at) VALUES (:id, :district, 'adjust', 'adjustment', :id, "
        "'staff:test', '', :at, :at)",
        {"id": transaction_id, "district": world.district_id, "at": db_time(at)},
    )
    await query_rows(
        "INSERT INTO ledger_entry (transaction_id, account_id, district_id, owner_kind, owner_id, "
        "account_kind, asset, kind, amount, earning, created_at) VALUES (:transaction, "
        ":account, :district, 'resident', :resident, 'available', 'credits', 'adjust', :units, "
        "TRUE, :at)",
        {
            "transaction": transaction_id,
            "account": account_id,
            "district": world.district_id,
            "resident": world.resident.id,
            "units": units,
            "at": db_time(at),
        },
    )


async def test_the_dashboard_counts_credits_in_the_month_of_the_citys_zone(world):
    from accounts.scope import Places
    from console import rollup
    from console.pages.dashboard import compute
    from kernel.db import transaction

    await _issued(world, 700, LATE_IN_MARCH)
    scope = Places(world.district_id, None)
    start, to = date(2026, 3, 1), date(2026, 4, 30)
    live = await compute(scope, start, to, {}, through=None, stars=[])
    issued = {row["month"]: row["issued"] for row in live["credit_rows"]}
    assert issued == {"2026-03": 7.0, "2026-04": 0.0}
    async with transaction():
        await rollup.rebuild(world.district_id, localtime.today())
    rolled = await compute(scope, start, to, {}, through=localtime.today(), stars=[])
    assert rolled == live


def test_periods_are_named_in_the_readers_language():
    from kernel.i18n import set_locale
    from kernel.localtime import PeriodName, period_name

    names = {"2026Q3": "2026年第三季度", "2026-07": "2026年7月", "2026M12": "2026年12月"}
    names |= {"2026H1": "2026年上半年", "2026H2": "2026年下半年", "2026Y": "2026年"}
    for code, name in names.items():
        assert period_name(code) == name
    assert f"{PeriodName('2026Q4')}" == "2026年第四季度"
    set_locale("en")
    try:
        assert period_name("2026Q3") == "Q3 2026" and period_name("2026-07") == "7/2026"
    finally:
        set_locale("zh")
