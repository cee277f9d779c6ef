"""The rules of recognition: badge definitions in scope, awards and their revocation,
credentials, honour rolls."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from accounts.models import District
from accounts.scope import readable_districts
from credits.recognition import credentials
from credits.recognition.errors import (
    AwardAlreadyRevoked,
    BadgeCodeTaken,
    CredentialNotFound,
    HonourRollNotFound,
)
from credits.recognition.models import BadgeAward, BadgeDefinition, HonourRoll, HonourRollEntry
from credits.recognition.queries import HONOUR_ROLL, SUMMARY
from credits.recognition.schemas import BadgeCreate, HonourRollOut, LineRead, RollRead
from credits.recognition.scope import (
    readable_awards,
    readable_badges,
    readable_honour_rolls,
    reviews_honour_rolls,
)
from credits.totals import (
    OF_RESIDENT,
    ResidentTotals,
    resident_standings,
    totals_from,
)
from kernel import localtime
from kernel.auth import Principal
from kernel.errors import NotFound
from kernel.i18n import N_
from kernel.outbox import queue_notification, register_notice
from kernel.sql import moment, query_rows

register_notice("badge_awarded", N_("You earned the badge “{badge_name}”."))
register_notice("star_upgraded", N_("You are now a {star}-star volunteer (“{badge_name}”)."))
register_notice("badge_revoked", N_("The badge “{badge_name}” was withdrawn: {reason}"))

# --- badge definitions ---------------------------------------------------------------------


async def create_badge(data: BadgeCreate, *, by: Principal) -> BadgeDefinition:
    assert by.district_id is not None
    taken = await BadgeDefinition.filter(
        Q(district_id__isnull=True) | Q(district_id=by.district_id), code=data.code
    ).exists()
    if taken:
        raise BadgeCodeTaken(
            N_("The badge code `{code}` is in use in this district."), code=data.code
        )
    return await BadgeDefinition.create(
        district_id=by.district_id,
        code=data.code,
        name=data.name,
        description=data.description,
        criterion_kind=data.criterion.kind,
        criterion_action=data.criterion.action,
        threshold=data.criterion.threshold,
        created_by=by.subject,
    )


async def district_codes(badges: list[BadgeDefinition]) -> dict[str, str]:
    """The codes of the districts that own any of these badges, for their responses."""
    ids = {b.district_id for b in badges if b.district_id}
    return dict(await District.filter(id__in=ids).values_list("id", "code")) if ids else {}


# --- awards --------------------------------------------------------------------------------


async def resident_summary(resident_id: str) -> tuple[ResidentTotals, list[dict[str, str]]]:
    """A resident's totals (`resident_totals`) and the badges they hold (`badges_held`), read
    in one round trip."""
    rows = await query_rows(SUMMARY, {"resident": resident_id}, residents=OF_RESIDENT)
    badges = sorted((row for row in rows if row["source"] == "badge"), key=lambda r: r["value"])
    return totals_from(rows), [{"code": r["key"], "name": r["action"]} for r in badges]


async def badges_held(resident_id: str) -> list[dict[str, str]]:
    """The badges a resident holds now (revoked ones left out), in the order earned."""
    awards = (
        await BadgeAward.filter(resident_id=resident_id, revoked_at__isnull=True)
        .order_by("awarded_at", "id")
        .select_related("badge")  # one query (a join), not two
    )
    return [{"code": a.badge.code, "name": a.badge.name} for a in awards]


async def awards_in_scope(
    *, who: Principal, resident_id: str | None, badge_code: str | None
) -> QuerySet[BadgeAward]:
    awards = readable_awards(who).rows().prefetch_related("badge")
    if resident_id is not None:
        awards = awards.filter(resident_id=resident_id)
    if badge_code is not None:
        awards = awards.filter(badge__code=badge_code)
    return awards


async def revoke_award(public_id: str, *, reason: str, by: Principal) -> BadgeAward:
    """Revokes an award: its credential's status bit is set, and the resident is told why.
    The award stays (nothing is deleted), so the job never awards that badge again."""
    award = (
        await readable_awards(by).rows().get_or_none(public_id=public_id).prefetch_related("badge")
    )
    if award is None:
        raise NotFound(N_("No such badge award."))
    revoked = await BadgeAward.filter(id=award.id, revoked_at__isnull=True).update(
        revoked_at=datetime.now(UTC), revocation_reason=reason, revoked_by=by.subject
    )
    if not revoked:
        raise AwardAlreadyRevoked(N_("This badge award was revoked already."))
    await award.refresh_from_db()
    await queue_notification(
        "resident",
        award.resident_id,
        "badge_revoked",
        {"badge_code": award.badge.code, "badge_name": award.badge.name, "reason": reason},
    )
    return award


async def signed_credential(public_id: str) -> tuple[dict[str, Any], str]:
    """The credential of an award and its VC-JWT."""
    award = await BadgeAward.get_or_none(public_id=public_id).prefetch_related("badge", "district")
    if award is None:
        raise CredentialNotFound(N_("No credential with this id."))
    credential = credentials.build_credential(award, award.badge, award.district)
    return credential, credentials.sign(credential)


# --- honour rolls --------------------------------------------------------------------------


async def honour_roll(code: str, period: str | None, *, who: Principal) -> HonourRollOut:
    """The roll of `period` (YYYY-MM), or the latest when no period is given, of the district
    `code` in the caller's scope (`readable_district`, `readable_honour_rolls`): residents
    see published rolls only."""
    staff = reviews_honour_rolls(who)
    rows = await query_rows(
        HONOUR_ROLL,
        {"code": code, "period": period},
        rolls=readable_honour_rolls(who).sql("h"),
        in_period="" if period is None else " AND h.period = :period",
        districts=readable_districts(who).sql("d"),
    )
    if not rows:
        raise NotFound(N_("No such district."))
    first = rows[0]
    if first["id"] is None:
        if period is None:
            raise HonourRollNotFound(N_("No honour roll yet."))
        raise HonourRollNotFound(
            N_("No honour roll for {period} yet."), period=localtime.PeriodName(period)
        )
    roll_fields, entry_fields = HonourRoll._meta.fields_map, HonourRollEntry._meta.fields_map
    roll = RollRead(
        id=first["id"],
        period=first["period"],
        taken_at=moment(roll_fields["taken_at"], first["taken_at"]),
        status=first["status"],
        published_at=moment(roll_fields["published_at"], first["published_at"]),
    )
    lines = [
        LineRead(
            id=row["line_id"],
            board=row["board"],
            display_name=row["display_name"],
            value=entry_fields["value"].to_python_value(row["value"]),
            removed_reason=row["removed_reason"],
            removed_at=moment(entry_fields["removed_at"], row["removed_at"]),
        )
        for row in rows
        if row["line_id"] is not None
    ]
    return HonourRollOut.of(roll, district_code=first["district_code"], entries=lines, staff=staff)


async def shown_honour_roll(
    roll: HonourRoll, district: District | None = None, *, who: Principal
) -> HonourRollOut:
    """The roll as the caller may see it (`HonourRollOut.of`), its entries in one query."""
    district = district or await District.get(id=roll.district_id)
    entries = await HonourRollEntry.filter(roll_id=roll.id).order_by("board", "rank")
    return HonourRollOut.of(
        roll, district_code=district.code, entries=entries, staff=reviews_honour_rolls(who)
    )


async def badge_by_id(badge_id: str) -> BadgeDefinition:
    badge = await BadgeDefinition.get_or_none(id=badge_id)
    if badge is None:
        raise CredentialNotFound(N_("No such badge."))
    return badge


async def badge_progress(who: Principal) -> list[dict[str, Any]]:
    """Every badge in the resident's scope they do not hold, with their standing against its
    threshold (the metric the awarding job judges it by: a district's badge counts what was
    done in that district), nearest first."""
    held = {
        award.badge_id
        for award in await BadgeAward.filter(resident_id=who.id, revoked_at__isnull=True)
    }
    standings = await resident_standings(who.id)
    rows = []
    for badge in await (await readable_badges(who)).rows().order_by("code"):
        if badge.id in held:
            continue
        kind = badge.criterion_kind
        current = standings.of(kind, badge.district_id, badge.criterion_action)
        threshold = Decimal(badge.threshold)
        rows.append(
            {
                "code": badge.code,
                "name": badge.name,
                "criterion": kind,
                "current": current,
                "threshold": threshold,
                "remaining": max(threshold - current, Decimal(0)),
                "progress": float(min(current / threshold, Decimal(1))) if threshold else 1.0,
                "image_url": credentials.achievement_image_url(badge.id),
            }
        )
    return sorted(rows, key=lambda r: (-r["progress"], r["remaining"], r["code"]))
