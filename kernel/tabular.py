"""Tables written out as CSV or XLSX, streamed: rows arrive in chunks from an async iterator
and leave as bytes, so an export of a year never sits in memory. The console's exports and
a unit's credit record (console and API) both write through here."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import tempfile
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any, Literal

import anyio

from kernel.auth import Principal
from kernel.models import ExportLog

Row = list[Any]
Format = Literal["csv", "xlsx"]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


async def stream_csv(
    headers: Sequence[str], rows: AsyncIterator[list[Row]]
) -> AsyncIterator[bytes]:
    """UTF-8 with a BOM (spreadsheet programs then read it as UTF-8), chunk by chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    yield "\ufeff".encode() + buffer.getvalue().encode()
    async for chunk in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(chunk)
        yield buffer.getvalue().encode()


async def stream_xlsx(
    sheet_name: str, headers: Sequence[str], rows: AsyncIterator[list[Row]]
) -> AsyncIterator[bytes]:
    """xlsxwriter in constant-memory mode writes row by row to a temporary file (chunks are
    written in a thread), then the file is streamed out and removed."""
    # Imported here: xlsxwriter is slow to import and only exports need it, not startup.
    import xlsxwriter

    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "in_memory": False})
        sheet = workbook.add_worksheet(sheet_name[:31])
        bold = workbook.add_format({"bold": True})
        sheet.write_row(0, 0, list(headers), bold)
        line = 1

        def write(chunk: list[Row], first: int) -> None:
            for offset, row in enumerate(chunk):
                sheet.write_row(first + offset, 0, [_cell(v) for v in row])

        async for chunk in rows:
            await asyncio.to_thread(write, chunk, line)
            line += len(chunk)
        await asyncio.to_thread(workbook.close)
        async with await anyio.open_file(path, "rb") as done:
            while data := await done.read(64 * 1024):
                yield data
    finally:
        os.unlink(path)


def stream(
    fmt: Format, sheet_name: str, headers: Sequence[str], rows: AsyncIterator[list[Row]]
) -> AsyncIterator[bytes]:
    return stream_csv(headers, rows) if fmt == "csv" else stream_xlsx(sheet_name, headers, rows)


def _cell(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


async def record_export(
    who: Principal, *, kind: str, fmt: str, date_from: date, date_to: date
) -> None:
    """Records who exported what, of which period (the communities a worker's export covered,
    empty for a district's), before the first byte leaves."""
    await ExportLog.create(
        staff_id=who.id,
        district_id=who.district_id,
        communities=",".join(sorted(who.community_ids)),
        kind=kind,
        format=fmt,
        date_from=date_from,
        date_to=date_to,
    )
