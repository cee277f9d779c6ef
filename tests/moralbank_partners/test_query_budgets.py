"""A partner bank's client queries within its budgets (a clock minute's and a Beijing day's),
counted in the database: past one it is answered 429 with `Retry-After` and a Chinese detail,
and nothing is issued or logged; the minute's budget comes back when the minute rolls, the
day's at the city's midnight; another partner's client is not touched by it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from kernel import localtime
from kernel.ratelimit import day_window, minute_window
from tests.moralbank_partners.conftest import (
    early_in_a_minute,
    partner_token,
    refused_for_the_minute,
    register_partner,
)
from tests.moralbank_partners.conftest import resident_household as _household
from tests.moralbank_partners.test_consents_and_attestations import (
    _ask,
    _consent,
    _standing_household,
)
from tests.security.conftest import on_postgres

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning")


async def _counted(client_id: str) -> dict[str, int]:
    """The client's queries by the window they are counted in (the windows that ended go)."""
    from kernel.models import RequestCount

    rows = await RequestCount.filter(subject=f"partner-client:{client_id}")
    return {row.span: row.used for row in rows}


async def _written(household: str) -> tuple[int, int]:
    """The attestations issued about the household, and the questions logged about it."""
    from moralbank.partner_models import Attestation, PartnerQuery

    return (
        await Attestation.filter(household_id=household).count(),
        await PartnerQuery.filter(household_id=household).count(),
    )


async def _roll_the_minute(client_id: str) -> None:
    """As if the client's queries of this minute had been made a minute ago."""
    from kernel.models import RequestCount

    a_minute_ago = datetime.now(UTC) - timedelta(minutes=1)
    await RequestCount.filter(
        subject=f"partner-client:{client_id}", span__startswith="minute:"
    ).update(
        span=minute_window(a_minute_ago - timedelta(minutes=1)).span,
        ends_at=a_minute_ago,
    )


async def test_past_its_minute_budget_a_client_is_refused_and_nothing_is_written(world, settings):
    settings.partner_queries_per_minute = 2
    household, _period = await _standing_household(world)
    await early_in_a_minute()
    registered = await register_partner(world)
    await _consent(world, registered["partner"]["id"])
    token = await partner_token(world, registered["credentials"])
    for _ in range(2):
        assert (await _ask(world, token, household)).status_code == 201
    assert await _written(household) == (2, 2)

    refused = await refused_for_the_minute(lambda: _ask(world, token, household))
    body = refused.json()
    assert (body["status"], body["code"]) == (429, "query_budget_spent")
    assert body["title"] == "该客户端的查询次数已用完"
    seconds = refused.headers["retry-after"]
    assert body["detail"] == f"该客户端本分钟的 2 次查询已用完，请 {seconds} 秒后再查询。"
    assert await _written(household) == (2, 2)
    shown = await world.resident.client.get("/api/v1/me/household/partner-queries")
    assert len(shown.json()["items"]) == 2


async def test_the_minute_budget_comes_back_when_the_minute_rolls_and_the_day_still_counts(
    world, settings
):
    settings.partner_queries_per_minute, settings.partner_queries_per_day = 2, 3
    household = await _household(world)
    await early_in_a_minute()
    registered = await register_partner(world)
    client_id = registered["credentials"]["client_id"]
    token = await partner_token(world, registered["credentials"])
    for _ in range(2):
        assert (await _ask(world, token, household)).status_code == 403  # no consent: logged
    assert (await _ask(world, token, household)).status_code == 429

    await _roll_the_minute(client_id)
    assert (await _ask(world, token, household)).status_code == 403
    now = datetime.now(UTC)
    assert await _counted(client_id) == {minute_window(now).span: 1, day_window(now).span: 3}

    await _roll_the_minute(client_id)
    spent = await _ask(world, token, household)
    assert spent.status_code == 429
    assert spent.json()["detail"] == "该客户端今天（北京时间）的 3 次查询已用完，请明天再查询。"
    until_midnight = (day_window(now).ends_at - datetime.now(UTC)).total_seconds()
    assert abs(int(spent.headers["retry-after"]) - until_midnight) <= 5
    assert await _written(household) == (0, 3)


async def test_one_clients_spent_budget_leaves_another_partner_alone(world, settings):
    settings.partner_queries_per_minute = 1
    household = await _household(world)
    await early_in_a_minute()
    first = await register_partner(world)
    second = await register_partner(world, "鄞州银行")
    first_token = await partner_token(world, first["credentials"])
    second_token = await partner_token(world, second["credentials"])
    elsewhere = await _ask(world, first_token, "01HOUSEHOLDOFNOBODY0000000")
    assert elsewhere.status_code == 404  # not logged, but counted
    assert (await _ask(world, first_token, household)).status_code == 429
    other = await _ask(world, second_token, household)
    assert other.status_code == 403 and other.json()["code"] == "consent_required"
    assert await _written(household) == (0, 1)


async def test_new_credentials_start_with_a_budget_of_their_own(world, settings):
    settings.partner_queries_per_minute = 1
    household = await _household(world)
    await early_in_a_minute()
    registered = await register_partner(world)
    token = await partner_token(world, registered["credentials"])
    assert (await _ask(world, token, household)).status_code == 403
    assert (await _ask(world, token, household)).status_code == 429
    renewed = await world.district_admin.client.post(
        f"/api/v1/partners/{registered['partner']['id']}/credentials"
    )
    fresh = await partner_token(world, renewed.json())
    assert (await _ask(world, fresh, household)).status_code == 403


def test_the_day_is_the_citys_calendar_day_and_the_minute_the_clocks():
    before = datetime(2026, 12, 7, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Beijing
    assert day_window(before).span == "day:2026-12-07"
    assert day_window(before).ends_at == datetime(2026, 12, 7, 16, tzinfo=UTC)
    assert day_window(before + timedelta(seconds=1)).span == "day:2026-12-08"
    assert localtime.local_date(day_window(before).ends_at).isoformat() == "2026-12-08"
    assert minute_window(before).span == "minute:202612071559"
    assert minute_window(before).ends_at == datetime(2026, 12, 7, 16, tzinfo=UTC)


@on_postgres
async def test_queries_racing_past_the_budget_are_counted_exactly(world, settings):
    settings.partner_queries_per_minute = 3
    household = await _household(world)
    await early_in_a_minute()
    registered = await register_partner(world)
    token = await partner_token(world, registered["credentials"])
    answers = await asyncio.gather(*(_ask(world, token, household) for _ in range(8)))
    assert sorted(a.status_code for a in answers) == [403] * 3 + [429] * 5
    assert await _written(household) == (0, 3)
