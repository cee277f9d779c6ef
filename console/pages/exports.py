"""Exports of service records, attendances, deeds and credit transactions for a date range,
as CSV or XLSX, streamed in chunks (a year of a district never sits in memory), scoped like
the API's lists, checked before the first byte and recorded (who, what, when) after the last."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.responses import Response

from activities import exports as activity_exports
from console import lookups, names
from console.pages.dashboard import period
from console.web import SECURITY_HEADERS, Ctx, local
from credits import exports as credit_exports
from credits.models import from_units
from kernel import tabular
from kernel.errors import Invalid
from kernel.i18n import N_, translate
from kernel.models import ExportLog

Row = list[Any]


@dataclass(frozen=True)
class Export:
    kind: str
    headers: tuple[str, ...]
    rows: Callable[[Ctx, date, date], AsyncIterator[list[Row]]]


async def _context(
    rows: list[Any], *, activities: bool = True
) -> tuple[dict[str, lookups.Person], dict[str, str], dict[str, Any], dict[str, str]]:
    people = await lookups.people(r.resident_id for r in rows)
    communities = {
        k: c.name for k, c in (await lookups.communities(r.community_id for r in rows)).items()
    }
    titles: dict[str, Any] = {}
    if activities:
        titles = await lookups.activity_titles(r.activity_id for r in rows)
    actions: dict[str, str] = {}
    for district_id in {r.district_id for r in rows}:
        actions.update(await lookups.action_names(district_id))
    return people, communities, titles, actions


def _person(people: dict[str, lookups.Person], resident_id: str) -> tuple[str, str, str]:
    found = people.get(resident_id)
    return (found.nickname, found.real_name, found.phone) if found else ("", "", "")


async def _records(ctx: Ctx, start: date, to: date) -> AsyncIterator[list[Row]]:
    async for batch in activity_exports.service_records(ctx.who, start, to):
        people, communities, titles, actions = await _context(batch)
        yield [
            [
                r.id,
                *_person(people, r.resident_id),
                communities.get(r.community_id, ""),
                titles.get(r.activity_id, ""),
                actions.get(r.action, r.action),
                r.content,
                r.organiser,
                r.served_on,
                float(r.hours),
                translate("Reversal") if r.kind == "reversal" else translate("Record"),
                translate("Yes") if r.backfill else translate("No"),
                r.reason,
                local(r.verified_at),
            ]
            for r in batch
        ]


async def _attendances(ctx: Ctx, start: date, to: date) -> AsyncIterator[list[Row]]:
    async for batch in activity_exports.attendances(ctx.who, start, to):
        people, communities, titles, _actions = await _context(batch)
        yield [
            [
                a.id,
                *_person(people, a.resident_id),
                communities.get(a.community_id, ""),
                titles.get(a.activity_id, ""),
                local(a.checked_in_at),
                local(a.checked_out_at),
                float(a.hours) if a.hours is not None else "",
                names.source(a.source),
                names.status(a.status),
                "；".join(names.flag(f) for f in a.flags),
                a.note,
                a.decision_reason or "",
            ]
            for a in batch
        ]


async def _deeds(ctx: Ctx, start: date, to: date) -> AsyncIterator[list[Row]]:
    async for batch in activity_exports.deeds(ctx.who, start, to):
        people, communities, _titles, actions = await _context(batch, activities=False)
        yield [
            [
                d.id,
                *_person(people, d.resident_id),
                communities.get(d.community_id, ""),
                actions.get(d.action, d.action),
                d.description,
                local(d.occurred_at),
                names.deed_mode(d.mode),
                names.status(d.status),
                "；".join(names.flag(f) for f in d.flags),
                len(d.evidence),
                d.review_reason or "",
            ]
            for d in batch
        ]


TRANSACTION_KINDS = {
    "participation": N_("Earned"),
    "adjust": N_("Adjusted"),
    "hold": N_("Held for a reward"),
    "void": N_("Hold released"),
    "fulfil": N_("Reward handed over"),
    "expire": N_("Expired"),
    "reverse": N_("Reversed"),
}
ACCOUNT_KINDS = {"available": N_("Available"), "held": N_("Held")}


async def _ledger(ctx: Ctx, start: date, to: date) -> AsyncIterator[list[Row]]:
    """The residents' side of every credit transaction: one row per entry."""
    async for batch in credit_exports.resident_entries(ctx.who, start, to):
        people = await lookups.people(e.owner_id for e in batch)
        memos = await credit_exports.memos(e.transaction_id for e in batch)
        actions: dict[str, str] = {}
        for district_id in {e.district_id for e in batch}:
            actions.update(await lookups.action_names(district_id))
        yield [
            [
                e.transaction_id,
                local(e.created_at),
                *_person(people, e.owner_id),
                translate(TRANSACTION_KINDS.get(e.kind, names.UNKNOWN)),
                translate(ACCOUNT_KINDS.get(e.account_kind, names.UNKNOWN)),
                actions.get(e.action or "", ""),
                float(from_units(e.amount)),
                memos.get(e.transaction_id, ""),
            ]
            for e in batch
        ]


PERSON = (N_("Nickname"), N_("Real name (masked)"), N_("Phone (masked)"))
EXPORTS = {
    e.kind: e
    for e in (
        Export(
            "service-records",
            (
                N_("Record number"),
                *PERSON,
                N_("Community"),
                N_("Activity"),
                N_("Civility action"),
                N_("Content"),
                N_("Organiser"),
                N_("Date served"),
                N_("Hours"),
                N_("Kind"),
                N_("Back-filled"),
                N_("Reason"),
                N_("Verified at"),
            ),
            _records,
        ),
        Export(
            "attendances",
            (
                N_("Attendance number"),
                *PERSON,
                N_("Community"),
                N_("Activity"),
                N_("Checked in"),
                N_("Checked out"),
                N_("Hours"),
                N_("How"),
                N_("Status"),
                N_("Worth a look"),
                N_("Note"),
                N_("Decision reason"),
            ),
            _attendances,
        ),
        Export(
            "deeds",
            (
                N_("Deed number"),
                *PERSON,
                N_("Community"),
                N_("Civility action"),
                N_("What happened"),
                N_("Happened"),
                N_("How"),
                N_("Status"),
                N_("Worth a look"),
                N_("Photos"),
                N_("Review reason"),
            ),
            _deeds,
        ),
        Export(
            "ledger",
            (
                N_("Transaction number"),
                N_("Time"),
                *PERSON,
                N_("Kind"),
                N_("Account"),
                N_("Civility action"),
                N_("Credits"),
                N_("Memo"),
            ),
            _ledger,
        ),
    )
}


async def exports_page(ctx: Ctx) -> Response:
    start, to = period(ctx)
    log = await ExportLog.filter(staff_id=ctx.staff.id).order_by("-created_at").limit(20)
    return ctx.render("exports.html", start=start, to=to, kinds=EXPORTS, log=log)


def _stream(export: Export, ctx: Ctx, start: date, to: date, fmt: tabular.Format) -> Any:
    headers = [translate(h) for h in export.headers]
    sheet = translate(names.EXPORTS[export.kind])
    return tabular.stream(fmt, sheet, headers, export.rows(ctx, start, to))


def attachment(
    ctx: Ctx,
    body: AsyncGenerator[bytes, None],
    fmt: tabular.Format,
    filename: str,
    *,
    kind: str,
    period: tuple[date, date],
) -> Response:
    """The export as a download, logged (who exported what, of which period) once its last
    byte has gone out: everything that can be refused is refused before this is called."""
    start, to = period
    logged = tabular.logged(body, ctx.who, kind=kind, fmt=fmt, date_from=start, date_to=to)
    # Named in the reader's language; the ASCII name for clients that read no other.
    named = tabular.attachment_header(filename, f"{kind}_{start}_{to}.{fmt}")
    headers = {**SECURITY_HEADERS, "Content-Disposition": named}
    return tabular.Download(logged, media_type=tabular.MEDIA_TYPES[fmt], headers=headers)


async def download(ctx: Ctx) -> Response:
    kind = ctx.request.path_params["kind"]
    fmt = ctx.request.query_params.get("format", "csv")
    export = EXPORTS.get(kind)
    if export is None or fmt not in ("csv", "xlsx"):
        raise Invalid(
            "Choose one of the exports, as CSV or XLSX.",
            errors=[{"field": "kind", "message": N_("not an export")}],
        )
    start, to = period(ctx)
    chosen: tabular.Format = "csv" if fmt == "csv" else "xlsx"
    body = _stream(export, ctx, start, to, chosen)
    filename = f"{translate(names.EXPORTS[kind])}_{start}_{to}.{fmt}"
    return attachment(ctx, body, chosen, filename, kind=kind, period=(start, to))
