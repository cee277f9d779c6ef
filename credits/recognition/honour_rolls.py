"""Honour rolls (红榜): per district and month, the top residents by verified hours and by
credits earned — only residents who opted in, under masked names — and the communities ranked
by their residents' verified hours. Ranked in SQL over the ledger; only the top lines leave it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q

from accounts.models import Community, District, Resident
from accounts.residents import mask_name
from credits.models import SCALE
from credits.recognition.errors import HonourRollLineNotFound, HonourRollPublished
from credits.recognition.models import HonourRoll, HonourRollEntry
from credits.recognition.queries import BOARDS, RANKED
from kernel import localtime
from kernel.auth import Principal
from kernel.i18n import N_
from kernel.sql import db_time, query_rows

TOP = 10


def previous_period(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


async def _ranked(board: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
    parts = BOARDS[board]
    return await query_rows(
        RANKED,
        {"asset": parts["asset"], "start": db_time(start), "end": db_time(end), "top": TOP},
        subject=parts["subject"],
        join=parts["join"],
        condition=parts["condition"],
    )


async def _names(board: str, subjects: set[str]) -> dict[str, str]:
    if board == "communities":
        return {c.id: c.name for c in await Community.filter(id__in=subjects)}
    return {
        r.id: r.real_name_masked or (mask_name(r.nickname) if r.nickname else "居民")
        for r in await Resident.filter(id__in=subjects)
    }


async def snapshot_period(period: str, *, now: datetime, districts: list[District]) -> int:
    """(Re)takes the draft rolls of `period` for `districts`; returns how many lines they
    hold. Published rolls are left as published; lines removed in review stay removed."""
    start, end = localtime.month_bounds(period)
    lines: list[HonourRollEntry] = []
    rolls: dict[str, HonourRoll] = {}
    removed: dict[tuple[str, str, str], HonourRollEntry] = {}
    for district in districts:
        roll, _created = await HonourRoll.get_or_create(
            district_id=district.id, period=period, defaults={"taken_at": now}
        )
        if roll.status == "published":
            continue
        roll.taken_at = now
        await roll.save(update_fields=["taken_at"])
        for line in await HonourRollEntry.filter(roll_id=roll.id, removed_at__isnull=False):
            subject = line.community_id or line.resident_id or ""
            removed[(district.id, line.board, subject)] = line
        await HonourRollEntry.filter(roll_id=roll.id).delete()
        rolls[district.id] = roll
    wanted = set(rolls)
    for board in BOARDS:
        rows = [row for row in await _ranked(board, start, end) if row["district_id"] in wanted]
        names = await _names(board, {str(row["subject"]) for row in rows})
        rank: dict[str, int] = {}
        for row in rows:
            district_id = str(row["district_id"])
            rank[district_id] = rank.get(district_id, 0) + 1
            subject = str(row["subject"])
            before = removed.get((district_id, board, subject))
            lines.append(
                HonourRollEntry(
                    removed_reason=before.removed_reason if before else None,
                    removed_by=before.removed_by if before else None,
                    removed_at=before.removed_at if before else None,
                    roll_id=rolls[district_id].id,
                    district_id=district_id,
                    board=board,
                    rank=rank[district_id],
                    resident_id=None if board == "communities" else subject,
                    community_id=subject if board == "communities" else None,
                    display_name=names.get(subject, ""),
                    value=Decimal(int(row["total"])) / SCALE,
                )
            )
    await HonourRollEntry.bulk_create(lines)
    return len(lines)


async def snapshot(now: datetime) -> dict[str, Any]:
    """The month in progress for every district, and last month where its roll predates the
    month's end (so the final standings are kept)."""
    districts = await District.all()
    current = localtime.local_month(now)
    previous = previous_period(current)
    _start, previous_end = localtime.month_bounds(previous)
    final = {
        roll.district_id
        for roll in await HonourRoll.filter(
            Q(taken_at__gte=previous_end) | Q(status="published"), period=previous
        )
    }
    unfinished = [d for d in districts if d.id not in final]
    previous_lines = await snapshot_period(previous, now=now, districts=unfinished)
    return {
        "districts": len(districts),
        "lines": await snapshot_period(current, now=now, districts=districts),
        "finished_previous": len(unfinished),
        "previous_lines": previous_lines,
    }


# --- review and publication by a district administrator ------------------------------------


async def take_draft(district: District, period: str, *, now: datetime) -> HonourRoll:
    """Takes (or takes again) the draft roll of `period`; refused once it is published."""
    existing = await HonourRoll.get_or_none(district_id=district.id, period=period)
    if existing is not None and existing.status == "published":
        raise HonourRollPublished(
            N_("The honour roll of {period} is published already."),
            period=localtime.PeriodName(period),
        )
    await snapshot_period(period, now=now, districts=[district])
    return await HonourRoll.get(district_id=district.id, period=period)


async def remove_line(
    roll: HonourRoll, line_id: str, reason: str, *, by: Principal
) -> HonourRollEntry:
    """Takes a line off a draft roll, with the reason; it stays recorded."""
    if roll.status == "published":
        raise HonourRollPublished(
            N_("The honour roll of {period} is published already."),
            period=localtime.PeriodName(roll.period),
        )
    line = (
        await HonourRollEntry.get_or_none(id=int(line_id), roll_id=roll.id)
        if line_id.isdigit() and len(line_id) < 19
        else None
    )
    if line is None:
        raise HonourRollLineNotFound(N_("No line `{line}` on this roll."), line=line_id)
    if line.removed_at is None:
        line.removed_reason, line.removed_by = reason, by.subject
        line.removed_at = datetime.now(UTC)
        await line.save(update_fields=["removed_reason", "removed_by", "removed_at"])
    return line


async def publish(roll: HonourRoll, *, by: Principal) -> HonourRoll:
    """Publishes a draft: residents see it from now on, and it is never taken again."""
    moved = await HonourRoll.filter(id=roll.id, status="draft").update(
        status="published", published_at=datetime.now(UTC), published_by=by.subject
    )
    if not moved:
        raise HonourRollPublished(
            N_("The honour roll of {period} is published already."),
            period=localtime.PeriodName(roll.period),
        )
    return await HonourRoll.get(id=roll.id)
