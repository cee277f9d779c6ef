"""The question bank from a spreadsheet: an XLSX (or CSV) with Chinese headers, read within the
import limits of every table the service reads (`kernel.table_reader`), all rows or none, each
bad row reported by its number; and the template to fill in."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncGenerator
from typing import Any

from pydantic import ValidationError

from kernel import imports, tabular
from kernel.auth import Principal
from kernel.i18n import N_, translate
from kernel.imports import TABLE_TYPES, ImportRejected
from kernel.table_reader import TableLimits
from kernel.validation import FieldMessage
from quiz.models import REGULATIONS, Question, QuestionVersion
from quiz.schemas import MAX_OPTIONS, QuestionIn
from quiz.service import add_question

__all__ = ["TABLE_TYPES", "import_questions", "import_template", "template_disposition"]

LETTERS = "ABCDEF"[:MAX_OPTIONS]
OPTION_COLUMNS = [f"选项{letter}" for letter in LETTERS]
# The template's header, in this order; a file may order its columns as it likes.
HEADER = ["条例", "题型", "题目", *OPTION_COLUMNS, "答案", "解析", "条款"]
FIELDS = {"条例": "regulation", "题型": "kind", "题目": "text", "答案": "answer"}
FIELDS |= {"解析": "explanation", "条款": "article"}
REQUIRED = ("条例", "题型", "题目", "答案", "解析", "条款")
KINDS = {
    "单选": "single",
    "单选题": "single",
    "多选": "multiple",
    "多选题": "multiple",
    "判断": "true_false",
    "判断题": "true_false",
}
TRUE_WORDS = {"正确", "对", "是", "√", "A"}
FALSE_WORDS = {"错误", "错", "否", "×", "B"}
IMPORT_LIMITS = TableLimits(rows=2_000, columns=32)


def _regulation(value: str) -> str:
    """A regulation by its code or its name, with or without 《》."""
    plain = value.strip().strip("《》")
    for code, name in REGULATIONS.items():
        if plain in (code, translate(name, "zh").strip("《》"), name):
            return code
    return value


def answer_of(value: str, kind: str) -> list[int]:
    """The right options a cell names (`A`, `ABD`, `A、C`, full-width letters too; 正确 or 错误
    for true or false); an unknown one is -1, so the question's validation reports it."""
    text = unicodedata.normalize("NFKC", value).strip().upper()
    if kind == "true_false":
        if text in TRUE_WORDS:
            return [0]
        if text in FALSE_WORDS:
            return [1]
        return [-1]
    letters = re.sub(r"[\s,，、;；]", "", text)
    return [LETTERS.index(c) if c in LETTERS else -1 for c in letters]


def _row(cells: dict[str, Any]) -> dict[str, Any]:
    """A row's cells (by header) as a question's fields."""
    text = {k: str(v).strip() for k, v in cells.items()}
    kind = KINDS.get(text.get("题型", ""), text.get("题型", ""))
    return {
        "regulation": _regulation(text.get("条例", "")),
        "kind": kind,
        "text": text.get("题目", ""),
        "options": [text[c] for c in OPTION_COLUMNS if text.get(c)] if kind != "true_false" else [],
        "answer": answer_of(text.get("答案", ""), kind),
        "explanation": text.get("解析", ""),
        "article": text.get("条款", ""),
    }


async def _rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    table = await imports.read_rows(data, IMPORT_LIMITS)
    header = [str(h or "").strip() for h in table[0][1]]
    unknown = [h for h in header if h and h not in HEADER]
    missing = [h for h in REQUIRED if h not in header]
    if unknown or missing:
        raise ImportRejected(
            N_("The first row names the columns: {columns}."),
            columns="、".join(HEADER),
            errors=[
                {
                    "field": "header",
                    "message": FieldMessage(N_("unknown column {column}"), column=h),
                }
                for h in unknown
            ]
            + [
                {
                    "field": "header",
                    "message": FieldMessage(N_("missing column {column}"), column=h),
                }
                for h in missing
            ],
        )
    rows = [
        (number, {h: c for h, c in zip(header, cells, strict=False) if h and c not in (None, "")})
        for number, cells in table[1:]
    ]
    if not rows:
        raise ImportRejected(N_("The file has no questions under its header."))
    return rows


async def import_questions(data: bytes, *, who: Principal) -> int:
    """Adds every question of the file to the district's bank, or none: a bad row, or a
    question the bank (or the file) has already for its regulation, is reported by its row
    number."""
    errors: list[dict[str, str]] = []
    parsed: list[tuple[int, QuestionIn]] = []
    for number, cells in await _rows(data):
        try:
            parsed.append((number, QuestionIn.model_validate(_row(cells))))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                where = ".".join(str(p) for p in error["loc"] if not isinstance(p, int))
                errors.append(
                    {
                        "field": f"row {number}" + (f".{where}" if where else ""),
                        "message": FieldMessage(
                            N_("row {row}: {problem}"), row=number, problem=_problem(error)
                        ),
                    }
                )
    known = await _known_texts(who)
    for number, question in parsed:
        key = (question.regulation, question.text)
        if key in known:
            errors.append(
                {
                    "field": f"row {number}.text",
                    "message": FieldMessage(
                        N_("row {row}: the bank has this question already"), row=number
                    ),
                }
            )
        known.add(key)
    if errors:
        raise ImportRejected(
            N_("{count} row(s) are wrong; nothing was imported."),
            count=len({e["field"].split(".")[0] for e in errors}),
            errors=errors,
        )
    for _number, question in parsed:
        await add_question(question, who=who)
    return len(parsed)


def _problem(error: Any) -> str:
    """What is wrong with a cell, in the reader's language."""
    field = next((str(p) for p in error["loc"] if isinstance(p, str)), "")
    names = {
        "regulation": N_("no such regulation"),
        "kind": N_("the type is 单选, 多选 or 判断"),
        "text": N_("the question is 4 to 500 characters"),
        "options": N_("an option is at most 200 characters"),
        "answer": N_("the answer names options by their letters"),
        "explanation": N_("the explanation is 2 to 1000 characters"),
        "article": N_("the article is 2 to 100 characters"),
    }
    if field in names:
        return translate(names[field])
    return translate(N_("the options and the answer do not fit the type"))


async def _known_texts(who: Principal) -> set[tuple[str, str]]:
    questions = await Question.filter(district_id=who.district_id or "", retired_at=None)
    versions = await QuestionVersion.filter(question_id__in=[q.id for q in questions])
    in_use = {(q.id, q.version): q.regulation for q in questions}
    return {
        (in_use[(v.question_id, v.number)], v.text)
        for v in versions
        if (v.question_id, v.number) in in_use
    }


# --- the template ---------------------------------------------------------------------------

EXAMPLES = [
    [
        "《宁波市文明行为促进条例》",
        "单选",
        "驾驶机动车行经人行横道时，应当怎样做？",
        "加速通过",
        "减速行驶，遇行人正在通过时停车让行",
        "鸣喇叭提示行人让开",
        "",
        "",
        "",
        "B",
        "机动车行经人行横道时应当减速行驶；遇行人正在通过人行横道时，应当停车让行。",
        "第十四条",
    ],
    [
        "《宁波市生活垃圾分类管理条例》",
        "多选",
        "下列哪些属于可回收物？",
        "废纸",
        "废塑料瓶",
        "剩菜剩饭",
        "废金属",
        "",
        "",
        "ABD",
        "废纸、废塑料、废金属等适宜回收利用的生活垃圾属于可回收物；剩菜剩饭属于易腐垃圾。",
        "第二条",
    ],
    [
        "《宁波市养犬管理条例》",
        "判断",
        "携犬出户时，应当为犬只束犬链，由具有完全民事行为能力的人牵领。",
        "",
        "",
        "",
        "",
        "",
        "",
        "正确",
        "携犬出户应当束犬链（绳），并由具有完全民事行为能力的人牵领。",
        "第二十条",
    ],
]
COLUMN_HELP = {
    "条例": N_("The regulation, by its name (sheet of valid values)"),
    "题型": N_("单选, 多选 or 判断"),
    "题目": N_("The question, 4 to 500 characters"),
    "答案": N_("The right options by their letters (A, or ABD); for 判断: 正确 or 错误"),
    "解析": N_("Why: shown with the results"),
    "条款": N_("The article it comes from, as 第十四条"),
}


async def import_template(fmt: tabular.Format) -> AsyncGenerator[bytes, None]:
    """A file to fill in (`kernel.imports.template`): the header and an example of each type;
    an XLSX adds what each column takes and the valid values."""
    option_help = translate(N_("An option of a choice (empty for 判断)"))
    columns = [
        [
            name,
            imports.required(name in REQUIRED),
            translate(COLUMN_HELP[name]) if name in COLUMN_HELP else option_help,
        ]
        for name in HEADER
    ]
    values = [["条例", translate(name, "zh")] for name in REGULATIONS.values()]
    values += [["题型", name] for name in ("单选", "多选", "判断")]
    return imports.template(
        fmt,
        title=translate(N_("Questions")),
        header=HEADER,
        examples=EXAMPLES,
        columns=columns,
        values=values,
    )


def template_disposition(fmt: tabular.Format) -> str:
    name = f"{translate(N_('Quiz questions import template'))}.{fmt}"
    return tabular.attachment_header(name, f"quiz-questions-template.{fmt}")
