"""Faults on PostgreSQL: while awards, redemptions and check-ins run against a real service
process, the process is killed with SIGKILL and started again, and PostgreSQL is stopped and
started.
Afterwards everything the client saw succeed is in the database, nothing is half-written,
the ledger invariants hold, and `/readyz` went 503 and back to 200 by itself.

The bounded form runs in CI; `bench/robustness.py` runs it longer (FAULT_ROUNDS)."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx

from tests.activities.conftest import NEARBY, activity_body
from tests.credits.conftest import earn
from tests.live_service import LiveService
from tests.security.conftest import on_postgres

ROUNDS = int(os.environ.get("FAULT_ROUNDS", "1"))
RESIDENTS = 6
# Walk-in activities, one per pass of the workload while they last: each resident checks in
# (taking a seat on the spot: enrolment, seat count and attendance in one transaction) and out.
ACTIVITIES_PER_ROUND = 6


@dataclass
class Client:
    """A patient client: on a dropped connection or a 5xx it retries with the same key."""

    base_url: str
    seen: list[dict[str, Any]] = field(default_factory=list)
    retries: int = 0

    async def post(self, token: str, path: str, body: Any, key: str) -> httpx.Response:
        return await self.send("POST", token, path, body, key=key)

    async def send(
        self, method: str, token: str, path: str, body: Any = None, *, key: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 300
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as http:
            while True:
                try:
                    response = await http.request(method, path, json=body, headers=headers)
                    if response.status_code < 500:
                        return response
                except httpx.TransportError:
                    pass
                if loop.time() > deadline:
                    raise AssertionError(f"{path} never answered")
                self.retries += 1
                await asyncio.sleep(0.3)


async def _readyz(base_url: str) -> int:
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            return (await http.get(f"{base_url}/readyz")).status_code
    except httpx.TransportError:
        return 0


async def _wait_for_readyz(base_url: str, status: int, within: float = 120) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while await _readyz(base_url) != status:
        assert loop.time() < deadline, f"/readyz never answered {status}"
        await asyncio.sleep(0.2)


async def _rows(url: str, query: str) -> list[Any]:
    connection = await asyncpg.connect(url)
    try:
        return list(await connection.fetch(query))
    finally:
        await connection.close()


@on_postgres
async def test_killed_service_and_restarted_database_lose_and_half_write_nothing(
    bank,
    cluster,
    database_url,
    var_dir,
    tmp_path,
):
    residents = [await bank.new_resident(f"o-fault-{n}") for n in range(RESIDENTS)]
    for resident in residents:
        await earn(bank, resident.id, "3")  # 30 credits each
    offered = await bank.worker.client.post(
        "/api/v1/rewards", json={"title": "环保袋", "cost": 2, "stock": 10_000}
    )
    reward_id = offered.json()["id"]
    activities = []
    for _ in range(ACTIVITIES_PER_ROUND * ROUNDS):
        published = await bank.worker.client.post(
            "/api/v1/activities", json=activity_body(walk_ins=True, capacity=RESIDENTS)
        )
        assert published.status_code == 201, published.text
        activities.append(published.json()["id"])

    service = LiveService(database_url, var_dir, tmp_path / "service.log")
    await service.start()
    client = Client(service.base_url)
    awards: dict[str, str] = {}
    redemptions: dict[str, str] = {}
    checked_in: set[tuple[str, str]] = set()
    checked_out: set[tuple[str, str]] = set()
    readiness: list[int] = []

    faults_over = asyncio.Event()

    async def workload(round_number: int) -> None:
        """Passes over the residents until the faults are over, so they strike mid-request
        however fast the machine is."""
        passes = 0
        own = activities[
            round_number * ACTIVITIES_PER_ROUND : (round_number + 1) * ACTIVITIES_PER_ROUND
        ]
        while passes == 0 or not faults_over.is_set():
            await one_pass(f"{round_number}-{passes}", own[passes] if passes < len(own) else None)
            passes += 1

    async def attend(resident: Any, activity_id: str) -> None:
        """Checks in and out with a fresh code each try, as a resident rescanning the screen.
        A retry that finds the step done (its first answer was lost) counts as done."""
        steps = (("check-in", 201, "already_checked_in"), ("check-out", 200, "not_checked_in"))
        for step, done_status, done_already in steps:
            retried = False
            while True:
                code = await client.send(
                    "GET", bank.worker.token, f"/api/v1/activities/{activity_id}/checkin-code"
                )
                before = client.retries
                answer = await client.send(
                    "POST",
                    resident.token,
                    f"/api/v1/activities/{activity_id}/{step}",
                    {"token": code.json()["token"], **NEARBY},
                )
                retried = retried or client.retries > before
                if answer.status_code == done_status:
                    break
                problem = answer.json()["code"]
                if problem == done_already and retried:
                    break
                assert problem == "checkin_token_expired", answer.text
            (checked_in if step == "check-in" else checked_out).add((activity_id, resident.id))

    async def one_pass(tag: str, activity_id: str | None) -> None:
        for n, resident in enumerate(residents):
            if activity_id is not None:
                await attend(resident, activity_id)
            for action in ("serving-chopsticks", "zebra-crossing"):
                key = f"attest-{tag}-{n}-{action}"
                answer = await client.post(
                    bank.worker.token,
                    "/api/v1/deeds/attest",
                    {
                        "resident": resident.id,
                        "action": action,
                        "description": "现场见证",
                        "occurred_at": datetime.now(UTC).isoformat(),
                    },
                    key,
                )
                if answer.status_code == 201:
                    awards[key] = answer.json()["id"]
                else:
                    assert answer.json()["code"] == "daily_cap_reached", answer.text
            key = f"redeem-{tag}-{n}"
            answer = await client.post(
                resident.token, f"/api/v1/rewards/{reward_id}/redemptions", None, key
            )
            if answer.status_code == 201:
                redemptions[key] = answer.json()["id"]
            else:  # a long run spends a resident's credits: refused, never overdrawn
                assert answer.json()["code"] == "insufficient_credits", answer.text

    async def faults() -> None:
        try:
            await asyncio.sleep(1.0)
            await service.kill()
            await service.start()
            await asyncio.sleep(1.0)
            options = await asyncio.to_thread(cluster.stop_server)
            await _wait_for_readyz(service.base_url, 503)
            readiness.append(503)
            await asyncio.to_thread(cluster.start_server, options)
            await _wait_for_readyz(service.base_url, 200)
            readiness.append(200)
        finally:
            faults_over.set()

    try:
        for round_number in range(ROUNDS):
            faults_over.clear()
            await asyncio.gather(workload(round_number), faults())
    finally:
        await service.stop()

    assert readiness == [503, 200] * ROUNDS
    assert client.retries > 0, "the faults struck while requests were running"
    assert awards and redemptions and checked_out
    deeds = {
        r["id"]: r["status"]
        for r in await _rows(database_url, "SELECT id, status FROM deed WHERE mode = 'attest'")
    }
    assert set(awards.values()) <= set(deeds)
    assert {deeds[d] for d in awards.values()} == {"approved"}
    held = {r["id"] for r in await _rows(database_url, "SELECT id FROM redemption")}
    assert set(redemptions.values()) <= held
    # One ledger transaction per award and per redemption, whatever the retries.
    per_deed = await _rows(
        database_url,
        "SELECT ref_id, COUNT(*) AS n FROM ledger_transaction WHERE ref_type = 'deed' "
        "GROUP BY ref_id HAVING COUNT(*) > 1",
    )
    assert per_deed == []
    assert len(deeds) == len(set(awards.values()))
    assert len(held) == len(set(redemptions.values()))
    # The ledger: every transaction balances, no bounded account below zero or drifted.
    unbalanced = await _rows(
        database_url,
        "SELECT transaction_id FROM ledger_entry GROUP BY transaction_id, asset "
        "HAVING SUM(amount) <> 0",
    )
    short = await _rows(
        database_url,
        "SELECT t.id FROM ledger_transaction t LEFT JOIN ledger_entry e "
        "ON e.transaction_id = t.id GROUP BY t.id HAVING COUNT(e.id) < 2",
    )
    negative = await _rows(
        database_url, "SELECT id FROM ledger_account WHERE bounded AND balance < 0"
    )
    drifted = await _rows(
        database_url,
        "SELECT a.id FROM ledger_account a LEFT JOIN ledger_entry e ON e.account_id = a.id "
        "WHERE a.bounded GROUP BY a.id, a.balance "
        "HAVING a.balance <> COALESCE(SUM(e.amount), 0)",
    )
    assert (unbalanced, short, negative, drifted) == ([], [], [], [])
    # Check-ins: each one seen is there, each check-out seen closed its attendance, and no
    # attendance is half-written (open exactly while it has no check-out and no hours), none
    # lacks the seat its walk-in took, and every seat count matches its enrolments.
    attendances = {
        (r["activity_id"], r["resident_id"]): r["status"]
        for r in await _rows(
            database_url, "SELECT activity_id, resident_id, status FROM attendance"
        )
    }
    assert checked_in <= set(attendances)
    assert {attendances[seen] for seen in checked_out} == {"pending"}
    half_written = await _rows(
        database_url,
        "SELECT id FROM attendance WHERE (status = 'open') <> (checked_out_at IS NULL) "
        "OR (checked_out_at IS NULL) <> (hours IS NULL)",
    )
    unseated = await _rows(
        database_url,
        "SELECT a.id FROM attendance a LEFT JOIN enrollment e ON e.activity_id = a.activity_id "
        "AND e.resident_id = a.resident_id AND e.status = 'enrolled' WHERE e.id IS NULL",
    )
    miscounted = await _rows(
        database_url,
        "SELECT a.id FROM activity a LEFT JOIN enrollment e ON e.activity_id = a.id "
        "AND e.status = 'enrolled' GROUP BY a.id, a.enrolled_count "
        "HAVING a.enrolled_count <> COUNT(e.id)",
    )
    assert (half_written, unseated, miscounted) == ([], [], [])
