"""A worker's oversight stops at their communities (issue 19, findings 3 and 4): a report of
their community cannot open a task for another community's unit, and a photo is read only by
those who read what it belongs to."""

from __future__ import annotations

from accounts.schemas import StaffCreate
from accounts.staff import create_staff
from kernel.auth import Principal
from kernel.db import transaction
from oversight.models import Notice, ProblemReport, RectificationTask, TaskStep
from tests.conftest import Actor, World
from tests.oversight.conftest import SITE, create_unit, photo
from tests.security.console_session import console_client

PASSWORD = "staff-password-123"


async def _c2_worker(world: World) -> Actor:
    system = Principal(kind="staff", id="test", role="platform_admin")
    data = StaffCreate(
        username="c2-worker", password=PASSWORD, role="worker", district="d1", communities=["c2"]
    )
    async with transaction():
        staff = await create_staff(data, by=system)
    return await world.actor("staff", staff.id, "worker")


async def _report(world: World, unit_id: str, photos: list[str] | None = None) -> str:
    report = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={"category": "litter", "description": "门前垃圾", "unit": unit_id,
              "photos": photos or [], **SITE},
    )  # fmt: skip
    assert report.status_code == 201, report.text
    return str(report.json()["id"])


async def test_a_worker_cannot_send_a_report_to_another_communitys_unit(world):
    own = await create_unit(world.district_admin)
    neighbours = await create_unit(
        world.district_admin, code="m-2", name="二社区市场", community="c2"
    )
    elsewhere = await create_unit(world.other_worker, code="x-1", community="c3")
    report = await _report(world, own["id"])
    confirm = f"/api/v1/oversight/reports/{report}/confirm"

    unseen = await world.worker.client.post(
        confirm, json={"instructions": "清理", "unit": elsewhere["id"]}
    )
    foreign = await world.worker.client.post(
        confirm, json={"instructions": "清理", "unit": neighbours["id"]}
    )

    assert unseen.status_code == 422 and unseen.json()["code"] == "unknown_unit"
    # The same answer as for a unit the worker cannot see: nothing says the unit exists.
    assert (foreign.status_code, foreign.json()) == (unseen.status_code, unseen.json())
    assert not await RectificationTask.exists(unit_id=neighbours["id"])
    assert not await TaskStep.exists()
    assert not await Notice.exists(unit_id=neighbours["id"])
    assert (await ProblemReport.get(id=report)).status == "submitted"
    record = await world.district_admin.client.get(
        f"/api/v1/oversight/units/{neighbours['id']}/record"
    )
    assert record.status_code == 200, record.text
    assert not [e for e in record.json()["events"] if e["kind"].startswith("rectification:")]
    # Its own community's unit is still the worker's to send it to.
    sent = await world.worker.client.post(confirm, json={"instructions": "清理", "unit": own["id"]})
    assert sent.status_code == 200, sent.text
    own_record = await world.district_admin.client.get(
        f"/api/v1/oversight/units/{own['id']}/record"
    )
    assert "rectification:opened" in [e["kind"] for e in own_record.json()["events"]]


async def test_a_report_photo_is_not_read_by_a_worker_of_another_community(world, app):
    unit = await create_unit(world.district_admin)
    picture = await photo(world.resident)
    await _report(world, unit["id"], [picture])
    c2_worker = await _c2_worker(world)

    assert (await c2_worker.client.get(f"/api/v1/oversight/photos/{picture}")).status_code == 404
    async with console_client(app, "c2-worker", PASSWORD) as console:
        page = await console.get(f"/console/oversight/photos/{picture}")
        assert page.status_code == 404
    # Those who read the report read its photo: its community's worker, the district's admin.
    for reader in (world.worker, world.district_admin, world.resident):
        answer = await reader.client.get(f"/api/v1/oversight/photos/{picture}")
        assert answer.status_code == 200, answer.text
    async with console_client(app, "c1-worker", PASSWORD) as console:
        assert (await console.get(f"/console/oversight/photos/{picture}")).status_code == 200


async def test_a_photo_not_attached_to_anything_is_its_owners_alone(world):
    picture = await photo(world.resident)
    for outsider in (world.worker, world.district_admin):
        answer = await outsider.client.get(f"/api/v1/oversight/photos/{picture}")
        assert answer.status_code == 404
    assert (await world.resident.client.get(f"/api/v1/oversight/photos/{picture}")).is_success
