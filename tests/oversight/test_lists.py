"""Red and black lists (红黑榜): drafted set-based from the period's scores, sent to black-listed
units who may object, published once objections are decided; the public sees units, never
people; withdrawals and repairs are new records, and every publication is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kernel.models import Notification
from oversight.models import Inspection, UnitList
from oversight.rules import period_bounds, previous_period
from tests.oversight.conftest import create_unit

LAST_QUARTER = previous_period(datetime.now(UTC))


async def _inspected_last_quarter(place, unit_id, chopsticks):
    inspection = await place.plan(unit=unit_id)
    response = await place.record(inspection["id"], chopsticks=chopsticks)
    assert response.status_code == 200, response.text
    start, _end = period_bounds(LAST_QUARTER)
    await Inspection.filter(id=inspection["id"]).update(inspected_at=start + timedelta(days=10))


async def _draft(place):
    """A good restaurant (red), a bad one (black), and the compute run for last quarter."""
    world = place.world
    good = place.unit
    bad = await create_unit(
        world.worker,
        code="r-002",
        name="脏乱饭店",
        responsible_name="赵老板",
        responsible_phone="13911112222",
        lat=29.8754,
        lng=121.5441,
    )
    await _inspected_last_quarter(place, good["id"], chopsticks=10)
    await _inspected_last_quarter(place, bad["id"], chopsticks=1)
    computed = await world.district_admin.client.post(
        "/api/v1/oversight/lists/compute", json={"period": LAST_QUARTER}
    )
    assert computed.status_code == 200, computed.text
    assert computed.json() == {"period": LAST_QUARTER, "scored_units": 2, "lists": 1, "entries": 2}
    lists = (await world.district_admin.client.get("/api/v1/oversight/lists")).json()
    detail = (
        await world.district_admin.client.get(f"/api/v1/oversight/lists/{lists['items'][0]['id']}")
    ).json()
    return good, bad, detail


def _entry(detail, unit_id):
    return next(e for e in detail["entries"] if e["unit_id"] == unit_id)


async def _bad_unit_login(world, bad):
    from tests.conftest import make_actor

    account = await world.district_admin.client.post(
        f"/api/v1/oversight/units/{bad['id']}/accounts",
        json={"username": "zangluan", "password": "unit-password-123"},
    )
    return await make_actor(world.app, "staff", account.json()["staff_id"], "unit_staff")


async def test_the_quarterly_draft_puts_good_units_red_and_bad_units_black(place):
    good, bad, detail = await _draft(place)
    assert detail["status"] == "draft" and detail["period"] == LAST_QUARTER
    assert _entry(detail, good["id"])["colour"] == "red"
    black = _entry(detail, bad["id"])
    assert (black["colour"], black["reason_category"]) == ("black", "failed_inspection")
    scores = (
        await place.world.district_admin.client.get(
            "/api/v1/oversight/scores", params={"period": LAST_QUARTER}
        )
    ).json()
    assert sorted(s["score"] for s in scores["items"]) == [32.5, 100.0]


async def test_a_period_that_has_not_ended_is_refused(world):
    current = f"{datetime.now(UTC).year + 1}Q1"
    response = await world.district_admin.client.post(
        "/api/v1/oversight/lists/compute", json={"period": current}
    )
    assert response.status_code == 422 and response.json()["code"] == "unknown_period"


async def test_an_objection_is_decided_before_the_list_is_published(place):
    world = place.world
    _good, bad, detail = await _draft(place)
    bad_unit = await _bad_unit_login(world, bad)
    draft = (await bad_unit.client.get("/api/v1/oversight/list-entries")).json()
    assert draft["items"] == []  # a draft is the district's until the unit is told
    sent = await world.district_admin.client.post(f"/api/v1/oversight/lists/{detail['id']}/notices")
    assert sent.json()["status"] == "noticed"
    assert await Notification.exists(topic="oversight_black_list_draft", recipient_id=bad_unit.id)
    told = (await bad_unit.client.get("/api/v1/oversight/list-entries")).json()
    assert [(e["unit_name"], e["colour"]) for e in told["items"]] == [("脏乱饭店", "black")]
    entry = _entry(detail, bad["id"])
    objection = await bad_unit.client.post(
        f"/api/v1/oversight/list-entries/{entry['id']}/objections",
        json={"statement": "检查当天公筷已在消毒柜中"},
    )
    assert objection.status_code == 201, objection.text
    too_early = await world.district_admin.client.post(
        f"/api/v1/oversight/lists/{detail['id']}/publication"
    )
    assert too_early.json()["code"] == "objection_window_open"
    await UnitList.filter(id=detail["id"]).update(
        objection_deadline=datetime.now(UTC) - timedelta(minutes=1)
    )
    pending = await world.district_admin.client.post(
        f"/api/v1/oversight/lists/{detail['id']}/publication"
    )
    assert pending.status_code == 409 and pending.json()["code"] == "objections_pending"
    decided = await world.district_admin.client.post(
        f"/api/v1/oversight/objections/{objection.json()['id']}/decision",
        json={"decision": "uphold", "reason": "照片显示餐桌无公筷"},
    )
    assert decided.json()["decision"] == "uphold"
    published = await world.district_admin.client.post(
        f"/api/v1/oversight/lists/{detail['id']}/publication"
    )
    assert published.status_code == 200, published.text
    public = (await world.district_admin.client.get("/api/v1/public/oversight/d1/lists")).json()
    assert {(i["unit_name"], i["colour"]) for i in public["items"]} == {
        ("老宁波饭店", "red"),
        ("脏乱饭店", "black"),
    }


async def test_the_public_list_shows_no_personal_data(place, client):
    world = place.world
    _good, _bad, detail = await _draft(place)
    await world.district_admin.client.post(f"/api/v1/oversight/lists/{detail['id']}/notices")
    await UnitList.filter(id=detail["id"]).update(
        objection_deadline=datetime.now(UTC) - timedelta(minutes=1)
    )
    await world.district_admin.client.post(f"/api/v1/oversight/lists/{detail['id']}/publication")
    api = await client.get("/api/v1/public/oversight/d1/lists")
    page = await client.get("/public/oversight/d1")
    assert api.status_code == 200 and page.status_code == 200
    assert set(api.json()["items"][0]) == {
        "unit_name",
        "unit_type",
        "community",
        "period",
        "colour",
        "reason_category",
    }
    for text in (api.text, page.text):
        for personal in ("张经理", "13800000000", "赵老板", "13911112222", "鼓楼步行街1号"):
            assert personal not in text
    assert "脏乱饭店" in page.text and "一社区" in page.text


async def test_an_upheld_objection_removes_the_unit_and_the_publication_is_kept(place):
    world = place.world
    _good, bad, detail = await _draft(place)
    bad_unit = await _bad_unit_login(world, bad)
    await world.district_admin.client.post(f"/api/v1/oversight/lists/{detail['id']}/notices")
    entry = _entry(detail, bad["id"])
    objection = await bad_unit.client.post(
        f"/api/v1/oversight/list-entries/{entry['id']}/objections", json={"statement": "测评有误"}
    )
    await world.district_admin.client.post(
        f"/api/v1/oversight/objections/{objection.json()['id']}/decision",
        json={"decision": "remove", "reason": "复核后测评记录有误"},
    )
    await UnitList.filter(id=detail["id"]).update(
        objection_deadline=datetime.now(UTC) - timedelta(minutes=1)
    )
    published = await world.district_admin.client.post(
        f"/api/v1/oversight/lists/{detail['id']}/publication"
    )
    assert _entry(published.json(), bad["id"])["removed"] == "objection"
    public = (await world.district_admin.client.get("/api/v1/public/oversight/d1/lists")).json()
    assert [i["unit_name"] for i in public["items"]] == ["老宁波饭店"]


async def test_credit_repair_after_rectification_takes_a_unit_off_the_public_list(place):
    world = place.world
    _good, bad, detail = await _draft(place)
    bad_unit = await _bad_unit_login(world, bad)
    await world.district_admin.client.post(f"/api/v1/oversight/lists/{detail['id']}/notices")
    await UnitList.filter(id=detail["id"]).update(
        objection_deadline=datetime.now(UTC) - timedelta(minutes=1)
    )
    await world.district_admin.client.post(f"/api/v1/oversight/lists/{detail['id']}/publication")
    entry = _entry(detail, bad["id"])
    outstanding = await bad_unit.client.post(
        f"/api/v1/oversight/list-entries/{entry['id']}/repairs", json={"statement": "已整改"}
    )
    assert outstanding.json()["code"] == "rectification_outstanding"
    tasks = (await bad_unit.client.get("/api/v1/oversight/tasks")).json()
    task_id = tasks["items"][0]["id"]
    await bad_unit.client.post(
        f"/api/v1/oversight/tasks/{task_id}/evidence", json={"note": "已配齐公筷"}
    )
    await world.worker.client.post(
        f"/api/v1/oversight/tasks/{task_id}/review", json={"decision": "accept"}
    )
    inspection_id = tasks["items"][0]["source_id"]
    again = await world.worker.client.post(
        f"/api/v1/oversight/inspections/{inspection_id}/reinspections", json={}
    )
    await place.record(again.json()["id"], chopsticks=10)
    repair = await bad_unit.client.post(
        f"/api/v1/oversight/list-entries/{entry['id']}/repairs",
        json={"statement": "已整改并复查通过"},
    )
    assert repair.status_code == 201, repair.text
    granted = await world.district_admin.client.post(
        f"/api/v1/oversight/repairs/{repair.json()['id']}/decision",
        json={"decision": "grant", "reason": "复查合格,准予信用修复"},
    )
    assert granted.json()["decision"] == "grant"
    public = (await world.district_admin.client.get("/api/v1/public/oversight/d1/lists")).json()
    assert "脏乱饭店" not in [i["unit_name"] for i in public["items"]]
    history = (
        await world.district_admin.client.get(
            f"/api/v1/oversight/lists/{detail['id']}/publications"
        )
    ).json()
    assert len(history) == 2
    assert "脏乱饭店" in [e["unit_name"] for e in history[0]["entries"]]
    assert history[1]["reason"] == "复查合格,准予信用修复"


async def test_the_quarterly_job_drafts_lists_for_every_district(place):
    from kernel.scheduler import run_job

    await _inspected_last_quarter(place, place.unit["id"], chopsticks=10)
    run = await run_job("oversight-lists")
    assert run is not None and run.status == "succeeded", run and run.error
    assert run.stats["periods"] == [LAST_QUARTER] and run.stats["entries"] == 1
    assert await UnitList.filter(period=LAST_QUARTER, status="draft").count() == 1


async def test_the_preview_of_the_period_under_way_is_the_list_it_drafts_once_ended(place):
    """The current period previewed: the entries the real computation gives once the same
    inspections fall in an ended period; the preview itself writes no score, list or entry
    and tells no unit."""
    from kernel.db import transaction
    from oversight.models import ListEntry, UnitScore
    from oversight.preview import preview
    from oversight.rules import period_of

    world = place.world
    good = place.unit
    bad = await create_unit(world.worker, code="r-002", name="脏乱饭店", lat=29.8754, lng=121.5441)
    inspected = []
    for unit_id, chopsticks in ((good["id"], 10), (bad["id"], 1)):
        inspection = await place.plan(unit=unit_id)
        assert (await place.record(inspection["id"], chopsticks=chopsticks)).status_code == 200
        inspected.append(inspection["id"])
    told = await Notification.all().count()
    async with transaction():
        shown = await preview(world.district_id)
    assert shown.period == period_of(datetime.now(UTC)) and shown.scored_units == 2
    provisional = {
        (e["unit_id"], e["colour"], e["score"], e["reason_category"])
        for provisional_list in shown.lists
        for e in provisional_list.entries
    }
    assert {colour for _u, colour, _s, _r in provisional} == {"red", "black"}
    assert await UnitScore.all().count() == 0
    assert await UnitList.all().count() == 0 and await ListEntry.all().count() == 0
    assert await Notification.all().count() == told

    start, _end = period_bounds(LAST_QUARTER)
    await Inspection.filter(id__in=inspected).update(inspected_at=start + timedelta(days=10))
    computed = await world.district_admin.client.post(
        "/api/v1/oversight/lists/compute", json={"period": LAST_QUARTER}
    )
    assert computed.status_code == 200, computed.text
    drafted = await ListEntry.all()
    assert {(e.unit_id, e.colour, e.score, e.reason_category) for e in drafted} == provisional
