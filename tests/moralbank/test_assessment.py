"""The quarterly moral assessment: a household assessed by itself, its neighbours and the
community, published, objected to and decided, standing and posted once; the standard's
versions; who may assess whom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from moralbank.assessment_demo import YUYAO_STANDARD, full_marks
from tests.moralbank.assessment_world import (
    assessment_of,
    assessment_world,
    define,
    past_deadline,
    review_body,
)


async def _run_standing(world) -> dict[str, int]:
    response = await world.admin.client.post("/api/v1/jobs/assessment-standing/run")
    assert response.status_code == 200, response.text
    return dict(response.json()["stats"])


async def _close_window(assessment_id: str) -> None:
    from moralbank.assessment_models import Assessment

    await Assessment.filter(id=assessment_id).update(objection_deadline=past_deadline())


async def _household_balance(household_id: str) -> Decimal:
    from credits.models import Account, from_units

    account = await Account.get_or_none(owner_kind="household", owner_id=household_id)
    return from_units(account.balance) if account else Decimal(0)


async def test_a_household_is_assessed_published_objected_to_decided_and_stands_once(world):
    homes = await assessment_world(world)
    wang = await assessment_of(world.worker, homes.wang, homes.period)
    url = f"/api/v1/assessments/{wang['id']}"
    resident = world.resident.client

    own = await resident.post(f"{url}/marks", json={"points": full_marks()})
    assert own.status_code == 201, own.text
    assert own.json()["kind"] == "self"
    again = await resident.post(f"{url}/marks", json={"points": {**full_marks(), "law": 5}})
    assert again.status_code == 201 and again.json()["total"] == 95
    neighbour = await homes.li_member.client.post(f"{url}/marks", json={"points": full_marks()})
    assert neighbour.status_code == 201, neighbour.text
    assert neighbour.json()["kind"] == "neighbour"
    twice = await homes.li_member.client.post(f"{url}/marks", json={"points": full_marks()})
    assert twice.json()["code"] == "assessment_already_assessed"
    unverified = await homes.unverified.client.post(f"{url}/marks", json={"points": full_marks()})
    assert unverified.json()["code"] == "assessment_not_assessor"
    assert "实名" in unverified.json()["detail"]
    other_community = await homes.zhao_member.client.post(
        f"{url}/marks", json={"points": full_marks()}
    )
    assert other_community.status_code == 404

    deducted = review_body(traffic=(6, ""))
    refused = await world.worker.client.post(f"{url}/review", json=deducted)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "items.traffic.reason"
    reviewed = await world.worker.client.post(
        f"{url}/review", json=review_body(traffic=(6, "闯红灯一次"))
    )
    assert reviewed.status_code == 200, reviewed.text
    assert (reviewed.json()["status"], reviewed.json()["score"]) == ("reviewed", 98)
    detail = (await world.worker.client.get(url)).json()
    assert {m["kind"]: m["count"] for m in detail["marks"]} == {"self": 1, "neighbour": 1}
    assert detail["reviews"][0]["items"][1]["reason"] == "闯红灯一次"

    published = await world.worker.client.post(f"{url}/publication")
    assert published.json()["status"] == "published", published.text
    too_late_to_review = await world.worker.client.post(f"{url}/review", json=review_body())
    assert too_late_to_review.json()["code"] == "assessment_closed"
    objection = await resident.post(f"{url}/objections", json={"statement": "当天绿灯"})
    assert objection.status_code == 201, objection.text
    await _close_window(wang["id"])
    assert (await _run_standing(world))["stood"] == 0  # an objection waits for its decision

    decided = await world.worker.client.post(
        f"/api/v1/assessment-objections/{objection.json()['id']}/decision",
        json={"decision": "revise", "reason": "核实监控，属实", "review": review_body()},
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == "revise"
    again_decided = await world.worker.client.post(
        f"/api/v1/assessment-objections/{objection.json()['id']}/decision",
        json={"decision": "uphold", "reason": "再议"},
    )
    assert again_decided.json()["code"] == "assessment_objection_decided"

    assert (await _run_standing(world))["posted"] == 1
    assert (await _run_standing(world))["posted"] == 0
    mine = (await resident.get(url)).json()
    assert (mine["status"], mine["score"], mine["credits"]) == ("standing", 100, 100)
    inbox = (await resident.get("/api/v1/me/notifications")).json()["items"]
    told = {n["topic"]: n["text"] for n in inbox}
    assert "98分" in told["assessment_published"]
    assert "已改评" in told["assessment_objection_decided"]
    assert "100积分已计入家庭账户" in told["assessment_standing"]
    assert await _household_balance(homes.wang) == Decimal(100)

    from moralbank.assessment import standing

    assert await standing(homes.wang) == (Decimal(100), homes.period, wang["standard_id"])
    assert await standing(homes.li) is None


async def test_a_veto_zeroes_the_standing_and_needs_its_reason(world):
    homes = await assessment_world(world)
    li = await assessment_of(world.worker, homes.li, homes.period)
    url = f"/api/v1/assessments/{li['id']}"
    without_reason = await world.worker.client.post(
        f"{url}/review", json={**review_body(), "vetoes": [{"code": "vice", "reason": ""}]}
    )
    assert without_reason.status_code == 422
    vetoed = await world.worker.client.post(
        f"{url}/review",
        json={**review_body(), "vetoes": [{"code": "vice", "reason": "参与赌博被处罚"}]},
    )
    assert (vetoed.json()["score"], vetoed.json()["vetoed"]) == (0, True)
    await world.worker.client.post(f"{url}/publication")
    await _close_window(li["id"])
    assert (await _run_standing(world))["stood"] == 1
    assert await _household_balance(homes.li) == Decimal(0)


async def test_each_household_assesses_a_bounded_number_of_neighbours(world):
    homes = await assessment_world(world, neighbour_quota=1)
    neighbours = await homes.li_member.client.get("/api/v1/me/assessment-neighbours")
    assert neighbours.status_code == 200, neighbours.text
    listed = {n["household_name"]: n for n in neighbours.json()["items"]}
    assert set(listed) == {"王家", "张家"}  # not its own, not another community's
    assert "score" not in listed["王家"]
    first = await homes.li_member.client.post(
        f"/api/v1/assessments/{listed['王家']['assessment_id']}/marks",
        json={"points": full_marks()},
    )
    assert first.status_code == 201, first.text
    second = await homes.li_member.client.post(
        f"/api/v1/assessments/{listed['张家']['assessment_id']}/marks",
        json={"points": full_marks()},
    )
    assert second.json()["code"] == "assessment_quota_reached"
    assert "1" in second.json()["detail"]
    after = (await homes.li_member.client.get("/api/v1/me/assessment-neighbours")).json()
    assert (after["quota"], after["used"]) == (1, 1)


async def test_the_neighbours_are_paged_like_every_list_and_a_forged_cursor_is_refused(world):
    homes = await assessment_world(world, neighbour_quota=1)
    url = "/api/v1/me/assessment-neighbours"
    first = (await homes.li_member.client.get(url, params={"limit": 1})).json()
    assert len(first["items"]) == 1 and first["next_cursor"] and first["quota"] == 1
    second = await homes.li_member.client.get(
        url, params={"limit": 1, "cursor": first["next_cursor"]}
    )
    assert second.json()["next_cursor"] is None and second.json()["quota"] == 1
    names = [n["household_name"] for n in first["items"] + second.json()["items"]]
    assert sorted(names) == ["张家", "王家"]
    forged = await homes.li_member.client.get(url, params={"cursor": "dXV1dXV1"})
    assert forged.status_code == 422 and forged.json()["detail"] == "分页游标无效。"


async def test_marks_are_refused_beyond_an_items_points(world):
    homes = await assessment_world(world)
    wang = await assessment_of(world.worker, homes.wang, homes.period)
    over = await world.resident.client.post(
        f"/api/v1/assessments/{wang['id']}/marks", json={"points": {**full_marks(), "law": 11}}
    )
    assert over.status_code == 422
    assert over.json()["errors"] == [{"field": "points.law", "message": "最多 10 分"}]


async def test_a_resident_reads_only_their_own_households_assessment(world):
    homes = await assessment_world(world)
    zhang = await assessment_of(world.worker, homes.zhang, homes.period)
    mine = (await world.resident.client.get("/api/v1/assessments")).json()["items"]
    assert [a["household_name"] for a in mine] == ["王家"]
    assert (
        await world.resident.client.get(f"/api/v1/assessments/{zhang['id']}")
    ).status_code == 404
    assert (
        await world.other_worker.client.get(f"/api/v1/assessments/{zhang['id']}")
    ).status_code == 404


async def test_the_standard_is_versioned_and_never_changed_in_the_past(world):
    homes = await assessment_world(world)
    past = await world.district_admin.client.post(
        "/api/v1/districts/d1/assessment-standards",
        json={
            **YUYAO_STANDARD,
            "effective_from": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
        },
    )
    assert past.json()["code"] == "retroactive_rules_change", past.text
    wang = await assessment_of(world.worker, homes.wang, homes.period)
    newer = await define(world, neighbour_quota=9)
    assert newer["id"] != wang["standard_id"]
    versions = (await world.resident.client.get("/api/v1/districts/d1/assessment-standards")).json()
    assert versions[0]["id"] == newer["id"]
    still = (await world.worker.client.get(f"/api/v1/assessments/{wang['id']}")).json()
    assert still["standard_id"] == wang["standard_id"]
    assert still["standard"]["neighbour_quota"] == 5


async def test_stars_are_the_best_standing_households_of_a_community(world):
    homes = await assessment_world(world, stars_per_community=1)
    for home, deduction in ((homes.wang, {}), (homes.li, {"law": (5, "违章搭建")})):
        found = await assessment_of(world.worker, home, homes.period)
        url = f"/api/v1/assessments/{found['id']}"
        assert (
            await world.worker.client.post(f"{url}/review", json=review_body(**deduction))
        ).is_success
        assert (await world.worker.client.post(f"{url}/publication")).is_success
        await _close_window(found["id"])
    await _run_standing(world)
    quarter = await world.resident.client.get(
        "/api/v1/assessment-stars", params={"period": homes.period}
    )
    assert quarter.status_code == 200, quarter.text
    (community,) = quarter.json()["communities"]  # a resident: their own community
    assert [(s["household_name"], s["score"], s["rank"]) for s in community["stars"]] == [
        ("王家", 100, 1)
    ]
    year = await world.district_admin.client.get(
        "/api/v1/assessment-stars", params={"period": homes.period[:4] + "Y"}
    )
    by_community = {c["community_name"]: c["stars"] for c in year.json()["communities"]}
    assert by_community == {"一社区": [], "二社区": []}  # a mean of 25 is below 90


async def test_the_console_shows_the_quarters_households_and_a_review_screen(world, app):
    from tests.security.console_session import console_client

    homes = await assessment_world(world)
    wang = await assessment_of(world.worker, homes.wang, homes.period)
    async with console_client(app, "c1-worker", "staff-password-123") as console:
        households = await console.get("/console/assessment")
        assert households.status_code == 200, households.text
        assert "王家" in households.text and "赵家" not in households.text
        screen = await console.get(f"/console/assessment/{wang['id']}")
        assert screen.status_code == 200, screen.text
        assert "文明出行" in screen.text


async def test_a_quarter_opens_once_begun_and_under_a_standard(world):
    from kernel import localtime

    now = localtime.quarter_of(localtime.now())
    without = await world.worker.client.post(
        "/api/v1/assessment-periods", json={"community": "c1", "period": now}
    )
    assert without.json()["code"] == "assessment_no_standard"
    homes = await assessment_world(world)
    year, quarter = int(now[:4]), int(now[5])
    following = f"{year + 1}Q1" if quarter == 4 else f"{year}Q{quarter + 1}"
    early = await world.worker.client.post(
        "/api/v1/assessment-periods", json={"community": "c1", "period": following}
    )
    assert early.json()["code"] == "assessment_period_not_begun"
    again = await world.worker.client.post(
        "/api/v1/assessment-periods", json={"community": "c1", "period": homes.period}
    )
    assert (again.json()["households"], again.json()["opened"]) == (3, 0)
    elsewhere = await world.other_worker.client.post(
        "/api/v1/assessment-periods", json={"community": "c1", "period": homes.period}
    )
    assert elsewhere.json()["code"] == "assessment_unknown_community"
