"""HTTP endpoints of auth and accounts: thin adapters over `app.accounts.service`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from app.accounts import scope, service
from app.accounts.errors import (
    CannotDisableSelf,
    CommunityClosed,
    DefaultRequired,
    IdentityChecksExhausted,
    IdentityMismatch,
    LoginFailed,
    NoSuchStaff,
    RealNameMissing,
    RetroactiveRulesChange,
    UnknownAction,
)
from app.accounts.models import Community, District, DistrictRulesVersion, Resident, Staff
from app.accounts.schemas import (
    CommunityCreate,
    CommunityOut,
    CommunityPatch,
    DistrictCreate,
    DistrictDetail,
    DistrictOut,
    DistrictRulesPatch,
    JoinableCommunityOut,
    JoinableQuery,
    MarkedReadOut,
    MeOut,
    MePatch,
    NotificationOut,
    NotificationQuery,
    PasswordLoginIn,
    PasswordResetIn,
    RealNameIn,
    RefreshIn,
    ResidentOut,
    RulesChangeOut,
    RulesVersionOut,
    StaffCreate,
    StaffOut,
    StaffQuery,
    TokenPair,
    WeChatLoginIn,
)
from app.core import outbox, ratelimit, wechat
from app.core.auth import (
    REFRESH_REUSED,
    Principal,
    Role,
    current_principal,
    issue_access_token,
    issue_refresh_token,
    register_principal_loader,
    rotate_refresh_token,
)
from app.core.errors import Invalid, NotFound, Problem, Unauthenticated
from app.core.geo import to_stored
from app.core.http import Api, Page, PageQuery, decode_cursor, paginate
from app.core.i18n import N_
from app.core.identity import IdentityServiceNotConfigured, IdentityServiceUnavailable
from app.core.passwords import verify_password
from app.core.settings import get_settings

register_principal_loader(service.load_principal)
api = Api("accounts")


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _tokens(subject: str, role: Role, **who: Any) -> dict[str, Any]:
    refresh, session = await issue_refresh_token(subject)
    access, expires_in = issue_access_token(subject, role, session=session)
    return {"access_token": access, "refresh_token": refresh, "expires_in": expires_in, **who}


@api.post("/api/v1/auth/wechat", auth=False, body=WeChatLoginIn, response=TokenPair)
async def wechat_login(request: Request, body: WeChatLoginIn) -> dict[str, Any] | Problem:
    """A resident logs in with the code from wx.login()."""
    address = _client_address(request)
    await ratelimit.ensure_login_allowed(None, address)
    settings = get_settings()
    if settings.dev_wechat_login and body.code.startswith("dev-"):
        session = wechat.WeChatSession(openid=body.code.removeprefix("dev-"), unionid=None)
    elif not settings.wechat_appid:
        await ratelimit.record_login_failure(None, address)
        return wechat.WeChatLoginFailed("WeChat login is not set up here; use a `dev-` code.")
    else:
        try:
            session = await wechat.code_to_session(body.code)
        except wechat.WeChatLoginFailed as refused:
            await ratelimit.record_login_failure(None, address)
            return refused
    resident = await service.resident_by_openid(session.openid, session.unionid)
    return await _tokens(
        f"resident:{resident.id}", "resident", resident=await service.resident_view(resident)
    )


@api.post("/api/v1/auth/login", auth=False, body=PasswordLoginIn, response=TokenPair)
async def password_login(request: Request, body: PasswordLoginIn) -> dict[str, Any] | Problem:
    """A community worker or administrator logs in with username and password."""
    address = _client_address(request)
    account = service.normalise_username(body.username)
    await ratelimit.ensure_login_allowed(account, address)
    staff = await Staff.get_or_none(username=account, disabled_at__isnull=True)
    async with ratelimit.password_attempt(address):
        right = await verify_password(staff.password_hash if staff else None, body.password)
    if not right:
        await ratelimit.record_login_failure(account, address)
        return LoginFailed(N_("The username or the password is wrong."))
    assert staff is not None
    await ratelimit.clear_login_failures(account, address)
    role: Role = staff.role  # type: ignore[assignment]
    return await _tokens(f"staff:{staff.id}", role, staff=await service.staff_view(staff))


@api.post("/api/v1/auth/refresh", auth=False, body=RefreshIn, response=TokenPair)
async def refresh(body: RefreshIn) -> dict[str, Any] | Problem:
    """Trades a refresh token for a new pair; the old refresh token stops working."""
    rotated = await rotate_refresh_token(body.refresh_token)
    if rotated is None:
        return Unauthenticated(REFRESH_REUSED)
    subject, refresh_token, session = rotated
    who = await current_principal(subject, session)
    if who is None:
        raise Unauthenticated(N_("The account no longer exists or is disabled."))
    access, expires_in = issue_access_token(subject, who.role, session=session)
    return {"access_token": access, "refresh_token": refresh_token, "expires_in": expires_in}


@api.get("/api/v1/me", response=MeOut)
async def me(who: Principal) -> dict[str, Any]:
    """The caller: a resident or a member of staff, with role and scope."""
    if who.kind == "resident":
        resident = await Resident.get(id=who.id)
        return {
            "kind": "resident",
            "role": who.role,
            "resident": await service.resident_view(resident),
        }
    staff = await Staff.get(id=who.id)
    return {"kind": "staff", "role": who.role, "staff": await service.staff_view(staff)}


@api.patch(
    "/api/v1/me",
    roles=("resident",),
    body=MePatch,
    response=ResidentOut,
    errors=(CommunityClosed,),
)
async def update_me(who: Principal, body: MePatch) -> dict[str, Any]:
    """A resident sets their nickname, community and whether honour rolls may show them. A
    community closed to joining is `409 community_closed` (unless it is already theirs)."""
    resident = await service.update_resident(
        await Resident.get(id=who.id), **body.model_dump(exclude_unset=True)
    )
    return await service.resident_view(resident)


@api.post("/api/v1/me/real-name", roles=("resident",), body=RealNameIn, response=ResidentOut)
async def verify_real_name(who: Principal, body: RealNameIn) -> dict[str, Any]:
    """Records the resident's real name and ID number, encrypted; only masks are returned."""
    resident = await service.set_real_name(
        await Resident.get(id=who.id), name=body.name, id_number=body.id_number
    )
    return await service.resident_view(resident)


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
async def check_real_name_with_service(who: Principal) -> dict[str, Any] | Problem:
    """Asks the configured identity service (二要素核验) whether the resident's ID number
    belongs to their name; a match makes the real name `verified` (by `service:<name>`).
    Without a configured service: `409 identity_service_not_configured` (verification is in
    person, by a worker). A mismatch is `422 identity_mismatch`; at most
    `IDENTITY_CHECKS_PER_DAY` checks in 24 hours (`429 identity_checks_exhausted`); the
    service not answering is `503 identity_service_unavailable`."""
    checked = await service.verify_real_name_by_service(await Resident.get(id=who.id))
    if isinstance(checked, Problem):
        return checked
    return await service.resident_view(checked)


@api.post(
    "/api/v1/districts",
    roles=("platform_admin",),
    body=DistrictCreate,
    response=DistrictOut,
    status=201,
)
async def create_district(who: Principal, body: DistrictCreate) -> District:
    """Creates a district, with the platform's default rules."""
    return await service.create_district(code=body.code, name=body.name, by=who)


@api.get("/api/v1/districts", query=PageQuery, response=Page[DistrictOut])
async def list_districts(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The districts the caller sees: all for platform administrators, else their own."""
    return await paginate(scope.readable_districts(who), query)


@api.get(
    "/api/v1/districts/open",
    auth=False,
    query=JoinableQuery,
    response=list[JoinableCommunityOut],
)
async def open_communities(query: JoinableQuery) -> list[dict[str, Any]]:
    """Public: the districts' communities open to joining, each with its district, nearest
    first when `lat`/`lng` are given; the same list as `/api/v1/onboarding/communities`,
    before login."""
    return await _joinable(query)


async def _district_detail(district: District) -> dict[str, Any]:
    rules = await service.rules_at(district.id)
    version = await service.version_at(district.id, datetime.now(UTC))
    return {
        "id": district.id,
        "code": district.code,
        "name": district.name,
        "created_at": district.created_at,
        "settings": rules,
        "settings_version": version.id if version else None,
        "upcoming_settings": await service.upcoming_rules(district.id),
        "earnings": service.earnings(rules, await service.district_actions(district.id)),
    }


def _rules_change_view(change: service.RulesChange) -> dict[str, Any]:
    return {
        **change.rules.model_dump(),
        "version": change.version,
        "effective_from": change.effective_from,
        "written": change.written,
        "earnings": change.earnings,
    }


@api.get(
    "/api/v1/districts/{code}",
    roles=("worker", "district_admin", "platform_admin"),
    response=DistrictDetail,
)
async def get_district(who: Principal, code: str) -> dict[str, Any]:
    """A district with the rules in force and any changes scheduled."""
    return await _district_detail(await scope.readable_district(code, who=who))


_RULES_ERRORS = (UnknownAction, DefaultRequired, RetroactiveRulesChange)


@api.patch(
    "/api/v1/districts/{code}/settings",
    roles=("district_admin", "platform_admin"),
    body=DistrictRulesPatch,
    response=RulesChangeOut,
    errors=_RULES_ERRORS,
)
async def change_district_settings(
    who: Principal, code: str, body: DistrictRulesPatch
) -> dict[str, Any]:
    """Changes the district's rules from now (or a later `effective_from`), merging per key;
    history is kept. The answer says what each action will earn; `written` is false when the
    change changed nothing (then no version is added)."""
    district = await scope.readable_district(code, who=who)
    return _rules_change_view(await service.change_rules(district, body, by=who))


@api.post(
    "/api/v1/districts/{code}/settings/preview",
    roles=("district_admin", "platform_admin"),
    body=DistrictRulesPatch,
    response=RulesChangeOut,
    errors=_RULES_ERRORS,
)
async def preview_district_settings(
    who: Principal, code: str, body: DistrictRulesPatch
) -> dict[str, Any]:
    """What a settings change would make of the rules and what each action would earn; writes
    nothing."""
    district = await scope.readable_district(code, who=who)
    return _rules_change_view(await service.preview_rules(district, body))


@api.get(
    "/api/v1/districts/{code}/settings/versions",
    roles=("worker", "district_admin", "platform_admin"),
    query=PageQuery,
    response=Page[RulesVersionOut],
)
async def list_settings_versions(who: Principal, code: str, query: PageQuery) -> dict[str, Any]:
    """Every version of the district's rules, newest first: the `rules_version` a ledger
    transaction names is one of these."""
    district = await scope.readable_district(code, who=who)
    return await paginate(DistrictRulesVersion.filter(district_id=district.id), query)


@api.post(
    "/api/v1/districts/{code}/communities",
    roles=("district_admin", "platform_admin"),
    body=CommunityCreate,
    response=CommunityOut,
    status=201,
)
async def create_community(who: Principal, code: str, body: CommunityCreate) -> dict[str, Any]:
    """Adds a community to the district."""
    district = await scope.readable_district(code, who=who)
    community = await service.create_community(
        district,
        code=body.code,
        name=body.name,
        lat=body.location.lat if body.location else None,
        lng=body.location.lng if body.location else None,
    )
    return _community_view(community, district)


@api.get("/api/v1/districts/{code}/communities", query=PageQuery, response=Page[CommunityOut])
async def list_communities(who: Principal, code: str, query: PageQuery) -> dict[str, Any]:
    """The district's communities."""
    district = await scope.readable_district(code, who=who)
    page = await paginate(Community.filter(district_id=district.id), query, newest_first=False)
    page["items"] = [_community_view(c, district) for c in page["items"]]
    return page


def _community_view(community: Community, district: District) -> dict[str, Any]:
    return {
        "id": community.id,
        "code": community.code,
        "name": community.name,
        "district": district.code,
        "open_to_join": community.joining_closed_at is None,
    }


@api.patch(
    "/api/v1/districts/{code}/communities/{community_code}",
    roles=("district_admin", "platform_admin"),
    body=CommunityPatch,
    response=CommunityOut,
)
async def change_community(
    who: Principal, code: str, community_code: str, body: CommunityPatch
) -> dict[str, Any]:
    """Opens or closes a community to new residents (`open_to_join`): a closed one is not
    listed for onboarding and cannot be chosen with `PATCH /me`; residents already in it
    stay."""
    district = await scope.readable_district(code, who=who)
    community = await service.set_community_joining(
        district, community_code, open_to_join=body.open_to_join, by=who
    )
    return _community_view(community, district)


@api.post(
    "/api/v1/staff",
    roles=("platform_admin", "district_admin"),
    body=StaffCreate,
    response=StaffOut,
    status=201,
)
async def create_staff(who: Principal, body: StaffCreate) -> dict[str, Any]:
    """Creates a worker or an administrator; district admins only within their district."""
    return await service.staff_view(await service.create_staff(body, by=who))


_STAFF_ERRORS = (NoSuchStaff, CannotDisableSelf)


@api.get(
    "/api/v1/staff",
    roles=("platform_admin", "district_admin"),
    query=StaffQuery,
    response=Page[StaffOut],
)
async def list_staff(who: Principal, query: StaffQuery) -> dict[str, Any]:
    """The staff the caller manages (a district admin: their district's), with whether each
    account is disabled."""
    page = await paginate(scope.managed_staff_list(who, role=query.role), query)
    page["items"] = [await service.staff_view(s) for s in page["items"]]
    return page


@api.post(
    "/api/v1/staff/{staff_id}/disable",
    roles=("platform_admin", "district_admin"),
    response=StaffOut,
    errors=_STAFF_ERRORS,
)
async def disable_staff(who: Principal, staff_id: str) -> dict[str, Any]:
    """Disables an account: its logins end and its tokens stop working at once."""
    return await service.staff_view(await service.disable_staff(staff_id, by=who))


@api.post(
    "/api/v1/staff/{staff_id}/enable",
    roles=("platform_admin", "district_admin"),
    response=StaffOut,
    errors=_STAFF_ERRORS,
)
async def enable_staff(who: Principal, staff_id: str) -> dict[str, Any]:
    """Lets a disabled account log in again (with a new login; old tokens stay ended)."""
    return await service.staff_view(await service.enable_staff(staff_id, by=who))


@api.post(
    "/api/v1/staff/{staff_id}/password",
    roles=("platform_admin", "district_admin"),
    body=PasswordResetIn,
    response=StaffOut,
    errors=_STAFF_ERRORS,
)
async def reset_staff_password(
    who: Principal, staff_id: str, body: PasswordResetIn
) -> dict[str, Any]:
    """Gives an account a new password; its current logins end."""
    staff = await service.reset_staff_password(staff_id, body.password, by=who)
    return await service.staff_view(staff)


@api.get(
    "/api/v1/me/notifications",
    roles=("resident",),
    query=NotificationQuery,
    response=Page[NotificationOut],
)
async def my_notifications(who: Principal, query: NotificationQuery) -> dict[str, Any]:
    """The resident's notices, newest first (`?unread=true` for the unread): every notice,
    whether or not it was also sent as a WeChat subscribe message."""
    if query.cursor and not decode_cursor(query.cursor).isdigit():
        raise Invalid(
            N_("The cursor is not valid."),
            errors=[{"field": "query.cursor", "message": N_("not a cursor from this API")}],
        )
    page = await paginate(outbox.inbox("resident", who.id, unread=query.unread), query)
    page["items"] = [
        {
            "id": str(n.id),
            "topic": n.topic,
            "text": outbox.notice_text(n.topic, n.payload),
            "payload": n.payload,
            "created_at": n.created_at,
            "read_at": n.read_at,
        }
        for n in page["items"]
    ]
    return page


@api.post(
    "/api/v1/me/notifications/{notification_id}/read",
    roles=("resident",),
    response=MarkedReadOut,
)
async def mark_notification_read(who: Principal, notification_id: str) -> dict[str, Any]:
    """Marks one of the resident's notices read (again: nothing changes)."""
    if not await outbox.inbox("resident", who.id).filter(id=_notice_id(notification_id)).exists():
        raise NotFound(N_("No such notification of yours."))
    return {"marked": await outbox.mark_read("resident", who.id, notification_id)}


@api.post("/api/v1/me/notifications/read", roles=("resident",), response=MarkedReadOut)
async def mark_all_notifications_read(who: Principal) -> dict[str, Any]:
    """Marks every unread notice of the resident read."""
    return {"marked": await outbox.mark_read("resident", who.id)}


def _notice_id(notification_id: str) -> int:
    return int(notification_id) if notification_id.isdigit() and len(notification_id) < 19 else -1


@api.get(
    "/api/v1/onboarding/communities",
    query=JoinableQuery,
    response=list[JoinableCommunityOut],
)
async def joinable_communities(who: Principal, query: JoinableQuery) -> list[dict[str, Any]]:
    """The communities a new resident can join (those open to joining), nearest first when
    `lat`/`lng` are given (`coord`: gcj02 by default, or wgs84); join one with
    `PATCH /api/v1/me`."""
    return await _joinable(query)


async def _joinable(query: JoinableQuery) -> list[dict[str, Any]]:
    lat, lng = query.lat, query.lng
    if lat is not None and lng is not None:
        lat, lng = to_stored(lat, lng, query.coord)
    return await service.joinable_communities(lat, lng, limit=query.limit)


@api.post(
    "/api/v1/residents/{resident_id}/real-name/verify",
    roles=("worker", "district_admin"),
    response=ResidentOut,
    errors=(RealNameMissing,),
)
async def verify_resident_real_name(who: Principal, resident_id: str) -> dict[str, Any]:
    """A worker records that they saw the resident's identity document in person and it
    matches the real name and ID number given: the real name becomes `verified`."""
    resident = await service.verify_real_name_in_person(resident_id, by=who)
    return await service.resident_view(resident)
