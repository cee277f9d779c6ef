"""Every message of the Chinese catalogues, rendered, is Chinese: no English sentence and no
raw code (a status, a role, a field's name) left in it."""

from __future__ import annotations

import string

from kernel.i18n import catalogue
from tests.chinese_text import english_words


def _sample(msgid: str) -> dict[str, int]:
    """A value for each field of a message: a number, as most fields are counts and dates."""
    return {name: 7 for _, name, _, _ in string.Formatter().parse(msgid) if name}


def test_every_chinese_message_rendered_has_no_english_words() -> None:
    chinese = catalogue("zh")
    assert len(chinese) > 1000
    found = {}
    for msgid, text in chinese.items():
        rendered = text if "%(" in text else text.format(**_sample(msgid))
        if words := english_words(rendered):
            found[rendered] = words
    assert found == {}


def test_the_check_finds_an_english_sentence_and_a_raw_code() -> None:
    assert english_words("must be greater than 0") == ["must", "be", "greater", "than"]
    assert english_words("该兑换已处于 fulfilled 状态") == ["fulfilled"]
    assert english_words("此操作需要以下角色之一：worker, district_admin") == [
        "worker",
        "district_admin",
    ]
    assert english_words("请上传 JPEG 图片，字段名为 `file`，日期 {day}") == []


async def test_a_refusal_names_the_status_and_the_roles_in_chinese(world) -> None:
    from tests.activities.conftest import activity_body

    created = await world.worker.client.post("/api/v1/activities", json=activity_body())
    activity = created.json()["id"]
    first = await world.resident.client.post(f"/api/v1/activities/{activity}/enrollments")
    assert first.status_code == 201, first.text
    again = await world.resident.client.post(f"/api/v1/activities/{activity}/enrollments")
    assert again.json()["detail"] == "您已是“已报名”。"
    english = await world.resident.client.post(
        f"/api/v1/activities/{activity}/enrollments", headers={"Accept-Language": "en"}
    )
    assert english.json()["detail"] == "You are Enrolled already."
    refused = await world.resident.client.post("/api/v1/activities", json=activity_body())
    assert refused.status_code == 403
    assert refused.json()["detail"] == "此操作需要以下角色之一：社区工作者、区级管理员。"
