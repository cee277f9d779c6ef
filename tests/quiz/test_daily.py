"""The daily quiz: drawn without the answer key, taken once, checked on the server, timed,
credited under the day's cap (which holds when submissions race), kept in the history."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

from kernel import localtime
from quiz.models import Answer, Attempt, SpecialQuiz
from tests.quiz.conftest import question, right_answers

KEY_FIELDS = {"answer", "explanation", "article", "is_correct", "chosen"}


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


async def _credits(actor) -> float:
    return float((await actor.client.get("/api/v1/me/credits")).json()["balance"])


async def test_the_daily_quiz_never_sends_the_answer_key_before_the_answers(quiz_world):
    response = await quiz_world.resident.client.post("/api/v1/quiz/daily")
    assert response.status_code == 201, response.text
    attempt = response.json()
    assert len(attempt["questions"]) == 3
    assert attempt["results"] is None and attempt["submitted_at"] is None
    assert not (_keys(attempt["questions"]) & KEY_FIELDS)
    for shown in attempt["questions"]:
        key = quiz_world.extra_bank[shown["question_id"]]
        assert key["explanation"] not in response.text
        assert "answer" not in json.dumps(shown)
    again = await quiz_world.resident.client.get(f"/api/v1/me/quiz/attempts/{attempt['id']}")
    assert again.json()["results"] is None
    assert not (_keys(again.json()["questions"]) & KEY_FIELDS)


async def test_reopening_the_day_s_quiz_shows_the_same_questions(quiz_world):
    first = (await quiz_world.resident.client.post("/api/v1/quiz/daily")).json()
    second = (await quiz_world.resident.client.post("/api/v1/quiz/daily")).json()
    assert second["id"] == first["id"]
    assert second["questions"] == first["questions"]
    assert second["started_at"] == first["started_at"]


async def test_a_right_quiz_earns_its_points_once_and_a_second_attempt_is_refused(quiz_world):
    resident = quiz_world.resident
    attempt = (await resident.client.post("/api/v1/quiz/daily")).json()
    answers = right_answers(attempt, quiz_world.extra_bank)
    answers[0]["chosen"] = [1] if answers[0]["chosen"] == [0] else [0]  # one wrong
    path = f"/api/v1/quiz/attempts/{attempt['id']}/submission"

    result = await resident.client.post(path, json={"answers": answers})

    assert result.status_code == 200, result.text
    body = result.json()
    assert (body["correct"], body["total"], body["points"]) == (2, 3, 4)
    assert body["seconds"] >= 0 and body["submitted_at"]
    assert [r["is_correct"] for r in body["results"]] == [False, True, True]
    assert all(r["explanation"] and r["article"] for r in body["results"])
    assert await _credits(resident) == 4
    again = await resident.client.post(path, json={"answers": answers})
    assert (again.status_code, again.json()["code"]) == (409, "attempt_already_submitted")
    retake = await resident.client.post("/api/v1/quiz/daily")
    assert (retake.status_code, retake.json()["code"]) == (409, "quiz_already_taken")
    assert await _credits(resident) == 4


async def test_an_answer_to_an_option_the_question_lacks_is_refused(quiz_world):
    attempt = (await quiz_world.resident.client.post("/api/v1/quiz/daily")).json()
    response = await quiz_world.resident.client.post(
        f"/api/v1/quiz/attempts/{attempt['id']}/submission",
        json={"answers": [{"position": 0, "chosen": [7]}]},
    )
    assert (response.status_code, response.json()["code"]) == (422, "invalid_answers")
    assert "题" in response.json()["detail"]


async def test_the_history_shows_each_quiz_with_its_explanations(quiz_world):
    resident = quiz_world.resident
    attempt = (await resident.client.post("/api/v1/quiz/daily")).json()
    await resident.client.post(
        f"/api/v1/quiz/attempts/{attempt['id']}/submission",
        json={"answers": right_answers(attempt, quiz_world.extra_bank)},
    )
    history = (await resident.client.get("/api/v1/me/quiz/attempts")).json()
    assert history["items"][0]["title"] == f"{localtime.today().isoformat()} 每日答题"
    assert [(a["id"], a["correct"], a["points"]) for a in history["items"]] == [
        (attempt["id"], 3, 6)
    ]
    detail = (await resident.client.get(f"/api/v1/me/quiz/attempts/{attempt['id']}")).json()
    assert [r["explanation"] for r in detail["results"]] == [
        quiz_world.extra_bank[q["question_id"]]["explanation"] for q in detail["questions"]
    ]
    theirs = await quiz_world.other_resident.client.get(f"/api/v1/me/quiz/attempts/{attempt['id']}")
    assert theirs.status_code == 404


async def _move_to_yesterday(attempt_id: str, days: int = 1) -> None:
    """Makes an attempt one of an earlier day, as if taken then."""
    attempt = await Attempt.get(id=attempt_id)
    earlier = attempt.started_at - timedelta(days=days)
    attempt.slot = f"daily:{localtime.local_date(earlier).isoformat()}"
    attempt.started_at = earlier
    await attempt.save()
    await Answer.filter(attempt_id=attempt_id).update(shown_at=earlier)


async def test_the_daily_draw_repeats_no_question_of_the_last_days(quiz_world):
    resident = quiz_world.resident
    seen: list[str] = []
    for day in (3, 2, 1):
        attempt = (await resident.client.post("/api/v1/quiz/daily")).json()
        seen += [q["question_id"] for q in attempt["questions"]]
        await resident.client.post(
            f"/api/v1/quiz/attempts/{attempt['id']}/submission", json={"answers": []}
        )
        await _move_to_yesterday(attempt["id"], day)
    assert len(set(seen)) == 9  # three days, nine different questions
    fourth = (await resident.client.post("/api/v1/quiz/daily")).json()
    # All nine were seen: the longest unseen come back first (three days ago).
    assert {q["question_id"] for q in fourth["questions"]} == set(seen[:3])


async def test_a_changed_question_leaves_past_answers_as_they_were(quiz_world):
    resident, admin = quiz_world.resident, quiz_world.district_admin
    attempt = (await resident.client.post("/api/v1/quiz/daily")).json()
    await resident.client.post(
        f"/api/v1/quiz/attempts/{attempt['id']}/submission",
        json={"answers": right_answers(attempt, quiz_world.extra_bank)},
    )
    changed_id = attempt["questions"][0]["question_id"]
    before = quiz_world.extra_bank[changed_id]
    new = {**question(99), "text": "修改后的题目：斑马线前应当怎样做？", "answer": [2]}
    response = await admin.client.post(f"/api/v1/quiz/questions/{changed_id}/versions", json=new)
    assert response.status_code == 201, response.text
    assert (response.json()["version"], response.json()["text"]) == (2, new["text"])

    detail = (await resident.client.get(f"/api/v1/me/quiz/attempts/{attempt['id']}")).json()
    assert detail["questions"][0]["text"] == before["text"]
    assert detail["results"][0]["answer"] == before["answer"]
    assert detail["results"][0]["is_correct"] is True
    assert detail["correct"] == 3


async def test_without_a_community_there_is_no_quiz(quiz_world):
    from accounts.models import Resident

    lone = await Resident.create(openid="o-lone", nickname="无社区")
    actor = await quiz_world.actor("resident", lone.id, "resident")
    response = await actor.client.post("/api/v1/quiz/daily")
    assert (response.status_code, response.json()["code"]) == (409, "quiz_needs_community")


async def test_racing_submissions_of_one_attempt_count_once(quiz_world):
    resident = quiz_world.resident
    attempt = (await resident.client.post("/api/v1/quiz/daily")).json()
    answers = right_answers(attempt, quiz_world.extra_bank)
    path = f"/api/v1/quiz/attempts/{attempt['id']}/submission"

    responses = await asyncio.gather(
        *(resident.client.post(path, json={"answers": answers}) for _ in range(6))
    )

    outcomes = Counter(
        r.json()["code"] if r.status_code >= 400 else r.status_code for r in responses
    )
    assert outcomes == {200: 1, "attempt_already_submitted": 5}
    assert await _credits(resident) == 6


async def test_the_daily_cap_holds_when_quizzes_are_submitted_at_once(quiz_world):
    """Four quizzes of three right answers at 2 credits each would earn 24; the day's cap of
    quiz credits is 10, and parallel submissions post exactly 10."""
    resident, admin = quiz_world.resident, quiz_world.district_admin
    now = datetime.now(UTC)
    attempts = [(await resident.client.post("/api/v1/quiz/daily")).json()]
    for number in range(3):
        special = await admin.client.post(
            "/api/v1/quiz/specials",
            json={
                "title": f"专项答题{number}",
                "opens_at": (now - timedelta(minutes=1)).isoformat(),
                "closes_at": (now + timedelta(hours=1)).isoformat(),
                "questions": 3,
            },
        )
        assert special.status_code == 201, special.text
        started = await resident.client.post(
            f"/api/v1/quiz/specials/{special.json()['id']}/attempts"
        )
        assert started.status_code == 201, started.text
        attempts.append(started.json())

    responses = await asyncio.gather(
        *(
            resident.client.post(
                f"/api/v1/quiz/attempts/{a['id']}/submission",
                json={"answers": right_answers(a, quiz_world.extra_bank)},
            )
            for a in attempts
        )
    )

    assert [r.status_code for r in responses] == [200] * 4
    assert all(r.json()["correct"] == 3 for r in responses)
    assert sum(r.json()["points"] for r in responses) == 10
    assert await _credits(resident) == 10
    assert await SpecialQuiz.all().count() == 3
