"""Signing in and out of the console: the API's own login (same accounts, same rate limits),
then a session held by an HttpOnly, SameSite=Strict cookie."""

from __future__ import annotations

import hmac
import secrets

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from accounts.account_schemas import PasswordLoginIn
from accounts.login import issue_staff_tokens, staff_login
from console import web
from console.models import ConsoleSession
from console.web import token_hash as refresh_hash
from kernel.auth import revoke_session
from kernel.db import transaction
from kernel.errors import Problem
from kernel.i18n import translate
from kernel.models import RefreshToken


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/console/") and not value.startswith("//"):
        return value
    return "/console/"


def _login_page(
    request: Request, *, error: str | None = None, status: int = 200, username: str = ""
) -> Response:
    pre = request.cookies.get(web.PRE_COOKIE)
    if not pre or len(pre) > 100:
        pre = secrets.token_urlsafe(24)
    response = web.render(
        request,
        "login.html",
        status=status,
        ctx=None,
        error=error,
        pre=pre,
        username=username,
        next=_safe_next(request.query_params.get("next")),
    )
    response.set_cookie(
        web.PRE_COOKIE,
        pre,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


async def login_form(request: Request) -> Response:
    async with transaction():
        signed_in = await web.load(request)
    if signed_in is not None:
        return web.redirect("/console/")
    return _login_page(request)


async def login(request: Request) -> Response:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    pre = request.cookies.get(web.PRE_COOKIE, "")
    if not pre or not hmac.compare_digest(pre, values.get("csrf", "")):
        return _login_page(
            request, error=translate("The form has expired; reload the page."), status=403
        )
    try:
        body = PasswordLoginIn(
            username=values.get("username", ""), password=values.get("password", "")
        )
    except ValidationError:
        return _login_page(
            request,
            error=translate("The username or the password is wrong."),
            status=422,
            username=values.get("username", ""),
        )
    # The API's login policy itself (`accounts.login`): the same accounts, lockout and
    # rate limits. A refused login is committed (the failure counts), then shown.
    try:
        async with transaction():
            address = request.client.host if request.client else "unknown"
            staff = await staff_login(body.username, body.password, address=address)
            if isinstance(staff, Problem):
                refused: Problem | None = staff
            else:
                refused = None
                tokens = await issue_staff_tokens(staff)
                family = await RefreshToken.get(
                    token_hash=refresh_hash(tokens.refresh_token)
                ).values_list("family", flat=True)
                token, _session = await web.open_session(staff.id, str(family))
    except Problem as problem:
        refused = problem
    if refused is not None:
        return _login_page(
            request,
            error=web.problem_text(refused),
            status=refused.status,
            username=body.username,
        )
    response = web.redirect(_safe_next(values.get("next")))
    web.set_session_cookie(request, response, token)
    response.delete_cookie(web.PRE_COOKIE, path="/console")
    return response


async def logout(request: Request) -> Response:
    form = await request.form()
    sent = form.get("csrf")
    async with transaction():
        session = await web.find_session(request)
        if session is not None and web.csrf_ok(
            request, session.csrf_token, sent if isinstance(sent, str) else None
        ):
            if session.refresh_family:
                await revoke_session(session.refresh_family)
            await ConsoleSession.filter(id=session.id).delete()
        elif session is not None:
            return web.redirect("/console/")
    response = web.redirect("/console/login")
    web.clear_session_cookie(response)
    return response
