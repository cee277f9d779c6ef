"""The caller's own account (`/me`), a resident's notices and onboarding, and a worker's
verification of a resident's real name."""

from __future__ import annotations

import logging
from typing import Any

from accounts import residents
from accounts.account_schemas import (
    MarkedReadOut,
    MeOut,
    MePatch,
    NotificationOut,
    NotificationQuery,
    PhoneIn,
    RealNameIn,
    ResidentOut,
)
from accounts.errors import (
    CommunityClosed,
    IdentityChecksExhausted,
    IdentityMismatch,
    IdNumberInUse,
    InvalidIdNumber,
    RealNameMissing,
)
from accounts.models import Resident, Staff
from accounts.schemas import JoinableCommunityOut, JoinableQuery, StaffOut
from accounts.service import joinable_communities as joinable
from accounts.staff import scopes_of
from kernel import outbox, ratelimit, wechat
from kernel.auth import Principal
from kernel.errors import NotFound, Problem, RateLimited
from kernel.geo import to_stored
from kernel.http import Api, Page, paginate
from kernel.i18n import N_
from kernel.identity import IdentityServiceNotConfigured, IdentityServiceUnavailable
from kernel.settings import get_settings

audit_log = logging.getLogger("app.audit")
api = Api("accounts")


async def _resident_out(resident: Resident) -> ResidentOut:
    return ResidentOut.of(resident, await residents.community_of(resident))


@api.get("/api/v1/me", response=MeOut)
async def me(who: Principal) -> MeOut:
    """The caller: a resident or a member of staff, with role and scope."""
    if who.kind == "resident":
        resident = await Resident.get(id=who.id)
        return MeOut(kind="resident", role=who.role, resident=await _resident_out(resident))
    staff = await Staff.get(id=who.id)
    scopes = await scopes_of([staff])
    return MeOut(kind="staff", role=who.role, staff=StaffOut.of(staff, scopes[staff.id]))


@api.patch(
    "/api/v1/me",
    roles=("resident",),
    body=MePatch,
    response=ResidentOut,
    errors=(CommunityClosed,),
)
async def update_me(who: Principal, body: MePatch) -> ResidentOut:
    """A resident sets their nickname, community and whether honour rolls may show them. A
    community closed to joining is `409 community_closed` (unless it is already theirs)."""
    resident = await residents.update_resident(
        await Resident.get(id=who.id), **body.model_dump(exclude_unset=True)
    )
    return await _resident_out(resident)


@api.post(
    "/api/v1/me/phone",
    roles=("resident",),
    body=PhoneIn,
    response=ResidentOut,
    errors=(wechat.WeChatPhoneRefused, wechat.WeChatUnavailable),
)
async def give_phone(who: Principal, body: PhoneIn) -> ResidentOut:
    """The resident's mobile number, from the mini-program's getPhoneNumber button: its code
    is exchanged at WeChat (`wxa/business/getuserphonenumber`); the number is kept encrypted
    and only its mask (138****1234) is ever shown."""
    settings = get_settings()
    dev_number = body.code.removeprefix("dev-")
    if settings.dev_wechat_login and body.code.startswith("dev-") and dev_number.isdigit():
        number = dev_number
    elif not settings.wechat_appid:
        raise wechat.WeChatPhoneRefused(N_("WeChat is not set up here; use a `dev-` code."))
    else:
        number = await wechat.phone_number(body.code)
    resident = await residents.set_phone(await Resident.get(id=who.id), number)
    return await _resident_out(resident)


@api.post(
    "/api/v1/me/real-name",
    roles=("resident",),
    body=RealNameIn,
    response=ResidentOut,
    errors=(InvalidIdNumber, IdNumberInUse, RateLimited),
)
async def verify_real_name(who: Principal, body: RealNameIn) -> ResidentOut | Problem:
    """Records the resident's real name and ID number, encrypted; only masks are returned.
    Refusals are limited per resident a day and written to the audit log."""
    await ratelimit.ensure_real_name_attempt_allowed(who.id)
    try:
        resident = await residents.set_real_name(
            await Resident.get(id=who.id), name=body.name, id_number=body.id_number
        )
    except (IdNumberInUse, InvalidIdNumber) as refused:
        # Returned, not raised: the refusal is counted and committed (and no ID number is
        # logged, only who was refused and why).
        await ratelimit.record_real_name_refusal(who.id)
        audit_log.warning("real-name refused", extra={"resident_id": who.id, "code": refused.code})
        return refused
    return await _resident_out(resident)


@api.post(
    "/api/v1/me/real-name/service-check",
    roles=("resident",),
    response=ResidentOut,
    errors=(
        RealNameMissing,
        IdentityServiceNotConfigured,
        IdentityMismatch,
        IdentityChecksExhausted,
        IdentityServiceUnavailable,
    ),
)
async def check_real_name_with_service(who: Principal) -> ResidentOut | Problem:
    """Asks the configured identity service (二要素核验) whether the resident's ID number
    belongs to their name; a match makes the real name `verified` (by `service:<name>`).
    Without a configured service: `409 identity_service_not_configured` (verification is in
    person, by a worker). A mismatch is `422 identity_mismatch`; at most
    `IDENTITY_CHECKS_PER_DAY` checks in 24 hours (`429 identity_checks_exhausted`); the
    service not answering is `503 identity_service_unavailable`."""
    checked = await residents.verify_real_name_by_service(await Resident.get(id=who.id))
    if isinstance(checked, Problem):
        return checked
    return await _resident_out(checked)


@api.get(
    "/api/v1/me/notifications",
    roles=("resident",),
    query=NotificationQuery,
    response=Page[NotificationOut],
)
async def my_notifications(who: Principal, query: NotificationQuery) -> dict[str, Any]:
    """The resident's notices, newest first (`?unread=true` for the unread): every notice,
    whether or not it was also sent as a WeChat subscribe message."""
    page = await paginate(outbox.inbox("resident", who.id, unread=query.unread), query)
    page["items"] = [NotificationOut.of(n) for n in page["items"]]
    return page


@api.post(
    "/api/v1/me/notifications/{notification_id}/read",
    roles=("resident",),
    response=MarkedReadOut,
)
async def mark_notification_read(who: Principal, notification_id: str) -> MarkedReadOut:
    """Marks one of the resident's notices read (again: nothing changes)."""
    if not await outbox.inbox("resident", who.id).filter(id=_notice_id(notification_id)).exists():
        raise NotFound(N_("No such notification of yours."))
    return MarkedReadOut(marked=await outbox.mark_read("resident", who.id, notification_id))


@api.post("/api/v1/me/notifications/read", roles=("resident",), response=MarkedReadOut)
async def mark_all_notifications_read(who: Principal) -> MarkedReadOut:
    """Marks every unread notice of the resident read."""
    return MarkedReadOut(marked=await outbox.mark_read("resident", who.id))


def _notice_id(notification_id: str) -> int:
    return int(notification_id) if notification_id.isdigit() and len(notification_id) < 19 else -1


@api.get(
    "/api/v1/onboarding/communities",
    query=JoinableQuery,
    response=list[JoinableCommunityOut],
)
async def joinable_communities(who: Principal, query: JoinableQuery) -> list[JoinableCommunityOut]:
    """The communities a new resident can join (those open to joining), nearest first when
    `lat`/`lng` are given (`coord`: gcj02 by default, or wgs84); join one with
    `PATCH /api/v1/me`."""
    return await _joinable(query)


@api.get(
    "/api/v1/districts/open",
    auth=False,
    query=JoinableQuery,
    response=list[JoinableCommunityOut],
)
async def open_communities(query: JoinableQuery) -> list[JoinableCommunityOut]:
    """Public: the districts' communities open to joining, each with its district, nearest
    first when `lat`/`lng` are given; the same list as `/api/v1/onboarding/communities`,
    before login."""
    return await _joinable(query)


async def _joinable(query: JoinableQuery) -> list[JoinableCommunityOut]:
    lat, lng = query.lat, query.lng
    if lat is not None and lng is not None:
        lat, lng = to_stored(lat, lng, query.coord)
    found = await joinable(lat, lng, limit=query.limit)
    return [JoinableCommunityOut.of(community, distance) for community, distance in found]


@api.post(
    "/api/v1/residents/{resident_id}/real-name/verify",
    roles=("worker", "district_admin"),
    response=ResidentOut,
    errors=(RealNameMissing,),
)
async def verify_resident_real_name(who: Principal, resident_id: str) -> ResidentOut:
    """A worker records that they saw the resident's identity document in person and it
    matches the real name and ID number given: the real name becomes `verified`."""
    resident = await residents.verify_real_name_in_person(resident_id, by=who)
    return await _resident_out(resident)
