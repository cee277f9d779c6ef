"""Rectification (整改): evidence from the unit, review by a worker, reminders before and after
the deadline through the outbox, escalation when overdue; every step recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kernel.models import Notification
from kernel.scheduler import run_job
from oversight.models import RectificationTask
from tests.oversight.conftest import SITE, in_days, photo


async def _task_from_report(world, place, by=None, **task):
    report = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={"category": "litter", "description": "门前垃圾", "unit": place.unit["id"], **SITE},
    )
    confirmed = await (by or world.worker).client.post(
        f"/api/v1/oversight/reports/{report.json()['id']}/confirm",
        json={"instructions": "清理门前垃圾", **task},
    )
    assert confirmed.status_code == 200, confirmed.text
    return report.json()["id"], confirmed.json()["task_id"]


async def test_accepted_evidence_resolves_the_report_and_tells_the_reporter(world, place):
    report_id, task_id = await _task_from_report(world, place)
    evidence = await place.unit_staff.client.post(
        f"/api/v1/oversight/tasks/{task_id}/evidence",
        json={"note": "已清理", "photos": [await photo(place.unit_staff)]},
    )
    assert evidence.json()["status"] == "submitted"
    reviewed = await world.worker.client.post(
        f"/api/v1/oversight/tasks/{task_id}/review", json={"decision": "accept"}
    )
    assert reviewed.json()["status"] == "closed"
    report = (await world.resident.client.get(f"/api/v1/oversight/reports/{report_id}")).json()
    assert report["status"] == "resolved"
    assert await Notification.exists(
        topic="oversight_report_resolved", recipient_id=world.resident.id
    )
    steps = reviewed.json()["steps"]
    assert [(s["kind"], s["actor"]) for s in steps] == [
        ("opened", f"staff:{world.worker.id}"),
        ("evidence", f"staff:{place.unit_staff.id}"),
        ("accepted", f"staff:{world.worker.id}"),
    ]


async def test_returned_evidence_needs_a_reason_and_reopens_the_task(world, place):
    _report, task_id = await _task_from_report(world, place)
    await place.unit_staff.client.post(
        f"/api/v1/oversight/tasks/{task_id}/evidence", json={"note": "已清理"}
    )
    bare = await world.worker.client.post(
        f"/api/v1/oversight/tasks/{task_id}/review", json={"decision": "return"}
    )
    assert bare.status_code == 422 and bare.json()["code"] == "reason_required"
    returned = await world.worker.client.post(
        f"/api/v1/oversight/tasks/{task_id}/review",
        json={"decision": "return", "reason": "照片中仍有垃圾"},
    )
    assert returned.json()["status"] == "open"


async def test_a_unit_cannot_submit_evidence_for_another_units_task(world, place):
    # The district's administrator sends it to c2's unit (c1's worker cannot: not theirs).
    _report, task_id = await _task_from_report(
        world, place, by=world.district_admin, unit=place.unit2["id"]
    )
    response = await place.unit_staff.client.post(
        f"/api/v1/oversight/tasks/{task_id}/evidence", json={"note": "不是我们的"}
    )
    assert response.status_code == 404


async def test_units_are_reminded_before_the_deadline_and_escalated_after_it(world, place):
    _report, task_id = await _task_from_report(world, place, deadline=in_days(0.5))
    await run_job("oversight-rectification")
    assert await Notification.filter(topic="oversight_task_due").count() == 1
    await run_job("oversight-rectification")
    assert await Notification.filter(topic="oversight_task_due").count() == 1  # once
    await RectificationTask.filter(id=task_id).update(
        deadline=datetime.now(UTC) - timedelta(hours=1)
    )
    await run_job("oversight-rectification")
    await run_job("oversight-rectification")
    assert await Notification.filter(topic="oversight_task_overdue").count() == 1
    assert (
        await Notification.filter(
            topic="oversight_task_escalated", recipient_id=world.district_admin.id
        ).count()
        == 1
    )
    task = (await world.worker.client.get(f"/api/v1/oversight/tasks/{task_id}")).json()
    assert task["escalation_level"] == 1 and task["overdue_at"] is not None
    assert [s["kind"] for s in task["steps"]] == ["opened", "reminded", "overdue"]


async def test_a_departments_task_takes_evidence_from_district_staff(world):
    report = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={"category": "illegal-parking", "description": "占用消防通道", **SITE},
    )
    confirmed = await world.worker.client.post(
        f"/api/v1/oversight/reports/{report.json()['id']}/confirm",
        json={"department": "交警大队", "instructions": "清理消防通道车辆"},
    )
    task_id = confirmed.json()["task_id"]
    evidence = await world.worker.client.post(
        f"/api/v1/oversight/tasks/{task_id}/evidence", json={"note": "已拖离"}
    )
    assert evidence.status_code == 200, evidence.text
    assert evidence.json()["department"] == "交警大队"
