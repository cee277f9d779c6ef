"""Signing in and out of the console: the API's own login (same accounts, same rate limits),
then a session held by an HttpOnly, SameSite=Strict cookie; after a session ended, back to
the page the person was on, with a form they had posted filled in again."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from accounts.account_schemas import PasswordLoginIn
from accounts.login import issue_staff_tokens, staff_login
from console import forms, web
from console.models import ConsoleSession
from console.web import token_hash as refresh_hash
from kernel.db import transaction
from kernel.errors import Problem
from kernel.i18n import N_, translate
from kernel.models import RefreshToken

ENDED_MESSAGES = {
    web.TIMED_OUT: N_("Your sign-in has timed out; please sign in again."),
    web.ENDED: N_("Your sign-in has ended; please sign in again."),
}


def _login_page(
    request: Request,
    *,
    error: str | None = None,
    status: int = 200,
    username: str = "",
    notice: str | None = None,
    form_kept: bool = False,
    next_page: str | None = None,
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
        notice=notice,
        form_kept=form_kept,
        next=web.safe_next(next_page or request.query_params.get("next")),
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
        visit = await web.load(request)
    if isinstance(visit, web.Ctx):
        return web.redirect(web.safe_next(request.query_params.get("next")))
    ended = request.query_params.get("ended")
    notice = ENDED_MESSAGES.get(ended or "")
    kept = isinstance(visit, web.Ended) and forms.still_fresh(
        visit.session.form_state, datetime.now(UTC)
    )
    return _login_page(request, notice=translate(notice) if notice else None, form_kept=kept)


async def login(request: Request) -> Response:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    pre = request.cookies.get(web.PRE_COOKIE, "")
    if not pre or not web.csrf_ok(request, pre, values.get("csrf")):
        return _login_page(
            request,
            error=translate("The form has expired; reload the page."),
            status=403,
            next_page=values.get("next"),
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
            next_page=values.get("next"),
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
                form_state = await _replace_earlier_session(request, staff.id)
                tokens = await issue_staff_tokens(staff)
                family = await RefreshToken.get(
                    token_hash=refresh_hash(tokens.refresh_token)
                ).values_list("family", flat=True)
                token, session = await web.open_session(
                    staff.id, str(family), request, form_state=form_state
                )
    except Problem as problem:
        refused = problem
    if refused is not None:
        return _login_page(
            request,
            error=web.problem_text(refused),
            status=refused.status,
            username=body.username,
            next_page=values.get("next"),
        )
    response = web.redirect(web.safe_next(values.get("next")))
    web.set_session_cookie(request, response, token, session)
    response.delete_cookie(web.PRE_COOKIE, path="/console")
    return response


async def _replace_earlier_session(request: Request, staff_id: str) -> dict[str, Any] | None:
    """The browser's earlier session gives way: a form it kept comes along when it was the
    same person's and is still fresh (else it is dropped). A live one ends; an ended row
    stays (until its purge) so that a form another tab rendered for it is still known."""
    earlier = await web.find_earlier_session(request)
    if earlier is None:
        return None
    state: dict[str, Any] | None = earlier.form_state
    if earlier.ended_at is None:
        await web.discard_session(earlier)
    elif state is not None:
        await ConsoleSession.filter(id=earlier.id).update(form_state=None)
    if earlier.staff_id == staff_id and forms.still_fresh(state, datetime.now(UTC)):
        return state
    return None


async def logout(request: Request) -> Response:
    form = await request.form()
    sent = form.get("csrf")
    async with transaction():
        session = await web.find_session(request)
        if session is not None and web.csrf_ok(
            request, session.csrf_token, sent if isinstance(sent, str) else None
        ):
            await web.discard_session(session)
        elif session is not None:
            return web.redirect(web.HOME)
    response = web.redirect("/console/login")
    web.clear_session_cookie(response)
    return response
