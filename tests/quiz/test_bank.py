"""The question bank: questions added and changed in versions by the district, imported from a
spreadsheet with Chinese headers (all rows or none, bad rows reported by number, bombs refused),
and the template that imports as it is."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook

from tests.quiz.conftest import question
from tests.security.test_import_bombs import texts, with_header, workbook

IMPORT = "/api/v1/quiz/questions/import"
HEADER = ["条例", "题型", "题目", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "条款"]
GOOD = [
    [
        "《宁波市文明行为促进条例》",
        "单选",
        "公共场所就餐时，提倡使用什么？",
        "公筷公勺",
        "个人筷子",
        "",
        "",
        "A",
        "提倡使用公筷公勺、分餐。",
        "第十二条",
    ],
    [
        "宁波市生活垃圾分类管理条例",
        "多选题",
        "下列哪些属于有害垃圾？",
        "废电池",
        "废灯管",
        "菜叶",
        "过期药品",
        "A、B、D",
        "废电池、废灯管、过期药品属于有害垃圾。",
        "第二条",
    ],
    [
        "《宁波市养犬管理条例》",
        "判断",
        "携犬出户可以不牵犬绳。",
        "",
        "",
        "",
        "",
        "错误",
        "携犬出户应当束犬链（绳）。",
        "第二十条",
    ],
]


def _xlsx(rows: Sequence[Sequence[Any]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _import(actor, data: bytes, name: str = "题库.xlsx"):
    return await actor.client.post(
        IMPORT,
        files={
            "file": (
                name,
                data,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        },
    )


async def _bank(world) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (
        await world.district_admin.client.get("/api/v1/quiz/questions")
    ).json()["items"]
    return found


async def test_a_workbook_with_chinese_headers_fills_the_bank(world):
    response = await _import(world.district_admin, _xlsx(GOOD))
    assert response.status_code == 201, response.text
    assert response.json() == {"created": 3}
    found = {q["text"]: q for q in await _bank(world)}
    single = found["公共场所就餐时，提倡使用什么？"]
    assert (single["regulation"], single["kind"], single["answer"]) == ("civility", "single", [0])
    assert single["regulation_name"] == "《宁波市文明行为促进条例》"
    assert found["下列哪些属于有害垃圾？"]["answer"] == [0, 1, 3]
    true_false = found["携犬出户可以不牵犬绳。"]
    assert (true_false["options"], true_false["answer"]) == (["正确", "错误"], [1])
    assert true_false["article"] == "第二十条"


async def test_bad_rows_are_reported_by_number_and_nothing_is_imported(world):
    await world.district_admin.client.post("/api/v1/quiz/questions", json=question(1))
    rows = [
        *GOOD,
        [
            "《宁波市不存在条例》",
            "单选",
            "一道不存在条例的题目？",
            "甲",
            "乙",
            "",
            "",
            "A",
            "解析文字",
            "第一条",
        ],
        [
            "《宁波市养犬管理条例》",
            "单选",
            "只有一个选项的单选题？",
            "甲",
            "",
            "",
            "",
            "A",
            "解析文字",
            "第一条",
        ],
        [
            "《宁波市养犬管理条例》",
            "多选",
            "答案字母超出选项的题目？",
            "甲",
            "乙",
            "",
            "",
            "AE",
            "解析",
            "第一条",
        ],
        [
            "《宁波市文明行为促进条例》",
            "单选",
            question(1)["text"],
            "甲",
            "乙",
            "",
            "",
            "A",
            "解析",
            "第一条",
        ],
    ]
    response = await _import(world.district_admin, _xlsx(rows))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "import_rejected"
    assert problem["detail"] == "有 4 行数据有误,未导入任何数据。"
    rows_named = {e["field"].split(".")[0] for e in problem["errors"]}
    assert rows_named == {"row 5", "row 6", "row 7", "row 8"}
    messages = " ".join(e["message"] for e in problem["errors"])
    assert "第 5 行：没有这部条例" in messages and "第 8 行：题库中已有这道题" in messages
    assert len(await _bank(world)) == 1


async def test_unknown_or_missing_columns_name_the_template_s_header(world):
    response = await _import(world.district_admin, _xlsx([["x"]], header=["题目", "备注"]))
    assert response.status_code == 422
    body = response.json()
    assert "条例、题型、题目" in body["detail"]
    assert {e["message"] for e in body["errors"]} >= {"未知的列 备注", "缺少列“条例”"}


async def test_the_template_downloaded_imports_as_it_is(world):
    admin = world.district_admin
    answer = await admin.client.get("/api/v1/quiz/questions/import-template")
    assert answer.status_code == 200, answer.text
    assert "filename*=UTF-8''" in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    questions, columns, values = book.worksheets
    assert [c.value for c in questions[1]][:3] == ["条例", "题型", "题目"]
    assert [c.value for c in columns["A"]][1:4] == ["条例", "题型", "题目"]
    assert "《宁波市公筷使用规定》" in [c.value for c in values["B"]]
    response = await _import(admin, answer.content)
    assert response.status_code == 201, response.text
    assert response.json() == {"created": 3}
    csv = await admin.client.get("/api/v1/quiz/questions/import-template?format=csv")
    assert csv.text.lstrip("\ufeff").startswith("条例,题型,题目")


async def test_a_workbook_bomb_is_refused_by_the_import_s_limits(world):
    declared = workbook(with_header(texts(10, 4)), dimension="A1:P400000")
    response = await _import(world.district_admin, declared)
    assert (response.status_code, response.json()["code"]) == (413, "import_too_large")
    assert "2,000" in response.json()["detail"]


async def test_only_the_district_admin_changes_the_bank_and_only_their_own(world):
    created = await world.district_admin.client.post("/api/v1/quiz/questions", json=question(1))
    question_id = created.json()["id"]
    refused = await world.worker.client.post("/api/v1/quiz/questions", json=question(2))
    assert refused.status_code == 403
    assert (await world.resident.client.get("/api/v1/quiz/questions")).status_code == 403
    other = await world.other_worker.client.get(f"/api/v1/quiz/questions/{question_id}")
    assert other.status_code == 404
    mine = await world.worker.client.get(f"/api/v1/quiz/questions/{question_id}")
    assert mine.json()["answer"] == [1]


async def test_a_question_s_answer_must_fit_its_type(world):
    bad = {**question(1, "multiple"), "answer": [1]}
    response = await world.district_admin.client.post("/api/v1/quiz/questions", json=bad)
    assert response.status_code == 422
    assert "多选题至少有两个正确选项" in response.text


async def test_a_retired_question_is_no_longer_drawn(world):
    from datetime import UTC, datetime

    from tests.conftest import set_rules_since

    await set_rules_since("d1", datetime(2001, 1, 1, tzinfo=UTC), quiz_questions_per_day=2)
    ids = []
    for number in range(2):
        made = await world.district_admin.client.post(
            "/api/v1/quiz/questions", json=question(number)
        )
        ids.append(made.json()["id"])
    retired = await world.district_admin.client.post(f"/api/v1/quiz/questions/{ids[0]}/retire")
    assert retired.json()["retired"] is True
    attempt = (await world.resident.client.post("/api/v1/quiz/daily")).json()
    assert [q["question_id"] for q in attempt["questions"]] == [ids[1]]
