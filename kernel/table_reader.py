"""Reading an uploaded table (CSV or XLSX) into rows in a worker process bounded in time and
memory: reading stops at the row and column limits as it goes, a workbook whose declared size
is a bomb is refused before it is parsed, and the service's event loop never parses a file.

Run as `python -m kernel.table_reader '<limits as JSON>'` the module is that worker: the file
on stdin, the rows (or the limit it hit) as JSON on stdout. Only the standard library and
openpyxl are imported there."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import math
import resource
import signal
import sys
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

Reason = Literal[
    "rows",
    "columns",
    "lines",
    "cell",
    "characters",
    "unpacked",
    "time",
    "memory",
    "busy",
    "not_utf8",
    "unreadable",
]
# (the row's number in the file, its cells): blank rows are left out, numbers kept.
Row = tuple[int, list[Any]]
ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
# Files read at once by one process; each worker may take `memory_bytes`.
CONCURRENT_READS = 2


@dataclass(frozen=True)
class TableLimits:
    """What an uploaded table may hold and cost. `rows` counts the rows with something in them
    after the header; `lines` every row read, blank ones included (a worksheet's own maximum:
    an XLSX may skip a million rows in one jump); `cell_characters` and `characters` bound the
    text of one cell and of all (a workbook's shared string may be a megabyte, or used by
    every cell); `unpacked_bytes` is every member of an XLSX uncompressed, as its zip
    directory declares them (and Python's zip reader holds them to)."""

    rows: int = 20_000
    columns: int = 64
    lines: int = 1_048_576
    cell_characters: int = 1_000
    characters: int = 10_000_000
    unpacked_bytes: int = 50 * MB
    seconds: float = 20.0
    memory_bytes: int = 768 * MB


class TableRefused(Exception):
    """The table was not read: which limit it hit (and the limit: a count, seconds or MB), or
    why it is unreadable."""

    def __init__(self, reason: Reason, limit: float | None = None) -> None:
        super().__init__(f"{reason} ({limit})" if limit is not None else reason)
        self.reason: Reason = reason
        self.limit = limit


_reading = 0


async def read_table(data: bytes, limits: TableLimits) -> list[Row]:
    """The file's rows with something in them (the header first), read by a worker process
    that is killed once it takes longer than `limits.seconds`."""
    global _reading
    if _reading >= CONCURRENT_READS:
        raise TableRefused("busy", CONCURRENT_READS)
    _reading += 1
    try:
        return await _in_worker(data, limits)
    finally:
        _reading -= 1


async def _in_worker(data: bytes, limits: TableLimits) -> list[Row]:
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kernel.table_reader",
        json.dumps(asdict(limits)),
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        output, _ = await asyncio.wait_for(worker.communicate(data), timeout=limits.seconds)
    except TimeoutError as exc:
        raise TableRefused("time", limits.seconds) from exc
    finally:
        if worker.returncode is None:  # timed out, or the request was cancelled
            with contextlib.suppress(ProcessLookupError):
                worker.kill()
            await worker.wait()
    if worker.returncode == -signal.SIGXCPU:
        raise TableRefused("time", limits.seconds)
    try:
        answer = json.loads(output)
    except ValueError as exc:
        if worker.returncode is not None and worker.returncode < 0:  # killed: out of memory
            raise TableRefused("memory", limits.memory_bytes // MB) from exc
        raise TableRefused("unreadable") from exc
    if "refused" in answer:
        raise TableRefused(answer["refused"], answer.get("limit"))
    return [(int(number), list(cells)) for number, cells in answer["rows"]]


def read_rows(data: bytes, limits: TableLimits) -> list[Row]:
    """What the worker does: the rows of a CSV (UTF-8, with or without BOM) or an XLSX file's
    first sheet, stopping at the first limit reached."""
    rows = _xlsx(data, limits) if data.startswith(b"PK") else _csv(data)
    kept: list[Row] = []
    characters = 0
    for number, cells in enumerate(rows, start=1):
        if number > limits.lines:
            raise TableRefused("lines", limits.lines)
        width = _width(cells)
        if width > limits.columns:
            raise TableRefused("columns", limits.columns)
        if width == 0:
            continue
        if len(kept) > limits.rows:  # the header and `rows` rows are kept already
            raise TableRefused("rows", limits.rows)
        plain = [_plain(cell) for cell in cells[:width]]
        for cell in plain:
            length = len(cell) if isinstance(cell, str) else 0
            if length > limits.cell_characters:
                raise TableRefused("cell", limits.cell_characters)
            characters += length
        if characters > limits.characters:
            raise TableRefused("characters", limits.characters)
        kept.append((number, plain))
    return kept


def _width(cells: Sequence[Any]) -> int:
    """The cells up to the last one with something in it."""
    for index in range(len(cells) - 1, -1, -1):
        cell = cells[index]
        if cell is not None and str(cell).strip() != "":
            return index + 1
    return 0


def _plain(cell: Any) -> Any:
    return cell if cell is None or isinstance(cell, str | int | float) else str(cell)


def _csv(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableRefused("not_utf8") from exc
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as exc:
        raise TableRefused("unreadable") from exc


def _xlsx(data: bytes, limits: TableLimits) -> Iterator[Sequence[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TableRefused("unreadable") from exc
    if unpacked > limits.unpacked_bytes:
        raise TableRefused("unpacked", limits.unpacked_bytes // MB)
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises whatever its parsers raise on a broken file
        raise TableRefused("unreadable") from exc
    if not isinstance(sheet, ReadOnlyWorksheet):
        raise TableRefused("unreadable")
    # The size the sheet declares (its <dimension>): too big is refused before parsing; then
    # it is forgotten, since a sheet may declare less than it holds and openpyxl would stop.
    if (sheet.max_row or 0) > limits.rows + 1:
        raise TableRefused("rows", limits.rows)
    if (sheet.max_column or 0) > limits.columns:
        raise TableRefused("columns", limits.columns)
    sheet.reset_dimensions()
    try:
        yield from sheet.iter_rows(values_only=True)
    except MemoryError:
        raise
    except Exception as exc:
        raise TableRefused("unreadable") from exc


def _work(limits: TableLimits) -> str:
    """The worker's answer, as JSON text."""
    memory = limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = math.ceil(limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    warnings.simplefilter("ignore")  # openpyxl's remarks on styles it does not know
    try:
        rows = read_rows(sys.stdin.buffer.read(), limits)
        return json.dumps({"rows": rows}, ensure_ascii=False)
    except TableRefused as refused:
        return json.dumps({"refused": refused.reason, "limit": refused.limit})
    except MemoryError:
        return json.dumps({"refused": "memory", "limit": memory // MB})


if __name__ == "__main__":
    sys.stdout.buffer.write(_work(TableLimits(**json.loads(sys.argv[1]))).encode())
