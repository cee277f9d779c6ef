"""Reported and attested good deeds, their evidence uploads, review and daily caps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from accounts.scope import served_residents
from activities.errors import (
    STATUS_NAMES,
    DailyCapReached,
    DeedNotPending,
    InvalidTimes,
    ReasonRequired,
    UnknownCommunity,
    UnknownResident,
    UnknownUpload,
)
from activities.models import Deed, Upload
from activities.notices import tell_deed_reviewed
from activities.scope import managed_deed, readable_upload
from activities.service import find_action
from activities.verification import ensure_attestable, ensure_reportable
from credits.service import daily_cap, lock_resident, record_participation
from kernel.auth import Principal
from kernel.i18n import N_, Named
from kernel.localtime import local_date
from kernel.uploads import image_bytes, store_image
from kernel.validation import FieldMessage

# This many reports within BURST_WINDOW flags the latest one for a closer look.
BURST_REPORTS = 5
BURST_WINDOW = timedelta(hours=1)
# Clocks differ between phones and the server; a deed is never in the future beyond this.
CLOCK_SLACK = timedelta(minutes=5)
# How far back a deed may be dated, reported or attested: the daily cap is per day of the
# deed, so an open past would let a resident fill every day since 2001 (docs/security.md).
DEED_WINDOW = timedelta(days=7)


# --- uploads -------------------------------------------------------------------------------


async def store_upload(data: bytes, *, who: Principal) -> Upload:
    """Keeps an image as evidence (the kernel's upload store accepts it). A resident's evidence
    belongs to their community, so they choose one first; staff's belongs to none."""
    community_id = None
    if who.kind == "resident":
        if not who.community_ids:
            raise UnknownCommunity(
                N_("Choose your community (PATCH /api/v1/me) before uploading evidence.")
            )
        community_id = next(iter(who.community_ids))
    return await store_image(
        Upload, data, owner=who.subject, district_id=who.district_id, community_id=community_id
    )


async def read_upload(upload_id: str, *, who: Principal) -> tuple[Upload, bytes]:
    upload = await readable_upload(upload_id, who=who)
    return upload, await image_bytes(upload)


# --- deeds ---------------------------------------------------------------------------------


async def _ensure_under_daily_cap(
    district_id: str, resident_id: str, action: str, at: datetime
) -> date:
    """A deed past the day's cap is refused up front; a deed waiting for review holds its
    place (a rejected one frees it). What fills the day is `credits.service.daily_cap`'s."""
    await lock_resident(resident_id)
    waiting = await Deed.filter(
        resident_id=resident_id, action=action, occurred_on=local_date(at), status="pending"
    ).count()
    day = await daily_cap(
        district_id=district_id, resident_id=resident_id, action=action, at=at, waiting=waiting
    )
    if day.reached:
        raise DailyCapReached(
            N_("`{action}` counts at most {cap} time(s) a day; {day} is full."),
            action=action,
            cap=day.cap,
            day=day.day,
        )
    return day.day


def _ensure_recent(occurred_at: datetime) -> None:
    now = datetime.now(UTC)
    if occurred_at > now + CLOCK_SLACK:
        raise InvalidTimes(
            N_("A deed is reported after it happened."),
            errors=[{"field": "occurred_at", "message": N_("is in the future")}],
        )
    if occurred_at < now - DEED_WINDOW:
        raise InvalidTimes(
            N_("A deed is reported within {days} days of when it happened."),
            errors=[
                {
                    "field": "occurred_at",
                    "message": FieldMessage(N_("more than {days} days ago"), days=DEED_WINDOW.days),
                }
            ],
            days=DEED_WINDOW.days,
        )


async def report_deed(
    *,
    who: Principal,
    action: str,
    description: str,
    occurred_at: datetime,
    evidence: list[str],
    lat: float | None,
    lng: float | None,
) -> Deed:
    if who.district_id is None or not who.community_ids:
        raise UnknownResident(
            N_("Choose your community (PATCH /api/v1/me) before reporting deeds.")
        )
    ensure_reportable(await find_action(action, who.district_id), evidence=evidence)
    _ensure_recent(occurred_at)
    if evidence:
        owned = await Upload.filter(id__in=evidence, owner=who.subject).count()
        if owned != len(set(evidence)):
            raise UnknownUpload(
                N_("Evidence must be images you uploaded."),
                errors=[{"field": "evidence", "message": N_("unknown upload id")}],
            )
    day = await _ensure_under_daily_cap(who.district_id, who.id, action, occurred_at)
    recent = await Deed.filter(
        resident_id=who.id, mode="report", created_at__gte=datetime.now(UTC) - BURST_WINDOW
    ).count()
    return await Deed.create(
        district_id=who.district_id,
        community_id=next(iter(who.community_ids)),
        resident_id=who.id,
        action=action,
        description=description,
        occurred_at=occurred_at,
        occurred_on=day,
        lat=lat,
        lng=lng,
        evidence=list(dict.fromkeys(evidence)),
        mode="report",
        status="pending",
        flags=["burst_of_reports"] if recent + 1 >= BURST_REPORTS else [],
        reported_by=who.subject,
    )


async def post_approved_deed(deed: Deed, *, by: Principal) -> None:
    """Posts what an approved deed earns (its participation), once."""
    action = await find_action(deed.action, deed.district_id)
    summary = deed.description if len(deed.description) <= 60 else deed.description[:59] + "…"
    await record_participation(
        memo=f"{action.name} · {summary}",
        district_id=deed.district_id,
        resident_id=deed.resident_id,
        action=deed.action,
        hours=Decimal(0),
        source="deed",
        source_id=deed.id,
        occurred_at=deed.occurred_at,
        backfill=False,
        actor=by.subject,
    )


async def attest_deed(
    *,
    who: Principal,
    resident_id: str,
    action: str,
    description: str,
    occurred_at: datetime,
    proxy: bool,
    consent: str | None,
) -> Deed:
    """A worker vouches for a resident's deed; in proxy mode for a resident without a phone,
    whose consent is recorded. It is approved at once and earns by the district's rules."""
    resident = await served_residents(who).rows().get_or_none(id=resident_id)
    if resident is None:
        raise UnknownResident(
            N_("No such resident in your communities."),
            errors=[{"field": "resident", "message": N_("not a resident of your communities")}],
        )
    assert resident.district_id is not None and resident.community_id is not None
    ensure_attestable(await find_action(action, resident.district_id))
    _ensure_recent(occurred_at)
    day = await _ensure_under_daily_cap(resident.district_id, resident.id, action, occurred_at)
    now = datetime.now(UTC)
    deed = await Deed.create(
        district_id=resident.district_id,
        community_id=resident.community_id,
        resident_id=resident.id,
        action=action,
        description=description,
        occurred_at=occurred_at,
        occurred_on=day,
        evidence=[],
        mode="proxy" if proxy else "attest",
        consent=consent,
        status="approved",
        flags=[],
        reported_by=who.subject,
        reviewed_by=who.subject,
        reviewed_at=now,
    )
    await post_approved_deed(deed, by=who)
    return deed


async def review_deed(deed_id: str, *, by: Principal, decision: str, reason: str | None) -> Deed:
    deed = await managed_deed(deed_id, who=by)
    if deed.status != "pending":
        raise DeedNotPending(N_("The deed is {status}."), status=Named(deed.status, STATUS_NAMES))
    if decision == "reject" and not reason:
        raise ReasonRequired(N_("Say why the deed is rejected."))
    decided = await Deed.filter(id=deed.id, status="pending").update(
        status="approved" if decision == "approve" else "rejected",
        reviewed_by=by.subject,
        reviewed_at=datetime.now(UTC),
        review_reason=reason,
    )
    if not decided:
        raise DeedNotPending(N_("The deed was reviewed meanwhile."))
    await deed.refresh_from_db()
    if deed.status == "approved":
        await post_approved_deed(deed, by=by)
    await tell_deed_reviewed(deed)
    return deed
