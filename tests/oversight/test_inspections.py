"""Inspections (测评): recorded on site by checklist; a failure notifies the unit and opens a
rectification task; a re-inspection closes or escalates it. Bad input is refused whole."""

from __future__ import annotations

from oversight.models import InspectionResult, Notice
from tests.oversight.conftest import FAR, NEARBY, in_days, photo


async def test_a_passed_inspection_is_scored_by_weight_and_opens_nothing(place):
    inspection = await place.plan()
    response = await place.record(inspection["id"], chopsticks=10, signs=5)
    assert response.status_code == 200, response.text
    body = response.json()
    # (3 × 10/10 + 1 × 5/10) / 4 = 87.5 % ≥ 80
    assert (body["score"], body["passed"], body["task_id"]) == (87.5, True, None)


async def test_a_failed_inspection_sends_a_notice_and_opens_a_task_with_a_deadline(place):
    inspection = await place.plan()
    response = await place.record(inspection["id"], chopsticks=2, rectification_deadline=in_days(5))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["passed"] is False and body["task_id"]
    notices = (await place.unit_staff.client.get("/api/v1/oversight/notices")).json()
    assert [n["kind"] for n in notices["items"]] == ["inspection_failed"]
    task = (await place.unit_staff.client.get(f"/api/v1/oversight/tasks/{body['task_id']}")).json()
    assert task["source"] == "inspection" and task["status"] == "open"
    assert [s["kind"] for s in task["steps"]] == ["opened"]


async def test_an_unknown_checklist_item_is_refused_and_nothing_is_written(place):
    inspection = await place.plan()
    response = await place.world.worker.client.post(
        f"/api/v1/oversight/inspections/{inspection['id']}/record",
        json={
            "results": [
                {"item": "chopsticks", "score": 10},
                {"item": "signs", "score": 10},
                {"item": "karaoke", "score": 10},
            ],
            **NEARBY,
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_checklist_item"
    assert response.json()["errors"][0]["field"] == "results.2.item"
    assert not await InspectionResult.exists(inspection_id=inspection["id"])
    again = (
        await place.world.worker.client.get(f"/api/v1/oversight/inspections/{inspection['id']}")
    ).json()
    assert again["status"] == "assigned"


async def test_a_score_outside_its_items_range_is_refused(place):
    inspection = await place.plan()
    response = await place.record(inspection["id"], chopsticks=10, signs=11)
    assert response.status_code == 422
    assert response.json()["code"] == "score_out_of_range"


async def test_a_failed_item_without_a_photo_is_refused(place):
    inspection = await place.plan()
    response = await place.world.worker.client.post(
        f"/api/v1/oversight/inspections/{inspection['id']}/record",
        json={
            "results": [{"item": "chopsticks", "score": 0}, {"item": "signs", "score": 10}],
            **NEARBY,
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "photo_required"


async def test_an_inspection_recorded_away_from_the_unit_is_refused(place):
    inspection = await place.plan()
    response = await place.record(inspection["id"], chopsticks=10, **FAR)
    assert response.status_code == 422
    assert response.json()["code"] == "too_far_from_unit"


async def test_a_failing_inspection_with_a_past_deadline_writes_nothing(place):
    inspection = await place.plan()
    response = await place.record(
        inspection["id"], chopsticks=1, rectification_deadline=in_days(-2)
    )
    assert response.status_code == 422
    assert response.json()["code"] == "deadline_in_past"
    assert not await Notice.exists(subject_id=inspection["id"])
    assert not await InspectionResult.exists(inspection_id=inspection["id"])


async def test_an_evaluator_records_only_the_inspections_assigned_to_them(place):
    mine = await place.plan(evaluator=place.evaluator.id)
    not_mine = await place.plan()
    listed = (await place.evaluator.client.get("/api/v1/oversight/inspections")).json()
    assert [i["id"] for i in listed["items"]] == [mine["id"]]
    refused = await place.record(not_mine["id"], chopsticks=10, actor=place.evaluator)
    assert refused.status_code == 404
    done = await place.record(mine["id"], chopsticks=10, actor=place.evaluator)
    assert done.status_code == 200, done.text
    units = (await place.evaluator.client.get("/api/v1/oversight/units")).json()
    assert [u["id"] for u in units["items"]] == [place.unit["id"]]


async def _failed(place):
    inspection = await place.plan()
    body = (await place.record(inspection["id"], chopsticks=2)).json()
    return inspection, body["task_id"]


async def test_a_passing_reinspection_closes_the_task(place):
    inspection, task_id = await _failed(place)
    evidence = await place.unit_staff.client.post(
        f"/api/v1/oversight/tasks/{task_id}/evidence",
        json={"note": "已每桌配齐公筷", "photos": [await photo(place.unit_staff)]},
    )
    assert evidence.status_code == 200, evidence.text
    accepted = await place.world.worker.client.post(
        f"/api/v1/oversight/tasks/{task_id}/review", json={"decision": "accept"}
    )
    assert accepted.json()["status"] == "accepted"
    again = await place.world.worker.client.post(
        f"/api/v1/oversight/inspections/{inspection['id']}/reinspections", json={}
    )
    assert again.status_code == 201, again.text
    response = await place.record(again.json()["id"], chopsticks=10)
    assert response.json()["task_id"] == task_id
    task = (await place.world.worker.client.get(f"/api/v1/oversight/tasks/{task_id}")).json()
    assert task["status"] == "closed"
    assert [s["kind"] for s in task["steps"]] == ["opened", "evidence", "accepted", "closed"]


async def test_a_failing_reinspection_escalates_the_task(place):
    inspection, task_id = await _failed(place)
    again = await place.world.worker.client.post(
        f"/api/v1/oversight/inspections/{inspection['id']}/reinspections", json={}
    )
    await place.record(again.json()["id"], chopsticks=3)
    task = (await place.world.worker.client.get(f"/api/v1/oversight/tasks/{task_id}")).json()
    assert (task["status"], task["escalation_level"]) == ("open", 1)
    assert task["steps"][-1]["kind"] == "escalated"
    notices = (await place.unit_staff.client.get("/api/v1/oversight/notices")).json()
    assert len(notices["items"]) == 2


async def test_only_a_failed_inspection_is_reinspected(place):
    inspection = await place.plan()
    await place.record(inspection["id"], chopsticks=10)
    response = await place.world.worker.client.post(
        f"/api/v1/oversight/inspections/{inspection['id']}/reinspections", json={}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "inspection_not_failed"


async def test_refusals_are_explained_in_chinese_unless_english_is_asked_for(place):
    inspection = await place.plan()
    body = {"results": [{"item": "karaoke", "score": 1}], **NEARBY}
    url = f"/api/v1/oversight/inspections/{inspection['id']}/record"
    chinese = await place.world.worker.client.post(url, json=body)
    assert chinese.json()["detail"] == "“karaoke”不是该测评表中的项目。"
    english = await place.world.worker.client.post(
        url, json=body, headers={"Accept-Language": "en"}
    )
    assert english.json()["detail"] == "`karaoke` is not an item of this checklist."
