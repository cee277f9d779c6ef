"""A partner bank's client is given tokens within its budgets (a clock minute's and a Beijing
day's), counted in the database: past one it is answered 429 with `Retry-After` and a Chinese
detail, no token is signed and nothing is written, and the token it has keeps working; only a
client that proved its secret spends the budget; another client is not touched by it."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from kernel.ratelimit import day_window, minute_window
from moralbank.partners import authenticated_partner
from tests.conftest import World
from tests.moralbank_partners.conftest import (
    bank,
    early_in_a_minute,
    partner_token,
    refused_for_the_minute,
    register_partner,
)
from tests.security.conftest import on_postgres

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning")


async def _ask_token(world: World, credentials: dict[str, str], secret: str | None = None):
    async with bank(world) as client:
        answer: httpx.Response = await client.post(
            "/api/v1/partner/token",
            data={"grant_type": "client_credentials"},
            auth=(credentials["client_id"], secret or credentials["client_secret"]),
        )
    return answer


async def _counted(client_id: str) -> dict[str, int]:
    """The client's tokens by the window they are counted in."""
    from kernel.models import RequestCount

    rows = await RequestCount.filter(subject=f"partner-token:{client_id}")
    return {row.span: row.used for row in rows}


async def _roll_the_minute(client_id: str) -> None:
    """As if the client's tokens of this minute had been given a minute ago."""
    from kernel.models import RequestCount

    a_minute_ago = datetime.now(UTC) - timedelta(minutes=1)
    await RequestCount.filter(
        subject=f"partner-token:{client_id}", span__startswith="minute:"
    ).update(span=minute_window(a_minute_ago - timedelta(minutes=1)).span, ends_at=a_minute_ago)


async def test_past_its_minute_budget_a_client_is_given_no_token_and_keeps_the_one_it_has(
    world, settings, caplog
):
    caplog.set_level(logging.DEBUG)
    settings.partner_tokens_per_minute = 2
    await early_in_a_minute()
    credentials = (await register_partner(world))["credentials"]
    tokens = [await partner_token(world, credentials) for _ in range(2)]

    before = datetime.now(UTC)
    refused = await refused_for_the_minute(lambda: _ask_token(world, credentials))
    seconds = int(refused.headers["retry-after"])
    body = refused.json()
    assert (body["status"], body["code"]) == (429, "token_budget_spent")
    assert body["title"] == "该客户端的令牌申请次数已用完"
    assert body["detail"] == (
        f"该客户端本分钟的 2 次令牌申请已用完：请继续使用已有的令牌（每个令牌有效 5 分钟），"
        f"或 {seconds} 秒后再申请。"
    )
    assert "access_token" not in body
    # The refusal is not counted, and the tokens given still open the partner API.
    assert await _counted(credentials["client_id"]) == {
        minute_window(before).span: 2,
        day_window(before).span: 2,
    }
    for token in tokens:
        assert (await authenticated_partner(f"Bearer {token}")).client_id == credentials[
            "client_id"
        ]
    logged = "\n".join(r.getMessage() + str(r.__dict__) for r in caplog.records)
    assert credentials["client_secret"] not in logged
    assert not any(token in logged for token in tokens)


async def test_the_minute_budget_comes_back_when_the_minute_rolls_and_the_day_still_counts(
    world, settings
):
    settings.partner_tokens_per_minute, settings.partner_tokens_per_day = 2, 3
    await early_in_a_minute()
    credentials = (await register_partner(world))["credentials"]
    client_id = credentials["client_id"]
    for _ in range(2):
        assert (await _ask_token(world, credentials)).status_code == 200
    assert (await _ask_token(world, credentials)).status_code == 429

    await _roll_the_minute(client_id)
    assert (await _ask_token(world, credentials)).status_code == 200
    now = datetime.now(UTC)
    assert await _counted(client_id) == {minute_window(now).span: 1, day_window(now).span: 3}

    await _roll_the_minute(client_id)
    spent = await _ask_token(world, credentials)
    assert spent.status_code == 429
    assert spent.json()["detail"] == (
        "该客户端今天（北京时间）的 3 次令牌申请已用完："
        "请继续使用已有的令牌（每个令牌有效 5 分钟），或明天再申请。"
    )
    until_midnight = (day_window(now).ends_at - datetime.now(UTC)).total_seconds()
    assert abs(int(spent.headers["retry-after"]) - until_midnight) <= 5


async def test_a_wrong_secret_spends_nothing_and_another_client_is_not_touched(world, settings):
    settings.partner_tokens_per_minute = 1
    await early_in_a_minute()
    first = (await register_partner(world))["credentials"]
    second = (await register_partner(world, "鄞州银行"))["credentials"]
    for _ in range(3):
        wrong = await _ask_token(world, first, secret="mbs_wrong")
        assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_client"
    assert await _counted(first["client_id"]) == {}
    assert (await _ask_token(world, first)).status_code == 200
    assert (await _ask_token(world, first)).status_code == 429
    assert (await _ask_token(world, second)).status_code == 200


async def test_new_credentials_start_with_a_token_budget_of_their_own(world, settings):
    settings.partner_tokens_per_minute = 1
    await early_in_a_minute()
    registered = await register_partner(world)
    assert (await _ask_token(world, registered["credentials"])).status_code == 200
    assert (await _ask_token(world, registered["credentials"])).status_code == 429
    renewed = await world.district_admin.client.post(
        f"/api/v1/partners/{registered['partner']['id']}/credentials"
    )
    assert (await _ask_token(world, renewed.json())).status_code == 200


@on_postgres
async def test_token_requests_racing_past_the_budget_are_counted_exactly(world, settings):
    settings.partner_tokens_per_minute = 3
    await early_in_a_minute()
    credentials = (await register_partner(world))["credentials"]
    answers = await asyncio.gather(*(_ask_token(world, credentials) for _ in range(8)))
    assert sorted(a.status_code for a in answers) == [200] * 3 + [429] * 5
    assert sum("access_token" in a.json() for a in answers) == 3
    now = datetime.now(UTC)
    assert (await _counted(credentials["client_id"]))[minute_window(now).span] == 3
