"""The console's machinery: templates in the request's language, the session cookie, CSRF,
and `page()`, which turns a handler into a route that authenticates, authorises, opens the
request's transaction and answers a rendered page (or a redirect after a form)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Match

from accounts.models import Staff
from activities.scope import runs_activities
from console import forms, names
from console.models import ConsoleSession
from kernel import localtime
from kernel.auth import STAFF_ROLES, Principal, Role, current_principal, revoke_session
from kernel.db import transaction
from kernel.errors import Invalid, Problem
from kernel.http import OUT_OF_RANGE, day_in_range
from kernel.i18n import N_, current_locale, translate
from kernel.pages import page_environment
from kernel.settings import get_settings

COOKIE = "console_session"
PRE_COOKIE = "console_pre"
# Which session this browser had (its row's id: it authenticates nothing). It outlives the
# session's own cookie, which lapses with the absolute limit, so that the login page can
# still say the session timed out and a form posted then is still kept.
LAST_COOKIE = "console_last"
AFTERLIFE = timedelta(hours=1)
TEMPLATES = Path(__file__).parent / "templates"
# The security headers and the console's strict Content-Security-Policy come from
# `kernel.middleware.RequestEdge`; console answers are never cached.
SECURITY_HEADERS = {"Cache-Control": "no-store"}


def local(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A moment in the city's time."""
    if moment is None:
        return "—"
    return moment.astimezone(localtime.zone()).strftime(fmt)


def local_input(moment: datetime | None) -> str:
    """For `<input type="datetime-local">`."""
    return moment.astimezone(localtime.zone()).strftime("%Y-%m-%dT%H:%M") if moment else ""


def number(value: Decimal | float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:f}"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _env() -> Environment:
    env = page_environment(TEMPLATES)
    env.filters.update(
        local=local,
        local_input=local_input,
        number=number,
        status=names.status,
        job=names.job,
        role=names.role,
        flag=names.flag,
        source=names.source,
        purpose=names.purpose,
        browser=names.browser,
        urlq=lambda v: quote(str(v), safe=""),
        period=localtime.period_name,
    )
    # A rule the base layout asks of every page, from the domain that holds it.
    env.globals.update(names=names, runs_activities=runs_activities)
    return env


ENV = _env()


# --- sessions ------------------------------------------------------------------------------

TIMED_OUT, ENDED = "timeout", "ended"  # why a session ended (the login page says it)
HOME = "/console/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(minutes=get_settings().console_idle_minutes)


def session_limit() -> timedelta:
    return timedelta(hours=get_settings().console_session_hours)


def _record_every() -> timedelta:
    """How stale the recorded last request may get: a minute (a tenth of a short limit)."""
    return min(timedelta(minutes=1), idle_limit() / 10)


def client_address(request: Request) -> str:
    return request.client.host[:64] if request.client else ""


def user_agent(request: Request) -> str:
    return request.headers.get("user-agent", "")[:300]


@dataclass
class Ctx:
    """The signed-in member of staff of a console request."""

    request: Request
    who: Principal
    staff: Staff
    session: ConsoleSession
    flash: str | None = None
    flash_error: bool = False
    form_state: dict[str, Any] | None = None

    @property
    def csrf(self) -> str:
        return self.session.csrf_token

    def may(self, path: str, method: str = "GET") -> bool:
        """May this member of staff open the console's `path` with `method`? Decided by the
        roles of the route itself (`page(roles=…)`), so a page shows a link or a button only
        to those it works for, and no template keeps a copy of a route's roles."""
        return self.who.role in roles_of(self.request, path, method)

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = page_html(self.request, template, ctx=self, **values)
        if self.form_state:
            html = forms.apply(html, self.form_state, self._form_summary)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def _form_summary(self, state: dict[str, Any]) -> str:
        return page_html(self.request, "_form_summary.html", state=state)

    async def say(self, message: str, *, error: bool = False) -> None:
        """A message shown once, on the next page."""
        await ConsoleSession.filter(id=self.session.id).update(flash=message, flash_error=error)

    async def keep_form(self, state: dict[str, Any]) -> None:
        """A form shown again, filled in, on the next page (`console.forms`)."""
        await ConsoleSession.filter(id=self.session.id).update(form_state=state)


@dataclass
class Ended:
    """A browser whose session is over: timed out, or ended (signed out elsewhere, the account
    disabled, its password reset). The row still says whose it was."""

    session: ConsoleSession
    reason: str


async def open_session(
    staff_id: str,
    refresh_family: str | None,
    request: Request,
    *,
    form_state: dict[str, Any] | None = None,
) -> tuple[str, ConsoleSession]:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session = await ConsoleSession.create(
        token_hash=token_hash(token),
        staff_id=staff_id,
        csrf_token=secrets.token_urlsafe(32),
        refresh_family=refresh_family,
        address=client_address(request),
        user_agent=user_agent(request),
        form_state=form_state,
        last_seen_at=now,
        expires_at=now + session_limit(),
    )
    return token, session


async def find_session(request: Request) -> ConsoleSession | None:
    """The session row the browser's cookie names, live or ended."""
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 100:
        return None
    return await ConsoleSession.get_or_none(token_hash=token_hash(token))


async def find_earlier_session(request: Request) -> ConsoleSession | None:
    """The session this browser had, by the session's cookie or else by `LAST_COOKIE` (then
    only once it is over: an id never stands for a live session)."""
    session = await find_session(request)
    if session is not None:
        return session
    last = request.cookies.get(LAST_COOKIE)
    if not last or len(last) > 26:
        return None
    session = await ConsoleSession.get_or_none(id=last)
    if session is None or is_live(session, datetime.now(UTC)):
        return None
    return session


def is_live(session: ConsoleSession, now: datetime) -> bool:
    """Not ended, within the absolute limit, and used within the idle limit."""
    return (
        session.ended_at is None
        and session.expires_at > now
        and session.last_seen_at + idle_limit() > now
    )


async def end_session(session: ConsoleSession, reason: str) -> None:
    """Ends a session; its row stays (until its absolute limit) to say so to its browser."""
    if session.ended_at is not None:
        return
    if session.refresh_family:
        await revoke_session(session.refresh_family)
    session.ended_at, session.ended_reason = datetime.now(UTC), reason
    await ConsoleSession.filter(id=session.id).update(
        ended_at=session.ended_at, ended_reason=reason, flash=None, form_state=None
    )


async def discard_session(session: ConsoleSession) -> None:
    """Signing out, or signing in again over it: the login ends and the row goes."""
    if session.ended_at is None and session.refresh_family:
        await revoke_session(session.refresh_family)
    await ConsoleSession.filter(id=session.id).delete()


def set_session_cookie(
    request: Request, response: Response, token: str, session: ConsoleSession
) -> None:
    lifetime = session_limit()
    for name, value, max_age in (
        (COOKIE, token, lifetime),
        (LAST_COOKIE, session.id, lifetime + AFTERLIFE),
    ):
        response.set_cookie(
            name,
            value,
            max_age=int(max_age.total_seconds()),
            path="/console",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/console")
    response.delete_cookie(LAST_COOKIE, path="/console")


async def load(request: Request) -> Ctx | Ended | None:
    """The signed-in member of staff, or why not. A live session's request is recorded as the
    person's activity, at most once a minute (a cheap idle limit)."""
    session = await find_earlier_session(request)
    if session is None:
        return None
    if session.ended_at is not None:
        return Ended(session, session.ended_reason or ENDED)
    now = datetime.now(UTC)
    if not is_live(session, now):
        await end_session(session, TIMED_OUT)
        return Ended(session, TIMED_OUT)
    # The API's own check: the account is enabled and this login (refresh family) not revoked
    # (signing out, a password reset or disabling the account end it at once).
    who = await current_principal(f"staff:{session.staff_id}", session.refresh_family)
    staff = await Staff.get_or_none(id=session.staff_id) if who else None
    if who is None or staff is None:
        await end_session(session, ENDED)
        return Ended(session, ENDED)
    ctx = Ctx(request, who, staff, session)
    changes: dict[str, Any] = {}
    if session.flash or session.form_state:
        ctx.flash, ctx.flash_error = session.flash, session.flash_error
        ctx.form_state = session.form_state
        changes.update(flash=None, flash_error=False, form_state=None)
    if now - session.last_seen_at >= _record_every():
        changes["last_seen_at"] = now
    if changes:
        await ConsoleSession.filter(id=session.id).update(**changes)
    return ctx


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a page of the console on this site, never elsewhere
    (no scheme, no host, no `//`, `\\`, dot segments or control characters, even encoded)."""
    if not value or len(value) > 2000:
        return HOME
    parts = urlsplit(value)
    path = unquote(parts.path)
    if (
        parts.scheme
        or parts.netloc
        or not value.startswith(HOME)
        or "\\" in unquote(value)
        or "//" in path
        or any(segment in (".", "..") for segment in path.split("/"))
        or any(ord(c) < 32 or ord(c) == 127 for c in unquote(value))
        or path in ("/console/login", "/console/logout")
        or path.startswith(("/console/static/", "/console/screen/"))
    ):
        return HOME
    return value


def login_url(next_page: str, ended: str | None = None) -> str:
    query = {"next": safe_next(next_page)}
    if ended:
        query["ended"] = ended
    return "/console/login?" + urlencode(query)


def csrf_ok(request: Request, expected: str, sent: str | None) -> bool:
    # As bytes: `compare_digest` refuses non-ASCII text (a forged token would be a 500).
    return bool(sent) and hmac.compare_digest(str(sent).encode(), expected.encode())


# --- rendering -----------------------------------------------------------------------------


def page_html(request: Request, template: str, **values: Any) -> str:
    return ENV.get_template(template).render(request=request, lang=current_locale(), **values)


def render(request: Request, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
    return HTMLResponse(
        page_html(request, template, **values), status_code=status, headers=SECURITY_HEADERS
    )


def wants_page(request: Request) -> bool:
    """A browser asking for a page outside the API: errors answer an HTML page, not JSON."""
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def http_error_page(request: Request, status: int) -> HTMLResponse:
    """The page of a path that names nothing (404) or a method a path refuses (405), in the
    reader's language, readable on a phone; the console's own paths link back to it."""
    path = request.url.path
    if status == 404:
        heading, message = translate("No such page"), translate("No page at {path}.", path=path)
    else:
        heading = translate("Something went wrong")
        message = translate("{method} is not allowed on {path}", method=request.method, path=path)
    home = "/console/" if path.startswith("/console") else ""
    return render(request, "error.html", status=status, heading=heading, message=message, home=home)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


def problem_text(problem: Problem) -> str:
    """A problem in the reader's language; a form's field errors name the fields by label."""
    body = problem.body()  # field messages rendered in the reader's language
    if body.get("errors"):
        parts = [
            f"{names.field(error.get('field', ''))}：{error.get('message', '')}"
            for error in body["errors"]
        ]
        return str(body["title"]) + "：" + "；".join(parts)
    return problem.detail


Handler = Callable[[Ctx], Awaitable[Response]]


def page(
    handler: Handler, *, roles: tuple[Role, ...] = STAFF_ROLES
) -> Callable[[Request], Awaitable[Response]]:
    """A console route. GETs render; POSTs must carry the session's CSRF token (form field
    `csrf` or header `X-CSRF-Token`), run in one transaction, and on a domain error go back
    to where they came from with the form filled in again and the error shown in words."""

    async def endpoint(request: Request) -> Response:
        fetch = bool(request.headers.get("x-console-fetch"))
        async with transaction():
            visit = await load(request)
            if not isinstance(visit, Ctx):
                return await _signed_out(request, visit, fetch=fetch)
        ctx = visit
        if ctx.who.role not in roles:
            return ctx.render(
                "error.html", status=403, message=translate("Not allowed for your role")
            )
        if request.method != "GET":
            sent = request.headers.get("x-csrf-token")
            if sent is None:
                value = (await request.form()).get("csrf")
                sent = value if isinstance(value, str) else None
            if not csrf_ok(request, ctx.csrf, sent):
                if not fetch and await _of_an_ended_session(ctx, sent):
                    # Signed in again in another tab: this tab's form is shown again.
                    async with transaction():
                        await ctx.keep_form(
                            forms.kept(request.url.path, await _posted(request), _now())
                        )
                    return redirect(back(request))
                return _plain(translate("The form has expired; reload the page."), 403)
        try:
            async with transaction():
                return await handler(ctx)
        except Problem as problem:
            if fetch:
                return _plain(problem_text(problem), problem.status)
            if request.method == "GET":
                return ctx.render(
                    "error.html", status=problem.status, message=problem_text(problem)
                )
            state = forms.refused(request.url.path, await _posted(request), problem)
            async with transaction():
                await ctx.keep_form(state)
            return redirect(back(request))

    endpoint.roles = roles  # type: ignore[attr-defined]  # read by `roles_of`
    return endpoint


_ROLES_OF: dict[tuple[str, str], tuple[Role, ...]] = {}


def roles_of(request: Request, path: str, method: str) -> tuple[Role, ...]:
    """The roles a console route takes; a path no console page serves is a template's
    mistake, raised rather than hiding a link."""
    key = (path, method)
    if key not in _ROLES_OF:
        if len(_ROLES_OF) > 4096:  # paths name ids: bounded
            _ROLES_OF.clear()
        scope = {"type": "http", "path": path, "method": method, "root_path": ""}
        _ROLES_OF[key] = _route_roles(request.app.router.routes, scope)
    return _ROLES_OF[key]


def _route_roles(routes: list[Any], scope: dict[str, Any]) -> tuple[Role, ...]:
    for route in routes:
        match, child = route.matches(scope)
        if match is not Match.FULL:
            continue
        inner = getattr(route, "routes", None)
        if inner is not None:  # a Mount: the rest of the path among its routes
            return _route_roles(inner, {**scope, **child})
        return tuple(getattr(getattr(route, "endpoint", None), "roles", ()))
    raise LookupError(f"no console page answers {scope['method']} {scope['path']}")


async def _signed_out(request: Request, visit: Ended | None, *, fetch: bool) -> Response:
    """No live session: to the login page (saying why), and back here after it. A form
    posted by a session that ended is kept on its row for the same person's next login."""
    if fetch:
        return _plain(translate("Please sign in again."), 401)
    reason = visit.reason if visit else None
    if request.method == "GET":
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect(login_url(here, reason))
    if visit is not None:
        form = await request.form()
        sent = form.get("csrf")
        if csrf_ok(request, visit.session.csrf_token, sent if isinstance(sent, str) else None):
            state = forms.kept(request.url.path, forms.kept_values(form), _now())
            await ConsoleSession.filter(id=visit.session.id).update(form_state=state)
    return redirect(login_url(back(request), reason))


async def _of_an_ended_session(ctx: Ctx, sent: str | None) -> bool:
    """Was this form rendered for an earlier session of the same person (signed in again
    since, in another tab)?"""
    if not sent or len(sent) > 100:
        return False
    return await ConsoleSession.filter(
        staff_id=ctx.staff.id, csrf_token=sent, ended_at__isnull=False
    ).exists()


async def _posted(request: Request) -> dict[str, list[str]]:
    return forms.kept_values(await request.form())


def _now() -> datetime:
    return datetime.now(UTC)


def back(request: Request) -> str:
    """Where a form came from (same origin only), else the console's home."""
    referer = request.headers.get("referer", "")
    origin = f"{request.url.scheme}://{request.url.netloc}"
    if referer.startswith(origin + "/console/"):
        return safe_next(referer.removeprefix(origin).partition("#")[0])
    return HOME


def _plain(message: str, status: int) -> Response:
    return Response(
        message,
        status_code=status,
        media_type="text/plain; charset=utf-8",
        headers=SECURITY_HEADERS,
    )


async def form_data(ctx: Ctx) -> dict[str, str]:
    form = await ctx.request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def parse_local(value: str) -> datetime | None:
    """A `datetime-local` value, read in the city's time."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=localtime.zone())
    except ValueError:
        return None


def parse_date(value: str | None, *, field: str) -> date | None:
    """A `YYYY-MM-DD` filter (None when empty or not a date); a date outside the days the
    service deals in is refused, as the API refuses it (`kernel.http.day_in_range`)."""
    if not value:
        return None
    try:
        found = date.fromisoformat(value)
    except ValueError:
        return None
    try:
        return day_in_range(found)
    except ValueError as exc:
        raise Invalid(
            N_("Choose a period from 2000-01-01 to 2100-12-31."),
            errors=[{"field": field, "message": OUT_OF_RANGE}],
        ) from exc
