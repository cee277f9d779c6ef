"""Logging in: residents with WeChat, staff with a password; refreshing a token pair."""

from __future__ import annotations

from starlette.requests import Request

from app.accounts import principals, residents
from app.accounts.errors import LoginFailed
from app.accounts.models import Staff
from app.accounts.schemas import (
    PasswordLoginIn,
    RefreshIn,
    ResidentOut,
    StaffOut,
    TokenPair,
    WeChatLoginIn,
)
from app.accounts.staff import normalise_username, scopes_of
from app.core import ratelimit, wechat
from app.core.auth import (
    REFRESH_REUSED,
    Role,
    current_principal,
    issue_access_token,
    issue_refresh_token,
    register_principal_loader,
    rotate_refresh_token,
)
from app.core.errors import Problem, RateLimited, Unauthenticated
from app.core.http import Api
from app.core.i18n import N_
from app.core.passwords import verify_password
from app.core.settings import get_settings
from app.core.wechat import WeChatUnavailable

register_principal_loader(principals.load_principal)
api = Api("accounts")


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _tokens(
    subject: str, role: Role, *, resident: ResidentOut | None = None, staff: StaffOut | None = None
) -> TokenPair:
    refresh_token, session = await issue_refresh_token(subject)
    access, expires_in = issue_access_token(subject, role, session=session)
    return TokenPair(
        access_token=access,
        refresh_token=refresh_token,
        expires_in=expires_in,
        resident=resident,
        staff=staff,
    )


@api.post(
    "/api/v1/auth/wechat",
    auth=False,
    body=WeChatLoginIn,
    response=TokenPair,
    errors=(wechat.WeChatLoginFailed, RateLimited, WeChatUnavailable),
)
async def wechat_login(request: Request, body: WeChatLoginIn) -> TokenPair | Problem:
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
    resident = await residents.resident_by_openid(session.openid, session.unionid)
    community = await residents.community_of(resident)
    return await _tokens(
        f"resident:{resident.id}", "resident", resident=ResidentOut.of(resident, community)
    )


@api.post(
    "/api/v1/auth/login",
    auth=False,
    body=PasswordLoginIn,
    response=TokenPair,
    errors=(LoginFailed, RateLimited),
)
async def password_login(request: Request, body: PasswordLoginIn) -> TokenPair | Problem:
    """A community worker or administrator logs in with username and password."""
    address = _client_address(request)
    account = normalise_username(body.username)
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
    scopes = await scopes_of([staff])
    return await _tokens(f"staff:{staff.id}", role, staff=StaffOut.of(staff, scopes[staff.id]))


@api.post("/api/v1/auth/refresh", auth=False, body=RefreshIn, response=TokenPair)
async def refresh(body: RefreshIn) -> TokenPair | Problem:
    """Trades a refresh token for a new pair; the old refresh token stops working."""
    rotated = await rotate_refresh_token(body.refresh_token)
    if rotated is None:
        return Unauthenticated(REFRESH_REUSED)
    subject, refresh_token, session = rotated
    who = await current_principal(subject, session)
    if who is None:
        raise Unauthenticated(N_("The account no longer exists or is disabled."))
    access, expires_in = issue_access_token(subject, who.role, session=session)
    return TokenPair(access_token=access, refresh_token=refresh_token, expires_in=expires_in)
