"""Fixtures of the quiz: district d1 with its moral bank open, quiz rules and a question bank
of each type."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import World, set_rules_since

RULES = {
    "moral_bank_enabled": True,
    "quiz_questions_per_day": 3,
    "quiz_points_per_correct": 2,
    "quiz_daily_cap": 10,
}


def question(number: int, kind: str = "single", regulation: str = "civility") -> dict[str, Any]:
    if kind == "true_false":
        return {
            "regulation": regulation,
            "kind": kind,
            "text": f"判断题第{number}题：携犬出户应当束犬链。",
            "answer": [0],
            "explanation": "携犬出户应当束犬链（绳）。",
            "article": "第二十条",
        }
    return {
        "regulation": regulation,
        "kind": kind,
        "text": f"选择题第{number}题：行经人行横道应当怎样做？",
        "options": ["加速通过", "停车让行", "鸣笛催促", "绕行"],
        "answer": [1, 3] if kind == "multiple" else [1],
        "explanation": "遇行人正在通过人行横道时，应当停车让行。",
        "article": "第十四条",
    }


async def add_questions(world: World, count: int, **kinds: Any) -> list[dict[str, Any]]:
    made = []
    for number in range(count):
        kind = ("single", "multiple", "true_false")[number % 3]
        response = await world.district_admin.client.post(
            "/api/v1/quiz/questions", json=question(number, kind, **kinds)
        )
        assert response.status_code == 201, response.text
        made.append(response.json())
    return made


def right_answers(attempt: dict[str, Any], bank: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """What a resident who knows the rules would choose (the key read from the staff's bank)."""
    return [
        {"position": q["position"], "chosen": bank[q["question_id"]]["answer"]}
        for q in attempt["questions"]
    ]


@pytest.fixture
async def quiz_world(world: World) -> World:
    """The `world`, with d1's moral bank open and its quiz rules since 2001, and nine
    questions (three of each type)."""
    await set_rules_since("d1", datetime(2001, 1, 1, tzinfo=UTC), **RULES)
    world.extra_bank = {q["id"]: q for q in await add_questions(world, 9)}  # type: ignore[attr-defined]
    return world
