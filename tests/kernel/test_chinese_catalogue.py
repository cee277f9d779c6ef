"""Nothing English leaks to residents: every error title and every marked message has a
Chinese translation with the same fields, and error details come in the reader's language
while the stable `code` stays the same."""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

from kernel.errors import Problem
from kernel.i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]
NOT_CODE = {"tests", "migrations", "bench", "locale", "docs", "scripts", "var"}


def _problem_classes() -> Iterator[type[Problem]]:
    from app.main import create_app  # noqa: F401  (imports every domain and its errors)

    pending = [Problem]
    while pending:
        cls = pending.pop()
        yield cls
        pending.extend(cls.__subclasses__())


def _marked_messages() -> Iterator[tuple[str, str]]:
    """(file:line, msgid) of every `_("…")` and `N_("…")` in the service's code."""
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in NOT_CODE or parts[0].startswith("."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0].value


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_error_title_has_a_chinese_translation() -> None:
    chinese = catalogue("zh")
    missing = sorted(
        f"{cls.__module__}.{cls.__name__}: {cls.title}"
        for cls in _problem_classes()
        if cls.title not in chinese
    )
    assert missing == []


def test_every_marked_message_has_a_chinese_translation_with_the_same_fields() -> None:
    chinese = catalogue("zh")
    messages = list(_marked_messages())
    assert len(messages) > 100  # the walk found the service's messages
    missing = sorted(f"{where}: {msgid}" for where, msgid in messages if msgid not in chinese)
    assert missing == []
    mismatched = sorted(
        f"{where}: {msgid}"
        for where, msgid in messages
        if msgid in chinese and _fields(chinese[msgid]) != _fields(msgid)
    )
    assert mismatched == []


async def test_an_error_detail_is_chinese_by_default_and_english_when_asked(world) -> None:
    chinese = await world.resident.client.post("/api/v1/rewards/nope/redemptions")
    english = await world.resident.client.post(
        "/api/v1/rewards/nope/redemptions", headers={"Accept-Language": "en"}
    )
    assert chinese.json()["code"] == english.json()["code"] == "reward_not_found"
    assert chinese.json()["detail"] == "没有可供您兑换的奖品 `nope`。"
    assert chinese.json()["title"] == "没有这个奖品"
    assert english.json()["detail"] == "No reward `nope` for you."
    assert english.json()["title"] == "No such reward"


async def test_field_messages_of_a_refusal_are_translated_too(world) -> None:
    response = await world.district_admin.client.patch(
        "/api/v1/districts/d1/settings", json={"credits_per_hour": {"no-such-action": 1}}
    )
    assert response.json()["errors"] == [
        {"field": "credits_per_hour.no-such-action", "message": "没有这项行动"}
    ]


def _validator_messages() -> Iterator[tuple[str, str]]:
    """(file:line, text) of every `raise ValueError("…")` in a schemas module: pydantic shows
    that text as the field's message."""
    for path in sorted(ROOT.rglob("schemas.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in NOT_CODE or parts[0].startswith("."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and isinstance(node.exc.func, ast.Name)
                and node.exc.func.id == "ValueError"
                and node.exc.args
                and isinstance(node.exc.args[0], ast.Constant)
            ):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", str(node.exc.args[0].value)


def test_every_validators_message_has_a_chinese_translation() -> None:
    chinese = catalogue("zh")
    messages = list(_validator_messages())
    assert len(messages) > 10
    assert sorted(f"{where}: {text}" for where, text in messages if text not in chinese) == []


async def test_a_422_names_the_field_in_chinese_by_default_and_in_english_when_asked(world):
    chinese = await world.district_admin.client.post(
        "/api/v1/districts/d1/communities", json={"name": "", "code": 7, "location": {"lat": 1}}
    )
    assert chinese.status_code == 422, chinese.text
    assert chinese.json()["code"] == "validation_failed"
    assert chinese.json()["errors"] == [
        {"field": "code", "message": "应为文本"},
        {"field": "name", "message": "至少 1 个字符"},
        {"field": "location.lng", "message": "必填"},
    ]
    english = await world.district_admin.client.post(
        "/api/v1/districts/d1/communities",
        json={"name": "", "code": 7, "location": {"lat": 1}},
        headers={"Accept-Language": "en"},
    )
    assert english.json()["errors"] == [
        {"field": "code", "message": "must be text"},
        {"field": "name", "message": "at least 1 character(s)"},
        {"field": "location.lng", "message": "required"},
    ]
    staff = await world.district_admin.client.post(
        "/api/v1/staff",
        json={"username": "ab", "password": "short", "role": "boss", "district": "d1"},
    )
    assert {e["field"]: e["message"] for e in staff.json()["errors"]} == {
        "username": "格式不正确",
        "password": "至少 10 个字符",
        "role": "应为以下之一：'worker', 'district_admin', 'platform_admin' or 'evaluator'",
    }
