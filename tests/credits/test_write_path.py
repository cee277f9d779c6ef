"""The value-moving writes in few statements: an adjustment claims its Idempotency-Key, reads
what it needs in one statement and, on PostgreSQL, posts, tells the resident and stores its
answer in one; a redemption posts its hold, takes its unit, writes its row and stores its
answer in one. Their answers, replays, refusals, failures and races stay what they were:
nothing is ever half-written."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest
from tortoise.exceptions import IntegrityError

from credits import ledger, rewards, service
from credits.ledger import Leg, district_account, resident_account
from credits.models import LedgerTransaction, Redemption
from kernel.db import transaction
from kernel.ids import new_id
from kernel.models import IdempotencyRecord, Notification
from kernel.outbox import notice_with
from kernel.sql import Rider
from tests.conftest import BACKEND, World
from tests.credits.conftest import credits_of, earn
from tests.credits.test_adjustments import adjust
from tests.credits.test_rewards import redeem, reward, stock_of
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
    assert sent[0].startswith("INSERT INTO idempotency_record")
    assert not any(s.startswith("SELECT") and "ledger_entry" in s for s in sent), sent
    if BACKEND == "postgres":
        # The claim; one read (resident, rules, account ids, the balance under its row lock);
        # one statement posting, telling the resident and storing the answer. With BEGIN and
        # COMMIT: 5 round trips (docs/credits.md).
        assert len(sent) == 3, "\n".join(sent)
        assert "INSERT INTO notification" in sent[2]
        assert "UPDATE idempotency_record" in sent[2]
    else:
        # SQLite posts step by step (accounts checked, transaction, balance, entries, running
        # totals), then the notice and the answer.
        assert len(sent) == 9, "\n".join(sent)
        assert sent[-1].startswith("UPDATE idempotency_record")


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


async def test_a_redemption_runs_its_transaction_in_few_statements(
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
    if BACKEND == "postgres":
        # The claim; the reward with its district's rules in force; one statement holding the
        # credits, taking the unit, writing the redemption and storing the answer. With BEGIN
        # and COMMIT: 5 round trips (docs/credits.md).
        assert len(sent) == 3, "\n".join(sent)
        assert all(
            part in sent[2]
            for part in ("INSERT INTO ledger_entry", "UPDATE reward", "INSERT INTO redemption")
        )
        assert "UPDATE idempotency_record" in sent[2]
    else:
        # SQLite: the posting step by step (accounts checked, transaction, two balances,
        # entries, running totals), the unit, the redemption, the answer.
        assert len(sent) == 11, "\n".join(sent)
    mine = (await bank.resident.client.get("/api/v1/me/redemptions")).json()["items"]
    assert mine[0] == held.json()


async def _written() -> dict[str, int]:
    """What the ledger, the outbox and the idempotency records hold."""
    return {
        "transactions": await LedgerTransaction.filter(kind__in=["adjust", "hold"]).count(),
        "notices": await Notification.all().count(),
        "redemptions": await Redemption.all().count(),
        "answers": await IdempotencyRecord.all().count(),
    }


async def test_the_same_key_twice_posts_once_tells_once_and_answers_alike(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    offered = await reward(bank, cost=4)
    before = await _written()

    given = [await adjust(bank, 3, key="give-3") for _ in range(2)]
    held = [await redeem(bank.resident, offered["id"], key="hold-1") for _ in range(2)]

    for first, again in (given, held):
        assert first.status_code == again.status_code == 201, (first.text, again.text)
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
    written = await _written()
    assert written["transactions"] == before["transactions"] + 2
    assert written["notices"] == before["notices"] + 1  # the adjustment's; a hold tells none
    assert written["redemptions"] == before["redemptions"] + 1
    mine = await credits_of(bank.resident)
    assert (mine["balance"], mine["held"]) == (9, 4)
    assert await stock_of(bank, offered["id"]) == 2


@on_postgres
async def test_parallel_retries_of_one_redemption_hold_once(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    offered = await reward(bank, cost=4, stock=5)

    answers = await asyncio.gather(
        *(redeem(bank.resident, offered["id"], key="tap-once") for _ in range(12))
    )

    assert [a.status_code for a in answers] == [201] * 12, [a.text for a in answers]
    assert all(a.json() == answers[0].json() for a in answers)
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 11
    mine = await credits_of(bank.resident)
    assert (mine["balance"], mine["held"]) == (6, 4)
    assert await stock_of(bank, offered["id"]) == 4
    assert await Redemption.all().count() == 1


async def test_a_redemption_beyond_the_balance_writes_nothing(bank: World) -> None:
    await earn(bank, bank.resident.id, "0.3")
    offered = await reward(bank, cost=5)
    before = await _written()

    refused = await redeem(bank.resident, offered["id"], key="too-dear")

    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_credits"
    assert await _written() == before  # no hold, no redemption, no stored answer
    mine = await credits_of(bank.resident)
    assert (mine["balance"], mine["held"]) == (3, 0)
    assert await stock_of(bank, offered["id"]) == 3
    await earn(bank, bank.resident.id, "1")
    retried = await redeem(bank.resident, offered["id"], key="too-dear")
    assert retried.status_code == 201, retried.text  # decided afresh
    assert "idempotent-replayed" not in retried.headers


async def test_an_empty_reward_undoes_the_hold_posted_with_it(bank: World) -> None:
    await earn(bank, bank.resident.id, "1")
    offered = await reward(bank, cost=5, stock=0)
    before = await _written()

    refused = await redeem(bank.resident, offered["id"], key="none-left")

    assert refused.status_code == 409
    assert refused.json()["code"] == "out_of_stock"
    assert await _written() == before
    mine = await credits_of(bank.resident)
    assert (mine["balance"], mine["held"]) == (10, 0)


async def test_a_notice_that_cannot_be_written_leaves_nothing_half_written(
    bank: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await earn(bank, bank.resident.id, "1")
    before = await _written()

    def unwritable(resident_id: str, posted: object, amount: object) -> Rider:
        return notice_with("resident", None, "credits_added", {})  # type: ignore[arg-type]

    monkeypatch.setattr(service, "credits_adjusted", unwritable)
    with pytest.raises(IntegrityError):
        await adjust(bank, -4, key="half")

    assert await _written() == before  # no posting, no notice, no claim of the key
    assert (await credits_of(bank.resident))["balance"] == 10
    monkeypatch.undo()
    retried = await adjust(bank, -4, key="half")
    assert retried.status_code == 201, retried.text
    assert "idempotent-replayed" not in retried.headers
    assert (await credits_of(bank.resident))["balance"] == 6


async def test_a_pickup_code_in_use_is_replaced_in_the_row_and_the_answer(
    bank: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await earn(bank, bank.resident.id, "2")
    offered = await reward(bank, cost=4)
    codes = iter(["0000000001", "0000000001", "0000000002"])
    monkeypatch.setattr(rewards, "_pickup_code", lambda: next(codes))

    first = await redeem(bank.resident, offered["id"], key="first")
    second = await redeem(bank.resident, offered["id"], key="second")
    replayed = await redeem(bank.resident, offered["id"], key="second")

    assert (first.json()["code"], second.json()["code"]) == ("0000000001", "0000000002")
    assert replayed.json() == second.json()
    mine = (await bank.resident.client.get("/api/v1/me/redemptions")).json()["items"]
    assert sorted(r["code"] for r in mine) == ["0000000001", "0000000002"]
    assert await stock_of(bank, offered["id"]) == 1
    assert (await credits_of(bank.resident))["held"] == 8


@pytest.mark.skipif(BACKEND != "postgres", reason="rides in the posting's statement on PostgreSQL")
async def test_a_posting_said_to_be_locked_that_moved_meanwhile_commits_nothing(
    bank: World,
) -> None:
    """What rides on a posting is built from the balance the caller read under its row lock;
    if the statement finds another balance, the caller's transaction is undone."""
    await earn(bank, bank.resident.id, "1")
    account = resident_account(bank.resident.id, bank.district_id)
    before = await _written()

    with pytest.raises(RuntimeError, match="locked"):
        async with transaction():
            await ledger.post(
                district_id=bank.district_id,
                kind="adjust",
                ref_type="adjustment",
                ref_id=new_id(),
                legs=[Leg(account, 100), Leg(district_account(bank.district_id, "issuance"), -100)],
                actor="staff:test",
                also=lambda posted: [
                    notice_with("resident", bank.resident.id, "credits_added", {"amount": "1"})
                ],
                balances_before={account: 5_000},  # not what the account holds (1,000)
            )

    assert await _written() == before
    assert (await credits_of(bank.resident))["balance"] == 10
