"""Finding 2 of issue 19: a 391 KB workbook (400,000 rows × 16 numbers) kept the event loop
busy 110 s and a 484 KB one (2,000,000 × 4) 247 s, RSS up to 719 MB; a CSV of newlines was
`201 {"created": 0}`. Against a real service: every bomb (made here, small on disk) is refused
within seconds, naming the limit, while `/healthz` answers fast and the service's memory stays
where it was; the reading happens in a worker process bounded in time and memory."""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import psutil
import pytest

from tests.live_service import LiveService

WORKBOOK_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="units" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
HEADER = (
    '<row><c t="inlineStr"><is><t>code</t></is></c><c t="inlineStr"><is><t>name</t></is></c>'
    '<c t="inlineStr"><is><t>type</t></is></c><c t="inlineStr"><is><t>community</t></is></c>'
    "</row>"
)

pytestmark = pytest.mark.solo  # wall-clock bounds: run alone (scripts/test)


SHARED_STRINGS = {
    "[Content_Types].xml": (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
}


def workbook(
    rows: Iterator[str], *, dimension: str | None = None, shared: str | None = None
) -> bytes:
    """An XLSX whose sheet holds `rows` (XML), written and compressed as it is made: rows
    without `r` attributes repeat exactly, so a huge sheet is a few hundred KB on disk.
    `shared` is the workbook's one shared string (cells `<c t="s"><v>0</v></c>`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in WORKBOOK_PARTS.items():
            if shared is not None and name in SHARED_STRINGS:
                closing = SHARED_STRINGS[name].rsplit("<", 1)[1]
                text = text.removesuffix("<" + closing) + SHARED_STRINGS[name]
            archive.writestr(name, text)
        if shared is not None:
            archive.writestr(
                "xl/sharedStrings.xml",
                '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
                f"<si><t>{shared}</t></si></sst>",
            )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            batch: list[str] = []
            for row in rows:
                batch.append(row)
                if len(batch) == 10_000:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            sheet.write("".join(batch).encode())
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def numbers(count: int, width: int) -> Iterator[str]:
    row = "<row>" + "<c><v>1</v></c>" * width + "</row>"
    return (row for _ in range(count))


def texts(count: int, width: int) -> Iterator[str]:
    row = "<row>" + '<c t="inlineStr"><is><t>u</t></is></c>' * width + "</row>"
    return (row for _ in range(count))


def shared(count: int, width: int) -> Iterator[str]:
    row = "<row>" + '<c t="s"><v>0</v></c>' * width + "</row>"
    return (row for _ in range(count))


def with_header(rows: Iterator[str]) -> Iterator[str]:
    yield HEADER
    yield from rows


BOMBS: dict[str, tuple[Any, int, str]] = {
    # The attack's two workbooks: refused by their unpacked size before they are parsed.
    "400,000 × 16": (
        lambda: workbook(numbers(400_000, 16), dimension="A1:P400000"),
        413,
        "工作簿解压后超过 50 MB",
    ),
    "2,000,000 × 4": (lambda: workbook(numbers(2_000_000, 4)), 413, "工作簿解压后超过 50 MB"),
    # A sheet declaring more rows or columns than allowed is refused before it is parsed.
    "declared 400,000 × 16": (
        lambda: workbook(with_header(texts(10, 4)), dimension="A1:P400000"),
        413,
        "每次最多导入 20,000 行",
    ),
    "declared 16,384 columns": (
        lambda: workbook(with_header(texts(10, 4)), dimension="A1:XFD11"),
        413,
        "最多 64 列",
    ),
    # Within the unpacked limit and claiming two rows: the row limit stops the reading.
    "100,000 units, dimension lying": (
        lambda: workbook(with_header(texts(100_000, 4)), dimension="A1:D2"),
        413,
        "每次最多导入 20,000 行",
    ),
    "one row of 20,000 cells": (lambda: workbook(numbers(1, 20_000)), 413, "最多 64 列"),
    # One jump to the last row a sheet can have, and one further.
    "a million rows skipped": (
        lambda: workbook(with_header(iter(['<row r="1048577"><c><v>1</v></c></row>']))),
        413,
        "文件超过 1,048,576 行（含空行）",
    ),
    # A 45 MB shared string (40 KB on disk), and a 999-character one in 200,000 cells.
    "one cell of 45 MB": (
        lambda: workbook(with_header(shared(1, 1)), shared="a" * 45 * 2**20),
        413,
        "有单元格的内容超过 1,000 个字符",
    ),
    "200,000 cells of 999 characters": (
        lambda: workbook(with_header(shared(20_000, 10)), shared="a" * 999),
        413,
        "文件中的文字超过 10,000,000 个字符",
    ),
    "a CSV of newlines": (lambda: b"\n" * 990_000, 422, "文件中没有任何行"),
    "a CSV with a header only": (
        lambda: b"code,name,type,community\n" + b"\r\n" * 1000,
        422,
        "表头下没有任何单位数据行",
    ),
}


async def _healthz_while(
    service: LiveService, work: asyncio.Task[httpx.Response]
) -> tuple[float, int]:
    """The slowest `/healthz` answer and the service's largest RSS while `work` runs."""
    server = psutil.Process(service.process.pid if service.process else 0)
    slowest, largest = 0.0, server.memory_info().rss
    async with httpx.AsyncClient(base_url=service.base_url, timeout=30) as http:
        while not work.done():
            started = time.perf_counter()
            assert (await http.get("/healthz")).status_code == 200
            slowest = max(slowest, time.perf_counter() - started)
            largest = max(largest, server.memory_info().rss)
            await asyncio.sleep(0.05)
    return slowest, largest


@pytest.fixture
async def service(world, database_url, var_dir, tmp_path) -> Any:
    live = LiveService(database_url, var_dir, tmp_path / "service.log")
    await live.start()
    yield live
    await live.stop()


async def test_spreadsheet_bombs_are_refused_fast_while_the_service_keeps_answering(world, service):
    assert service.process is not None
    baseline = psutil.Process(service.process.pid).memory_info().rss
    headers = {"Authorization": f"Bearer {world.district_admin.token}"}
    async with httpx.AsyncClient(base_url=service.base_url, timeout=120) as http:
        for name, (make, status, limit) in BOMBS.items():
            data = await asyncio.to_thread(make)
            assert len(data) < 1_000_000, (name, len(data))  # small on disk
            started = time.perf_counter()
            work = asyncio.create_task(
                http.post(
                    "/api/v1/oversight/units/import",
                    files={"file": ("units.xlsx", data, "application/octet-stream")},
                    headers=headers,
                )
            )
            slowest, largest = await _healthz_while(service, work)
            answer = await work
            took = time.perf_counter() - started
            assert answer.status_code == status, (name, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
            assert limit in answer.json()["detail"], (name, answer.json())
            assert took < 15, (name, took)  # 0.5-2 s on an idle machine, 5.5 s at load 8
            assert slowest < 1.0, (name, slowest)
            assert largest - baseline < 60 * 1024 * 1024, (name, largest - baseline)
        units = await http.get("/api/v1/oversight/units", headers=headers)
        assert units.json()["items"] == []
    log = service.log_path.read_text(errors="replace")
    assert "Traceback" not in log


async def test_the_worker_is_stopped_at_its_time_bound_and_held_to_its_memory_bound():
    """The bounds themselves, on the kernel's reader: a worker that takes longer is killed,
    one that needs more memory fails in its own process, not in the service's."""
    from kernel.table_reader import MB, TableLimits, TableRefused, read_table

    many = await asyncio.to_thread(workbook, with_header(texts(100_000, 4)))
    started = time.perf_counter()
    with pytest.raises(TableRefused) as slow:
        await read_table(many, TableLimits(seconds=0.3))
    assert (slow.value.reason, slow.value.limit) == ("time", 0.3)
    assert time.perf_counter() - started < 3
    # Its one shared string takes some 150 MB to read; the worker starts in under 60.
    huge = await asyncio.to_thread(workbook, with_header(shared(1, 1)), shared="a" * 45 * MB)
    with pytest.raises(TableRefused) as hungry:
        await read_table(huge, TableLimits(memory_bytes=100 * MB))
    assert (hungry.value.reason, hungry.value.limit) == ("memory", 100)
