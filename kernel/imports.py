"""A table a district imports (CSV or XLSX: the units it oversees, the quiz's questions), as
every import answers it: read within the limits off the event loop (`kernel.table_reader`),
refused in the reader's words when it is too large or unreadable, and its template to fill
in. What a row must hold is the importing domain's; how a file is refused, and how its
template is laid out, is one rule, here."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from kernel import tabular
from kernel.errors import Invalid, Problem, RateLimited
from kernel.i18n import N_, translate
from kernel.table_reader import Row, TableLimits, TableRefused, read_table

# What an import reads, as its endpoint declares the file.
TABLE_TYPES = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class ImportRejected(Invalid):
    code, title = "import_rejected", N_("Some rows of the file are wrong; nothing was imported")


class ImportTooLarge(Problem):
    status, code, title = 413, "import_too_large", N_("The file is too large to import")


TOO_LARGE = {
    "rows": N_("At most {limit} rows at once."),
    "columns": N_("At most {limit} columns."),
    "lines": N_("The file has more than {limit} rows, blank ones included."),
    "cell": N_("A cell holds more than {limit} characters."),
    "characters": N_("The file holds more than {limit} characters of text."),
    "unpacked": N_("The workbook unpacks to more than {limit} MB."),
    "time": N_("The file was not read within {limit} seconds; split it into smaller files."),
    "memory": N_("Reading the file needs more than {limit} MB; split it into smaller files."),
}
UNREADABLE = {
    "not_utf8": N_("A CSV file must be UTF-8."),
    "unreadable": N_("The file is not a readable CSV or XLSX file."),
}


def refusal(refused: TableRefused) -> Problem:
    """The answer to a file the reader refused: busy (429, try again), too large (413, with
    the limit), or unreadable (422)."""
    if refused.reason == "busy":
        return RateLimited(N_("Other files are being read; try again in a moment."), retry_after=5)
    if refused.reason in TOO_LARGE:
        limit = f"{refused.limit:,.0f}" if refused.limit is not None else "?"
        return ImportTooLarge(TOO_LARGE[refused.reason], limit=limit)
    return ImportRejected(UNREADABLE.get(refused.reason, UNREADABLE["unreadable"]))


async def read_rows(data: bytes, limits: TableLimits) -> list[Row]:
    """The file's rows, each with its row number, the header first; refused (`refusal`) or,
    with no row at all, rejected."""
    try:
        table = await read_table(data, limits)
    except TableRefused as refused:
        raise refusal(refused) from refused
    if not table:
        raise ImportRejected(N_("The file has no rows."))
    return table


def template(
    fmt: tabular.Format,
    *,
    title: str,
    header: list[str],
    examples: list[list[Any]],
    columns: list[list[Any]],
    values: list[list[Any]],
) -> AsyncGenerator[bytes, None]:
    """An import's template: the header and example rows. An XLSX adds a sheet of what each
    column takes (column, required or optional, what to write) and one of the valid values
    (column, value, and its meaning where `values` rows have a third cell)."""
    if fmt == "csv":
        return tabular.stream_csv(header, _once(examples))
    values_header = [translate("Column"), translate("Value")]
    if any(len(row) > 2 for row in values):
        values_header.append(translate("Meaning"))
    columns_header = [
        translate("Column"),
        translate("Required or optional"),
        translate("What to write"),
    ]
    return tabular.stream_workbook(
        [
            tabular.Sheet(title, header, _once(examples)),
            tabular.Sheet(translate("Columns"), columns_header, _once(columns)),
            tabular.Sheet(translate("Valid values"), values_header, _once(values)),
        ]
    )


def required(flag: bool) -> str:
    """The template's word for a column that must, or may, be filled."""
    return translate("Required") if flag else translate("Optional")


async def _once(rows: list[list[Any]]) -> AsyncIterator[list[list[Any]]]:
    yield rows
