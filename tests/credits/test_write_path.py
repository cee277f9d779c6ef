"""The value-moving writes in few statements: an adjustment claims its Idempotency-Key, reads
what it needs in one statement, posts in one, and answers from what it posted; its answer,
replays and races stay what they were."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from tests.conftest import BACKEND, World
from tests.credits.conftest import credits_of, earn
from tests.credits.test_adjustments import adjust
from tests.credits.test_rewards import redeem, reward
from tests.security.conftest import on_postgres


class _Statements(logging.Handler):
    """The statements the database client sends (Tortoise's query log; the transaction's
    BEGIN and COMMIT are not in it)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sent: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        statement = str(record.args[0] if isinstance(record.args, tuple) else record.msg)
        self.sent.append(" ".join(statement.split()))


@pytest.fixture
def statements() -> Iterator[_Statements]:
    logger = logging.getLogger("tortoise.db_client")
    handler, level = _Statements(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def _from_the_claim(sent: list[str]) -> list[str]:
    """The statements of the request's transaction: from the key's claim on (what comes
    before is authentication, which is not the write's)."""
    claim = next(i for i, s in enumerate(sent) if s.startswith("INSERT INTO idempotency_record"))
    return sent[claim:]


async def test_an_adjustment_runs_its_transaction_in_few_statements(
    bank: World, statements: _Statements
) -> None:
    await adjust(bank, 1, key="warm")  # the accounts exist, the caller's principal is known
    statements.sent.clear()

    response = await adjust(bank, 2, key="counted")

    assert response.status_code == 201, response.text
    sent = _from_the_claim(statements.sent)
    kinds = [s.split(" ", 3)[:3] for s in sent]
    # PostgreSQL: claim, read (resident, rules, accounts), post (one statement), notice,
    # answer. SQLite posts step by step (accounts checked, transaction, balance, entries,
    # running totals).
    expected = 5 if BACKEND == "postgres" else 9
    assert len(sent) == expected, "\n".join(sent)
    assert kinds[0] == ["INSERT", "INTO", "idempotency_record"]
    assert sent[-1].startswith("UPDATE idempotency_record")
    assert not any(s.startswith("SELECT") and "ledger_entry" in s for s in sent), sent


async def test_an_adjustment_answers_the_transaction_as_stored(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    given = await adjust(bank, "2.5", key="give")
    taken = await adjust(bank, -3, key="take")

    for answer in (given, taken):
        assert answer.status_code == 201, answer.text
        stored = await bank.district_admin.client.get(
            f"/api/v1/credits/transactions/{answer.json()['id']}"
        )
        assert stored.status_code == 200
        assert answer.json() == stored.json()
    resident_leg = next(e for e in taken.json()["entries"] if e["owner_kind"] == "resident")
    assert resident_leg["balance_after"] == 9.5


async def test_a_replay_is_the_first_answer(bank: World) -> None:
    first = await adjust(bank, 4, key="same")
    again = await adjust(bank, 4, key="same")

    assert again.status_code == 201
    assert again.json() == first.json()  # the same document (PostgreSQL's jsonb orders keys)
    assert again.headers["idempotent-replayed"] == "true"


async def test_a_refused_adjustment_is_decided_afresh_on_retry(bank: World) -> None:
    refused = await adjust(bank, -5, key="take-5")
    await earn(bank, bank.resident.id, "1")
    retried = await adjust(bank, -5, key="take-5")

    assert refused.status_code == 409
    assert retried.status_code == 201
    assert "idempotent-replayed" not in retried.headers
    assert (await credits_of(bank.resident))["balance"] == 5


@on_postgres
async def test_parallel_retries_of_one_adjustment_post_it_once(bank: World) -> None:
    answers = await asyncio.gather(*(adjust(bank, 3, key="tap-once") for _ in range(12)))

    assert [a.status_code for a in answers] == [201] * 12, [a.text for a in answers]
    assert all(a.json() == answers[0].json() for a in answers)
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 11
    assert (await credits_of(bank.resident))["balance"] == 3


async def test_a_redemption_opens_no_savepoint_and_answers_what_it_wrote(
    bank: World, statements: _Statements
) -> None:
    await earn(bank, bank.resident.id, "1")
    offered = await reward(bank, cost=4, stock=2)
    await redeem(bank.resident, offered["id"], key="warm")  # accounts known, principal too
    statements.sent.clear()

    held = await redeem(bank.resident, offered["id"], key="counted")

    assert held.status_code == 201, held.text
    sent = _from_the_claim(statements.sent)
    assert not any("SAVEPOINT" in s.upper() for s in sent), sent
    assert not any(s.startswith("SELECT") and ' FROM "redemption"' in s for s in sent), sent
    mine = (await bank.resident.client.get("/api/v1/me/redemptions")).json()["items"]
    assert mine[0] == held.json()
