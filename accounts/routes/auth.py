"""Logging in: residents with WeChat, staff with a password; refreshing a token pair."""

from __future__ import annotations

from starlette.requests import Request

from accounts import login, principals, residents
from accounts.account_schemas import (
    PasswordLoginIn,
    RefreshIn,
    ResidentOut,
    TokenPair,
    WeChatLoginIn,
)
from accounts.errors import LoginFailed
from accounts.schemas import StaffOut
from accounts.staff import scopes_of
from kernel import wechat
from kernel.auth import (
    REFRESH_REUSED,
    current_principal,
    issue_access_token,
    register_principal_loader,
    rotate_refresh_token,
)
from kernel.errors import Problem, RateLimited, Unauthenticated
from kernel.http import Api
from kernel.i18n import N_
from kernel.ratelimit import LoginProofRequired
from kernel.wechat import WeChatUnavailable

register_principal_loader(principals.load_principal)
api = Api("accounts")


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _token_pair(
    tokens: login.Tokens, *, resident: ResidentOut | None = None, staff: StaffOut | None = None
) -> TokenPair:
    return TokenPair(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
        resident=resident,
        staff=staff,
    )


@api.post(
    "/api/v1/auth/wechat",
    auth=False,
    body=WeChatLoginIn,
    response=TokenPair,
    errors=(wechat.WeChatLoginFailed, LoginProofRequired, WeChatUnavailable),
)
async def wechat_login(request: Request, body: WeChatLoginIn) -> TokenPair | Problem:
    """A resident logs in with the code from wx.login(). After many failed logins from the
    caller's address, a 429 `login_proof_required` carries a `challenge` and a `difficulty`:
    the login is sent again with `proof` (docs/security.md)."""
    proof = body.proof.proof() if body.proof else None
    resident = await login.wechat_login(body.code, address=_client_address(request), proof=proof)
    if isinstance(resident, Problem):
        return resident
    community = await residents.community_of(resident)
    tokens = await login.issue_tokens(f"resident:{resident.id}", "resident")
    return _token_pair(tokens, resident=ResidentOut.of(resident, community))


@api.post(
    "/api/v1/auth/login",
    auth=False,
    body=PasswordLoginIn,
    response=TokenPair,
    errors=(LoginFailed, RateLimited),
)
async def password_login(request: Request, body: PasswordLoginIn) -> TokenPair | Problem:
    """A community worker or administrator logs in with username and password."""
    staff = await login.staff_login(body.username, body.password, address=_client_address(request))
    if isinstance(staff, Problem):
        return staff
    scopes = await scopes_of([staff])
    return _token_pair(
        await login.issue_staff_tokens(staff), staff=StaffOut.of(staff, scopes[staff.id])
    )


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
