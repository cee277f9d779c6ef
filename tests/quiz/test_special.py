"""Special quizzes: opened by a district administrator for a period, taken once by its
residents while open, closed at their end; and what residents get wrong, by community."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from quiz.models import SpecialQuiz
from tests.quiz.conftest import right_answers


def _special(minutes_from_now: int = -1, hours: int = 1, **extra):
    now = datetime.now(UTC)
    opens = now + timedelta(minutes=minutes_from_now)
    return {
        "title": "文明城市我知晓·专项答题",
        "opens_at": opens.isoformat(),
        "closes_at": (opens + timedelta(hours=hours)).isoformat(),
        "questions": 4,
        **extra,
    }


async def _open(world, **extra) -> dict[str, Any]:
    response = await world.district_admin.client.post(
        "/api/v1/quiz/specials", json=_special(**extra)
    )
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_residents_take_an_open_special_quiz_once(quiz_world):
    quiz = await _open(quiz_world)
    assert (quiz["status"], quiz["questions"]) == ("open", 4)
    listed = (await quiz_world.resident.client.get("/api/v1/quiz/specials")).json()
    assert [q["id"] for q in listed["items"]] == [quiz["id"]]
    path = f"/api/v1/quiz/specials/{quiz['id']}/attempts"
    attempt = (await quiz_world.resident.client.post(path)).json()
    assert attempt["kind"] == "special" and attempt["title"] == quiz["title"]
    assert len(attempt["questions"]) == 4 and attempt["results"] is None
    submitted = await quiz_world.resident.client.post(
        f"/api/v1/quiz/attempts/{attempt['id']}/submission",
        json={"answers": right_answers(attempt, quiz_world.extra_bank)},
    )
    assert submitted.json()["correct"] == 4
    again = await quiz_world.resident.client.post(path)
    assert (again.status_code, again.json()["code"]) == (409, "quiz_already_taken")


async def test_a_special_quiz_is_refused_before_it_opens_and_after_it_closes(quiz_world):
    later = await _open(quiz_world, minutes_from_now=60)
    assert later["status"] == "upcoming"
    early = await quiz_world.resident.client.post(f"/api/v1/quiz/specials/{later['id']}/attempts")
    assert (early.status_code, early.json()["code"]) == (409, "quiz_not_open")

    quiz = await _open(quiz_world)
    attempt = (
        await quiz_world.resident.client.post(f"/api/v1/quiz/specials/{quiz['id']}/attempts")
    ).json()
    await SpecialQuiz.filter(id=quiz["id"]).update(
        closes_at=datetime.now(UTC) - timedelta(seconds=1)
    )

    late = await quiz_world.resident.client.post(
        f"/api/v1/quiz/attempts/{attempt['id']}/submission",
        json={"answers": right_answers(attempt, quiz_world.extra_bank)},
    )
    assert (late.status_code, late.json()["code"]) == (409, "quiz_closed")
    other = await quiz_world.new_resident("o-late")
    start = await other.client.post(f"/api/v1/quiz/specials/{quiz['id']}/attempts")
    assert (start.status_code, start.json()["code"]) == (409, "quiz_closed")
    shown = (await quiz_world.resident.client.get(f"/api/v1/quiz/specials/{quiz['id']}")).json()
    assert shown["status"] == "closed"


async def test_a_special_quiz_belongs_to_its_district(quiz_world):
    quiz = await _open(quiz_world)
    theirs = await quiz_world.other_resident.client.post(
        f"/api/v1/quiz/specials/{quiz['id']}/attempts"
    )
    assert theirs.status_code == 404
    assert (await quiz_world.other_resident.client.get("/api/v1/quiz/specials")).json()[
        "items"
    ] == []
    worker = await quiz_world.worker.client.post("/api/v1/quiz/specials", json=_special())
    assert worker.status_code == 403


async def test_a_special_quiz_needs_enough_questions_and_a_future_end(quiz_world):
    too_many = await quiz_world.district_admin.client.post(
        "/api/v1/quiz/specials", json=_special(questions=40)
    )
    assert (too_many.status_code, too_many.json()["code"]) == (409, "not_enough_questions")
    past = await quiz_world.district_admin.client.post(
        "/api/v1/quiz/specials", json=_special(minutes_from_now=-180)
    )
    assert (past.status_code, past.json()["code"]) == (422, "invalid_quiz")
    by_regulation = await quiz_world.district_admin.client.post(
        "/api/v1/quiz/specials", json=_special(questions=1, regulation="dogs")
    )
    assert by_regulation.json()["code"] == "not_enough_questions"


async def test_staff_see_which_questions_each_community_gets_wrong(quiz_world):
    c1 = quiz_world.resident
    c2 = await quiz_world.new_resident("o-c2", "d1/c2")
    quiz = await _open(quiz_world)
    for resident, right in ((c1, True), (c2, False)):
        attempt = (
            await resident.client.post(f"/api/v1/quiz/specials/{quiz['id']}/attempts")
        ).json()
        answers = right_answers(attempt, quiz_world.extra_bank)
        if not right:
            answers = [{"position": a["position"], "chosen": []} for a in answers]
        await resident.client.post(
            f"/api/v1/quiz/attempts/{attempt['id']}/submission", json={"answers": answers}
        )

    admin = (await quiz_world.district_admin.client.get("/api/v1/quiz/stats")).json()
    assert len(admin["items"]) == 8
    assert [(i["community"], i["correct_rate"]) for i in admin["items"][:4]] == [("c2", 0.0)] * 4
    assert {(i["community_name"], i["answered"], i["correct"]) for i in admin["items"][4:]} == {
        ("一社区", 1, 1)
    }
    assert all(i["text"] and i["article"] for i in admin["items"])
    worker = (await quiz_world.worker.client.get("/api/v1/quiz/stats")).json()
    assert {i["community"] for i in worker["items"]} == {"c1"}
    other = (await quiz_world.other_worker.client.get("/api/v1/quiz/stats")).json()
    assert other["items"] == []
    none = await quiz_world.district_admin.client.get("/api/v1/quiz/stats?regulation=dogs")
    assert none.json()["items"] == []


async def _campaign(world, district_id: str, days: tuple[int, int] = (-1, 30)) -> str:
    from campaigns.models import Campaign
    from kernel import localtime

    today = localtime.today()
    campaign = await Campaign.create(
        district_id=district_id,
        title="文明城市我知晓",
        starts_on=today + timedelta(days=days[0]),
        ends_on=today + timedelta(days=days[1]),
        created_by="staff:test",
    )
    return campaign.id


async def test_a_special_quiz_of_a_campaign_counts_each_completion_toward_it(quiz_world):
    from campaigns.models import CampaignQuizCompletion

    campaign_id = await _campaign(quiz_world, quiz_world.district_id)
    quiz = await _open(quiz_world, campaign_id=campaign_id)
    assert quiz["campaign_id"] == campaign_id
    attempt = (
        await quiz_world.resident.client.post(f"/api/v1/quiz/specials/{quiz['id']}/attempts")
    ).json()
    await quiz_world.resident.client.post(
        f"/api/v1/quiz/attempts/{attempt['id']}/submission", json={"answers": []}
    )
    counted = await CampaignQuizCompletion.filter(campaign_id=campaign_id)
    assert [(c.attempt_id, c.resident_id) for c in counted] == [
        (attempt["id"], quiz_world.resident.id)
    ]


async def test_a_special_quiz_takes_only_a_campaign_of_its_district_and_period(quiz_world):
    theirs = await _campaign(quiz_world, quiz_world.other_district_id)
    refused = await quiz_world.district_admin.client.post(
        "/api/v1/quiz/specials", json=_special(campaign_id=theirs)
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_quiz")
    short = await _campaign(quiz_world, quiz_world.district_id, days=(-1, 0))
    outside = await quiz_world.district_admin.client.post(
        "/api/v1/quiz/specials", json=_special(hours=72, campaign_id=short)
    )
    assert (outside.status_code, outside.json()["code"]) == (422, "invalid_quiz")
    assert "主题活动期间" in outside.json()["detail"]
