"""`seed-demo` gives the demo district a question bank of the regulations and a special quiz,
so a demo resident takes a daily quiz at once — once, however often it runs."""

from __future__ import annotations

from app.demo import RESIDENTS, seed
from quiz.models import Question, SpecialQuiz


async def test_a_demo_resident_takes_the_daily_quiz_at_once(app, client):
    await seed("demo-password-2026")
    await seed("demo-password-2026")
    assert await Question.all().count() == 9
    assert {q.regulation for q in await Question.all()} == {"civility", "dogs", "household-waste"}
    assert await SpecialQuiz.all().count() == 1
    login = await client.post("/api/v1/auth/wechat", json={"code": f"dev-{RESIDENTS[0][0]}"})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    daily = await client.post("/api/v1/quiz/daily", headers=headers)
    assert daily.status_code == 201, daily.text
    assert len(daily.json()["questions"]) == 5
    specials = (await client.get("/api/v1/quiz/specials", headers=headers)).json()["items"]
    assert [(s["title"], s["status"]) for s in specials] == [("文明城市我知晓·专项答题", "open")]
