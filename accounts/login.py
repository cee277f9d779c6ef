"""Logging in: staff by password, residents by WeChat, each under the login rate limits, and
the token pair a login issues. A refused login is returned, not raised: the failure it
recorded must be committed for the rate limit to count it."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.errors import LoginFailed
from accounts.models import Resident, Staff
from accounts.residents import resident_by_openid
from accounts.staff import normalise_username
from kernel import ratelimit, wechat
from kernel.auth import Role, issue_access_token, issue_refresh_token
from kernel.errors import Problem
from kernel.i18n import N_
from kernel.passwords import verify_password


@dataclass(frozen=True)
class Tokens:
    """A new session: its refresh token and a first access token."""

    access_token: str
    refresh_token: str
    expires_in: int


async def issue_tokens(subject: str, role: Role) -> Tokens:
    refresh, session = await issue_refresh_token(subject)
    access, expires_in = issue_access_token(subject, role, session=session)
    return Tokens(access_token=access, refresh_token=refresh, expires_in=expires_in)


async def issue_staff_tokens(staff: Staff) -> Tokens:
    role: Role = staff.role  # type: ignore[assignment]
    return await issue_tokens(f"staff:{staff.id}", role)


async def staff_login(username: str, password: str, *, address: str) -> Staff | Problem:
    """The enabled member of staff with this username and password. Every failure counts
    against the account and the address; a success clears them."""
    account = normalise_username(username)
    await ratelimit.ensure_login_allowed(account, address)
    staff = await Staff.get_or_none(username=account, disabled_at__isnull=True)
    async with ratelimit.password_attempt(address):
        right = await verify_password(staff.password_hash if staff else None, password)
    if not right or staff is None:
        await ratelimit.record_login_failure(account, address)
        return LoginFailed(N_("The username or the password is wrong."))
    await ratelimit.clear_login_failures(account, address)
    return staff


async def wechat_login(
    code: str, *, address: str, proof: ratelimit.LoginProof | None = None
) -> Resident | Problem:
    """The resident of the WeChat account this `wx.login()` code belongs to, registered on
    their first login. A `dev-` code stands for an openid where the settings allow it. Past
    its address's budget of failures, a login carries a proof of work (`kernel.ratelimit`)."""
    await ratelimit.ensure_wechat_login_allowed(code, address, proof)
    try:
        session = await wechat.login_session(code)
    except wechat.WeChatLoginFailed as refused:
        await ratelimit.record_wechat_login_failure(code, address)
        return refused
    return await resident_by_openid(session.openid, session.unionid)
