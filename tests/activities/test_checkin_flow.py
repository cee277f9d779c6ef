"""The check-in flow as a city-wide event runs it: the shared-spot flag on an activity of
thousands of attendances, and how many statements each step sends to the database."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from tests.activities.conftest import SITE, checkin_token, enrol, publish

BIG = 3000  # attendances already at the activity


async def _crowd(activity: dict[str, Any], world: Any) -> None:
    """`BIG` live check-ins of other residents, each at its own spot a few metres apart."""
    from activities.models import Attendance

    now = datetime.now(UTC)
    await Attendance.bulk_create(
        [
            Attendance(
                district_id=world.district_id,
                community_id=activity["community"],
                activity_id=activity["id"],
                resident_id=f"crowd{n:021d}",
                source="live",
                status="open",
                checked_in_at=now,
                check_in_lat=SITE["lat"] - 0.001 + (n % 50) * 0.00003,
                check_in_lng=SITE["lng"] - 0.001 + (n // 50) * 0.00003,
                device=f"crowd-{n}",
                flags=[],
                recorded_by="bench",
            )
            for n in range(BIG)
        ],
        batch_size=500,
    )


async def _check_in_at(world: Any, activity_id: str, name: str, **body: Any) -> str:
    resident = await world.new_resident(name)
    await enrol(resident, activity_id)
    token = await checkin_token(world, activity_id)
    response = await resident.client.post(
        f"/api/v1/activities/{activity_id}/check-in", json={"token": token, **body}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _flags(world: Any, activity_id: str) -> dict[str, list[str]]:
    from activities.models import Attendance

    return {
        a.id: list(a.flags)
        for a in await Attendance.filter(activity_id=activity_id).only("id", "flags")
    }


async def test_residents_on_one_spot_of_a_crowded_activity_are_flagged_and_no_one_else(world):
    activity = await publish(world, capacity=100)
    await _crowd(activity, world)
    spot = {"lat": 29.875311, "lng": 121.544}
    same = [
        await _check_in_at(world, activity["id"], f"o-crowd-{n}", **spot, device=f"p{n}")
        for n in range(3)
    ]
    # A step away (0.3 m east rounds to another spot): not the same spot, so not flagged.
    apart = await _check_in_at(
        world, activity["id"], "o-crowd-apart", lat=29.875311, lng=121.544030, device="p-apart"
    )
    flags = await _flags(world, activity["id"])
    assert all("shared_device_or_position" in flags[i] for i in same)
    assert flags[apart] == []
    assert sum(1 for f in flags.values() if f) == 3  # the crowd's own spots are their own


async def test_one_phone_checking_in_a_group_at_a_crowded_activity_is_flagged(world):
    activity = await publish(world, capacity=100)
    await _crowd(activity, world)
    ids = [
        await _check_in_at(
            world, activity["id"], f"o-phone-{n}", lat=29.8753 + n * 0.0002, lng=121.544, device="d"
        )
        for n in range(3)
    ]
    flags = await _flags(world, activity["id"])
    assert all("shared_device_or_position" in flags[i] for i in ids)
    assert sum(1 for f in flags.values() if f) == 3


class _Statements(logging.Handler):
    """Every statement the ORM's database clients send (their query log)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sent: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.args, tuple) and record.args:
            self.sent.append(str(record.args[0]))


@contextmanager
def _logged() -> Iterator[_Statements]:
    logger = logging.getLogger("tortoise.db_client")
    handler, level = _Statements(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _of_the_step(sent: list[str]) -> list[str]:
    """The statements of the step itself (not the kernel's authentication)."""
    tables = ("activity", "enrollment", "attendance", "service_record", "rules", "advisory")
    return [s for s in sent if any(t in s for t in tables)]


async def test_each_step_of_the_flow_sends_a_few_statements(world):
    """Enrol two (PostgreSQL) or three, check in three, check out three: the round trips of
    the flow do not creep back (they cost more than the Python around them)."""
    from kernel.db import dialect

    activity = await publish(world)
    path = f"/api/v1/activities/{activity['id']}"
    await world.resident.client.get("/api/v1/me/enrollments")  # the principal is known
    with _logged() as log:
        response = await world.resident.client.post(f"{path}/enrollments")
    assert response.status_code == 201, response.text
    assert len(_of_the_step(log.sent)) == (2 if dialect() == "postgres" else 3), log.sent
    token = await checkin_token(world, activity["id"])
    body = {"token": token, "lat": SITE["lat"], "lng": SITE["lng"], "device": "p"}
    with _logged() as log:
        response = await world.resident.client.post(f"{path}/check-in", json=body)
    assert response.status_code == 201, response.text
    assert len(_of_the_step(log.sent)) == 3, log.sent
    with _logged() as log:
        response = await world.resident.client.post(f"{path}/check-out", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "pending"
    assert len(_of_the_step(log.sent)) == 3, log.sent
