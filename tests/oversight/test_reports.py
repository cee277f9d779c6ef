"""Problem reports (随手拍): reported by residents, triaged by workers, followed by the reporter;
a confirmed report earns credits through the ledger, within the district's daily cap."""

from __future__ import annotations

from datetime import UTC, datetime

from kernel.models import Notification
from tests.conftest import set_rules_since
from tests.oversight.conftest import NEARBY, SITE, in_days, photo


async def _report(actor, **overrides):
    body = {
        "category": "litter",
        "description": "店门口垃圾堆积",
        "address": "鼓楼步行街",
        **SITE,
        **overrides,
    }
    response = await actor.client.post("/api/v1/oversight/reports", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def _moral_bank_on(world, **rules):
    """The district has run its moral bank for years (the API refuses past-dated changes)."""
    await set_rules_since("d1", datetime(2000, 1, 1, tzinfo=UTC), moral_bank_enabled=True, **rules)


async def test_a_resident_reports_a_problem_with_a_photo_and_follows_it(world):
    picture = await photo(world.resident)
    report = await _report(world.resident, photos=[picture])
    assert report["status"] == "submitted" and report["photos"] == [picture]
    mine = (await world.resident.client.get("/api/v1/oversight/reports")).json()
    assert [r["id"] for r in mine["items"]] == [report["id"]]
    other = await world.other_resident.client.get(f"/api/v1/oversight/reports/{report['id']}")
    assert other.status_code == 404


async def test_a_category_outside_the_districts_list_is_refused(world):
    response = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={"category": "ufo-sighting", "description": "不明飞行物", **SITE},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_category"


async def test_a_photo_that_is_not_an_image_is_refused(world):
    response = await world.resident.client.post(
        "/api/v1/oversight/photos", files={"file": ("p.png", b"%PDF-1.4 not an image", "image/png")}
    )
    # As on every upload path (tests/security/test_uploads.py): 415, not 422.
    assert response.status_code == 415
    assert response.json()["code"] == "not_an_image"


async def test_a_rejected_report_tells_the_reporter_why(world):
    report = await _report(world.resident)
    response = await world.worker.client.post(
        f"/api/v1/oversight/reports/{report['id']}/reject", json={"reason": "照片无法辨认"}
    )
    assert response.status_code == 200, response.text
    followed = (await world.resident.client.get(f"/api/v1/oversight/reports/{report['id']}")).json()
    assert (followed["status"], followed["decision_reason"]) == ("rejected", "照片无法辨认")
    notice = await Notification.get(topic="oversight_report_decided")
    assert (notice.recipient_id, notice.payload["status"]) == (world.resident.id, "rejected")
    again = await world.worker.client.post(
        f"/api/v1/oversight/reports/{report['id']}/reject", json={"reason": "再次"}
    )
    assert again.status_code == 409 and again.json()["code"] == "report_not_open"


async def test_duplicates_nearby_in_the_same_category_are_suggested_and_merged(world):
    neighbour = await world.new_resident("o-neighbour")
    first = await _report(world.resident)
    second = await _report(neighbour, **NEARBY)
    await _report(neighbour, category="illegal-parking")
    await _report(neighbour, lat=29.8853, lng=121.5440)  # 1.1 km away
    suggested = await world.worker.client.get(
        f"/api/v1/oversight/reports/{second['id']}/duplicates"
    )
    assert [d["id"] for d in suggested.json()] == [first["id"]]
    assert suggested.json()[0]["distance_m"] < 100
    merged = await world.worker.client.post(
        f"/api/v1/oversight/reports/{second['id']}/merge", json={"into": first["id"]}
    )
    assert merged.status_code == 200, merged.text
    assert (merged.json()["status"], merged.json()["merged_into_id"]) == ("merged", first["id"])


async def test_a_confirmed_report_opens_a_task_and_earns_credits(world, place):
    await _moral_bank_on(world, credits_per_report={"default": 2, "problem-report": 5})
    report = await _report(world.resident, unit=place.unit["id"])
    confirmed = await world.worker.client.post(
        f"/api/v1/oversight/reports/{report['id']}/confirm",
        json={"instructions": "清理门前垃圾", "deadline": in_days(3)},
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["credits_posted"]
    credits = (await world.resident.client.get("/api/v1/me/credits")).json()
    assert credits["balance"] == 5.0
    task = await place.unit_staff.client.get(
        f"/api/v1/oversight/tasks/{confirmed.json()['task_id']}"
    )
    assert task.status_code == 200
    assert task.json()["unit_id"] == place.unit["id"]


async def test_confirmed_reports_beyond_the_daily_cap_earn_nothing(world):
    await _moral_bank_on(
        world, credits_per_report={"problem-report": 5}, report_daily_cap={"problem-report": 1}
    )
    reports = [await _report(world.resident, lat=29.87 + n / 100, lng=121.54) for n in range(2)]
    for report in reports:
        response = await world.worker.client.post(
            f"/api/v1/oversight/reports/{report['id']}/confirm",
            json={"department": "城管", "instructions": "清理"},
        )
        assert response.status_code == 200, response.text
    followed = [
        (await world.resident.client.get(f"/api/v1/oversight/reports/{r['id']}")).json()
        for r in reports
    ]
    assert [r["credits_posted"] for r in followed] == [True, False]
    assert (await world.resident.client.get("/api/v1/me/credits")).json()["balance"] == 5.0


async def test_the_unit_never_sees_who_reported(world, place):
    report = await _report(world.resident, unit=place.unit["id"])
    confirmed = await world.worker.client.post(
        f"/api/v1/oversight/reports/{report['id']}/confirm", json={"instructions": "整改"}
    )
    task_id = confirmed.json()["task_id"]
    seen = (await place.unit_staff.client.get(f"/api/v1/oversight/tasks/{task_id}")).text
    record = (
        await place.unit_staff.client.get(f"/api/v1/oversight/units/{place.unit['id']}/record")
    ).text
    for text in (seen, record):
        assert world.resident.id not in text and "居民甲" not in text
    assert (
        await place.unit_staff.client.get(f"/api/v1/oversight/reports/{report['id']}")
    ).status_code == 403


async def test_a_deadline_in_the_past_is_refused_and_nothing_is_written(world, place):
    report = await _report(world.resident, unit=place.unit["id"])
    response = await world.worker.client.post(
        f"/api/v1/oversight/reports/{report['id']}/confirm",
        json={"instructions": "整改", "deadline": in_days(-1)},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "deadline_in_past"
    followed = (await world.resident.client.get(f"/api/v1/oversight/reports/{report['id']}")).json()
    assert followed["status"] == "submitted" and followed["task_id"] is None
    tasks = (await world.worker.client.get("/api/v1/oversight/tasks")).json()
    assert tasks["items"] == []


async def test_the_daily_cap_holds_when_confirmations_race(world):
    import asyncio

    await _moral_bank_on(
        world, credits_per_report={"problem-report": 5}, report_daily_cap={"problem-report": 2}
    )
    reports = [await _report(world.resident, lat=29.80 + n / 100, lng=121.54) for n in range(5)]
    responses = await asyncio.gather(
        *(
            world.worker.client.post(
                f"/api/v1/oversight/reports/{r['id']}/confirm",
                json={"department": "城管", "instructions": "清理"},
            )
            for r in reports
        )
    )
    assert [r.status_code for r in responses] == [200] * 5
    assert sum(r.json()["credits_posted"] for r in responses) == 2
    assert (await world.resident.client.get("/api/v1/me/credits")).json()["balance"] == 10.0


async def test_a_report_whose_credits_were_taken_back_frees_the_days_place(world):
    """The cap counts the reported participations the ledger holds, as for deeds
    (docs/credits.md): one a district administrator reversed no longer fills the day."""
    from credits.models import LedgerTransaction

    await _moral_bank_on(
        world, credits_per_report={"problem-report": 5}, report_daily_cap={"problem-report": 1}
    )
    first, second = [await _report(world.resident, lat=29.87 + n / 100, lng=121.54) for n in (0, 1)]
    confirm = {"department": "城管", "instructions": "清理"}
    url = "/api/v1/oversight/reports/{}/confirm"
    assert (await world.worker.client.post(url.format(first["id"]), json=confirm)).json()[
        "credits_posted"
    ]
    posted = await LedgerTransaction.get(
        ref_type="problem_report", ref_id=first["id"], kind="participation"
    )
    reversed_ = await world.district_admin.client.post(
        f"/api/v1/credits/transactions/{posted.id}/reverse", json={"reason": "重复上报"}
    )
    assert reversed_.status_code == 201, reversed_.text
    confirmed = await world.worker.client.post(url.format(second["id"]), json=confirm)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["credits_posted"] is True
    assert (await world.resident.client.get("/api/v1/me/credits")).json()["balance"] == 5.0
