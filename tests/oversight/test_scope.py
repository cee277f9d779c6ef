"""Scope of every oversight route taking an id: another district's rows do not exist (404), a
worker sees their communities, a unit itself, an evaluator only what is assigned to them."""

from __future__ import annotations

import pytest

from oversight.models import ListEntry, UnitList
from tests.oversight.conftest import SITE, photo


async def _things(place):
    """One of each thing in district d1 (community c1), made by its staff."""
    world = place.world
    report = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={"category": "litter", "description": "垃圾", "unit": place.unit["id"], **SITE},
    )
    confirmed = await world.worker.client.post(
        f"/api/v1/oversight/reports/{report.json()['id']}/confirm", json={"instructions": "清理"}
    )
    inspection = await place.plan()
    unit_list = await UnitList.create(
        district_id=world.district_id,
        unit_type="restaurant",
        period="2020Q1",
        valid_until="2020-07-01T00:00:00Z",
        computed_at="2020-04-01T00:00:00Z",
        status="noticed",
        objection_deadline="2099-01-01T00:00:00Z",
    )
    entry = await ListEntry.create(
        list_id=unit_list.id,
        district_id=world.district_id,
        unit_id=place.unit["id"],
        colour="black",
        score=10,
        reason_category="low_score",
    )
    objection = await place.unit_staff.client.post(
        f"/api/v1/oversight/list-entries/{entry.id}/objections", json={"statement": "异议"}
    )
    return {
        "unit": place.unit["id"],
        "report": report.json()["id"],
        "task": confirmed.json()["task_id"],
        "inspection": inspection["id"],
        "checklist": place.checklist["id"],
        "list": unit_list.id,
        "entry": entry.id,
        "objection": objection.json()["id"],
        "photo": await photo(world.worker),
    }


ROUTES = [
    ("GET", "/api/v1/oversight/units/{unit}", None),
    ("GET", "/api/v1/oversight/units/{unit}/record", None),
    (
        "POST",
        "/api/v1/oversight/units/{unit}/accounts",
        {"username": "x-unit", "password": "x" * 12},
    ),
    ("GET", "/api/v1/oversight/photos/{photo}", None),
    ("GET", "/api/v1/oversight/reports/{report}", None),
    ("GET", "/api/v1/oversight/reports/{report}/duplicates", None),
    ("POST", "/api/v1/oversight/reports/{report}/reject", {"reason": "x"}),
    ("POST", "/api/v1/oversight/reports/{report}/merge", {"into": "{report}"}),
    ("POST", "/api/v1/oversight/reports/{report}/confirm", {"instructions": "x"}),
    ("GET", "/api/v1/oversight/checklists/{checklist}", None),
    ("GET", "/api/v1/oversight/inspections/{inspection}", None),
    (
        "POST",
        "/api/v1/oversight/inspections/{inspection}/record",
        {"results": [{"item": "signs", "score": 1}], **SITE},
    ),
    ("POST", "/api/v1/oversight/inspections/{inspection}/reinspections", {}),
    ("GET", "/api/v1/oversight/tasks/{task}", None),
    ("POST", "/api/v1/oversight/tasks/{task}/evidence", {"note": "x"}),
    ("POST", "/api/v1/oversight/tasks/{task}/review", {"decision": "accept"}),
    ("GET", "/api/v1/oversight/lists/{list}", None),
    ("POST", "/api/v1/oversight/lists/{list}/notices", None),
    ("POST", "/api/v1/oversight/lists/{list}/publication", None),
    ("GET", "/api/v1/oversight/lists/{list}/publications", None),
    ("POST", "/api/v1/oversight/list-entries/{entry}/objections", {"statement": "x"}),
    ("POST", "/api/v1/oversight/list-entries/{entry}/withdrawal", {"reason": "x"}),
    ("POST", "/api/v1/oversight/list-entries/{entry}/repairs", {"statement": "x"}),
    (
        "POST",
        "/api/v1/oversight/objections/{objection}/decision",
        {"decision": "uphold", "reason": "x"},
    ),
]


def _fill(value, ids):
    if isinstance(value, str):
        for name, found in ids.items():
            value = value.replace("{" + name + "}", str(found))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


async def _call(actor, method, path, body, ids):
    return await actor.client.request(method, _fill(path, ids), json=_fill(body, ids))


@pytest.mark.parametrize(
    ("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _b in ROUTES]
)
async def test_another_districts_staff_find_nothing(place, method, path, body):
    ids = await _things(place)
    response = await _call(place.world.other_worker, method, path, body, ids)
    # 404 where a worker may call the route at all; 403 where only an administrator may
    assert response.status_code == 404 or response.json()["code"] == "forbidden", response.text


async def test_a_worker_of_another_community_finds_nothing_of_c1(place):
    from accounts.schemas import StaffCreate
    from accounts.staff import create_staff
    from kernel.auth import Principal
    from kernel.db import transaction
    from tests.conftest import make_actor

    async with transaction():
        staff = await create_staff(
            StaffCreate(
                username="c2-worker",
                password="staff-password-123",
                role="worker",
                district="d1",
                communities=["c2"],
            ),
            by=Principal(kind="staff", id="t", role="platform_admin"),
        )
    c2_worker = await make_actor(place.world.app, "staff", staff.id, "worker")
    ids = await _things(place)
    for method, path, body in ROUTES:
        if "/lists/" in path or "/list-entries/" in path or "/objections/" in path:
            continue  # lists are the district's, read by all its staff
        if "/checklists/" in path or "/photos/" in path:
            continue  # checklists are district-wide; a worker's photos are seen district-wide
        response = await _call(c2_worker, method, path, body, ids)
        assert response.status_code in (403, 404), (path, response.text)


async def test_a_unit_sees_only_itself(place):
    ids = await _things(place)
    other = place.unit2["id"]
    for path in (
        f"/api/v1/oversight/units/{other}",
        f"/api/v1/oversight/units/{other}/record",
    ):
        assert (await place.unit_staff.client.get(path)).status_code == 404
    task = await place.world.worker.client.post(
        f"/api/v1/oversight/reports/{ids['report']}/reject", json={"reason": "x"}
    )
    assert task.status_code == 409  # confirmed already; the unit's own task stays its own
    tasks = (await place.unit_staff.client.get("/api/v1/oversight/tasks")).json()
    assert {t["unit_id"] for t in tasks["items"]} == {place.unit["id"]}


async def test_an_evaluator_sees_only_assigned_inspections(place):
    ids = await _things(place)
    for path in (
        f"/api/v1/oversight/inspections/{ids['inspection']}",
        f"/api/v1/oversight/units/{ids['unit']}",
    ):
        assert (await place.evaluator.client.get(path)).status_code == 404
    assigned = await place.plan(evaluator=place.evaluator.id)
    seen = await place.evaluator.client.get(f"/api/v1/oversight/inspections/{assigned['id']}")
    assert seen.status_code == 200
