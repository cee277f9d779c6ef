"""Tables written out as CSV or XLSX, streamed: rows arrive in chunks from an async iterator
and leave as bytes, so an export of a year never sits in memory. The console's exports and
a unit's credit record (console and API) both write through here. Text is written as text,
never as a formula, and an export is logged once its last byte has gone out."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import os
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import anyio
from starlette.requests import ClientDisconnect
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send
from tortoise.models import Model
from tortoise.queryset import QuerySet

from kernel.auth import Principal
from kernel.models import ExportLog

log = logging.getLogger("app.exports")
audit_log = logging.getLogger("app.audit")

Row = list[Any]
M = TypeVar("M", bound=Model)
CHUNK = 2000  # rows read at a time
Format = Literal["csv", "xlsx"]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection"): a resident's
# nickname or deed description starting so must reach staff as text, not run on their machine.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


async def chunks(rows: QuerySet[M], first: Any = "") -> AsyncIterator[list[M]]:
    """The rows of an export in id order, CHUNK at a time (keyset: no offset, no growing
    scans); `first` sorts below every id (an empty text, or 0 for whole numbers)."""
    after = first
    while True:
        batch = await rows.filter(id__gt=after).order_by("id").limit(CHUNK)
        if not batch:
            return
        yield batch
        after = batch[-1].pk


async def stream_csv(
    headers: Sequence[str], rows: AsyncIterator[list[Row]]
) -> AsyncGenerator[bytes, None]:
    """UTF-8 with a BOM (spreadsheet programs then read it as UTF-8), chunk by chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    yield "\ufeff".encode() + buffer.getvalue().encode()
    async for chunk in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_cell(value) for value in row] for row in chunk)
        yield buffer.getvalue().encode()


@dataclass(frozen=True)
class Sheet:
    """One worksheet of a workbook: its name (31 characters at most), header and rows."""

    name: str
    headers: Sequence[str]
    rows: AsyncIterator[list[Row]]


def stream_xlsx(
    sheet_name: str, headers: Sequence[str], rows: AsyncIterator[list[Row]]
) -> AsyncGenerator[bytes, None]:
    """A workbook of one sheet."""
    return stream_workbook([Sheet(sheet_name, headers, rows)])


async def stream_workbook(sheets: Sequence[Sheet]) -> AsyncGenerator[bytes, None]:
    """xlsxwriter in constant-memory mode writes row by row to a temporary file (chunks are
    written in a thread), then the file is streamed out and removed. Numbers are number
    cells, everything else a text cell (never a formula or a link); a text beginning like a
    formula also carries Excel's quote prefix, as if typed after an apostrophe, so editing
    the cell keeps it text. Sheets are written one after the other (constant-memory mode
    finishes a sheet when the next begins)."""
    # Imported here: xlsxwriter is slow to import and only exports need it, not startup.
    import xlsxwriter

    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                "in_memory": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        bold = workbook.add_format({"bold": True})
        quoted = workbook.add_format({"quote_prefix": True})
        for one in sheets:
            sheet = workbook.add_worksheet(one.name[:31])
            for column, header in enumerate(one.headers):
                sheet.write_string(0, column, header, bold)
            line = 1

            def write(chunk: list[Row], first: int, sheet: Any = sheet) -> None:
                for offset, row in enumerate(chunk):
                    for column, value in enumerate(row):
                        value = _cell(value)
                        if value is None or value == "":
                            continue
                        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                            sheet.write_number(first + offset, column, value)
                            continue
                        text = str(value)
                        style = quoted if text.startswith(FORMULA_STARTS) else None
                        sheet.write_string(first + offset, column, text, style)

            async for chunk in one.rows:
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
) -> AsyncGenerator[bytes, None]:
    return stream_csv(headers, rows) if fmt == "csv" else stream_xlsx(sheet_name, headers, rows)


def _cell(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _csv_cell(value: Any) -> Any:
    """Numbers stay numbers; a text beginning like a formula gets OWASP's guard, a leading
    apostrophe, which spreadsheet programs show and never evaluate."""
    value = _cell(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


async def logged(
    body: AsyncGenerator[bytes, None],
    who: Principal,
    *,
    kind: str,
    fmt: str,
    date_from: date,
    date_to: date,
) -> AsyncGenerator[bytes, None]:
    """The export's bytes, recorded in the export log (who, what, which period; the
    communities a worker's export covered, empty for a district's) once the last byte has
    been handed to the server and before the response ends: a file that reached its end is
    in the log, and if the log cannot be written the download breaks off short of its end.
    An export abandoned on the way (the client hung up, the server failed) is not in the log,
    which lists delivered exports; it is a warning on the audit log with the bytes sent."""
    sent = 0
    finished = False
    try:
        async with aclosing(body):
            async for data in body:
                sent += len(data)
                yield data
        await ExportLog.create(
            staff_id=who.id,
            district_id=who.district_id,
            communities=",".join(sorted(who.community_ids)),
            kind=kind,
            format=fmt,
            date_from=date_from,
            date_to=date_to,
        )
        finished = True
    finally:
        if not finished:
            audit_log.warning(
                "export abandoned before its end",
                extra={
                    "staff_id": who.id,
                    "kind": kind,
                    "format": fmt,
                    "date_from": date_from.isoformat(),
                    "date_to": date_to.isoformat(),
                    "bytes_sent": sent,
                },
            )


def attachment_header(name: str, fallback: str) -> str:
    """`Content-Disposition` for a download named `name` (Chinese, say) with an ASCII
    `fallback` for clients that read only `filename` (RFC 6266; `filename*` per RFC 8187)."""
    ascii_name = "".join(c for c in fallback if " " <= c <= "~" and c not in '"\\')
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


class Download(StreamingResponse):
    """A streamed export whose body is closed when the response ends, however it ends: one
    abandoned by its client is closed (its temporary file removed, the abandonment audited)
    at once, not whenever the garbage collector finds it. A client gone mid-body (an ASGI 2.4
    server's `send` failing) is the client's abort, not a server error."""

    def __init__(
        self, body: AsyncGenerator[bytes, None], *, media_type: str, headers: Mapping[str, str]
    ) -> None:
        super().__init__(body, media_type=media_type, headers=headers)
        self.stream = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except ClientDisconnect:
            log.info("client closed the connection mid-download on %s", scope["path"])
        finally:
            await self.stream.aclose()
