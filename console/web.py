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
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from accounts.models import Staff
from console import names
from console.models import ConsoleSession
from kernel.auth import Principal, Role, current_principal
from kernel.db import transaction
from kernel.errors import Invalid, Problem
from kernel.http import OUT_OF_RANGE, day_in_range
from kernel.i18n import N_, current_locale, translate
from kernel.settings import get_settings

COOKIE = "console_session"
PRE_COOKIE = "console_pre"
TEMPLATES = Path(__file__).parent / "templates"
LOCAL = ZoneInfo("Asia/Shanghai")
STAFF_ROLES: tuple[Role, ...] = ("worker", "district_admin", "platform_admin")
# The security headers and the console's strict Content-Security-Policy come from
# `kernel.middleware.SecurityHeaders`; console answers are never cached.
SECURITY_HEADERS = {"Cache-Control": "no-store"}


def _gettext(message: str) -> str:
    return translate(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


def local(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A moment in Asia/Shanghai, the city's time."""
    if moment is None:
        return "—"
    return moment.astimezone(LOCAL).strftime(fmt)


def local_input(moment: datetime | None) -> str:
    """For `<input type="datetime-local">`."""
    return moment.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M") if moment else ""


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
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, newstyle=True
    )
    env.filters.update(
        local=local,
        local_input=local_input,
        number=number,
        status=names.status,
        job=names.job,
        role=names.role,
        flag=names.flag,
        source=names.source,
        urlq=lambda v: quote(str(v), safe=""),
    )
    env.globals.update(names=names)
    return env


ENV = _env()


# --- sessions ------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Ctx:
    """The signed-in member of staff of a console request."""

    request: Request
    who: Principal
    staff: Staff
    session: ConsoleSession
    flash: str | None = None
    flash_error: bool = False

    @property
    def csrf(self) -> str:
        return self.session.csrf_token

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        return render(self.request, template, status=status, ctx=self, **values)

    async def say(self, message: str, *, error: bool = False) -> None:
        """A message shown once, on the next page."""
        await ConsoleSession.filter(id=self.session.id).update(flash=message, flash_error=error)


async def open_session(staff_id: str, refresh_family: str | None) -> tuple[str, ConsoleSession]:
    token = secrets.token_urlsafe(32)
    session = await ConsoleSession.create(
        token_hash=token_hash(token),
        staff_id=staff_id,
        csrf_token=secrets.token_urlsafe(32),
        refresh_family=refresh_family,
        expires_at=datetime.now(UTC) + timedelta(days=get_settings().refresh_token_days),
    )
    return token, session


async def find_session(request: Request) -> ConsoleSession | None:
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 100:
        return None
    session = await ConsoleSession.get_or_none(token_hash=token_hash(token))
    if session is None or session.expires_at <= datetime.now(UTC):
        return None
    return session


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=get_settings().refresh_token_days * 86400,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/console")


async def load(request: Request) -> Ctx | None:
    session = await find_session(request)
    if session is None:
        return None
    # The API's own check: the account is enabled and this login (refresh family) not revoked
    # (signing out, a password reset or disabling the account end it at once).
    who = await current_principal(f"staff:{session.staff_id}", session.refresh_family)
    staff = await Staff.get_or_none(id=session.staff_id) if who else None
    if who is None or staff is None:
        return None
    ctx = Ctx(request, who, staff, session)
    if session.flash:
        ctx.flash, ctx.flash_error = session.flash, session.flash_error
        await ConsoleSession.filter(id=session.id).update(flash=None, flash_error=False)
    return ctx


def csrf_ok(request: Request, expected: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(str(sent), expected)


# --- rendering -----------------------------------------------------------------------------


def render(request: Request, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
    html = ENV.get_template(template).render(request=request, lang=current_locale(), **values)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


def problem_text(problem: Problem) -> str:
    """A problem in the reader's language; a form's field errors name the fields by label."""
    if problem.errors:
        parts = [
            f"{names.field(error.get('field', ''))}：{translate(error.get('message', ''))}"
            for error in problem.errors
        ]
        return translate(problem.title) + "：" + "；".join(parts)
    return problem.detail


Handler = Callable[[Ctx], Awaitable[Response]]


def page(
    handler: Handler, *, roles: tuple[Role, ...] = STAFF_ROLES
) -> Callable[[Request], Awaitable[Response]]:
    """A console route. GETs render; POSTs must carry the session's CSRF token (form field
    `csrf` or header `X-CSRF-Token`), run in one transaction, and on a domain error go back
    to where they came from with the error shown in words."""

    async def endpoint(request: Request) -> Response:
        async with transaction():
            ctx = await load(request)
        if ctx is None:
            if request.method == "GET" and not request.headers.get("x-console-fetch"):
                return redirect("/console/login?next=" + quote(request.url.path, safe=""))
            return _plain(translate("Please sign in again."), 401)
        if ctx.who.role not in roles:
            return ctx.render(
                "error.html", status=403, message=translate("Not allowed for your role")
            )
        if request.method != "GET":
            sent = request.headers.get("x-csrf-token")
            if sent is None:
                form = await request.form()
                value = form.get("csrf")
                sent = value if isinstance(value, str) else None
            if not csrf_ok(request, ctx.csrf, sent):
                return _plain(translate("The form has expired; reload the page."), 403)
        try:
            async with transaction():
                return await handler(ctx)
        except Problem as problem:
            message = problem_text(problem)
            if request.method == "GET" or request.headers.get("x-console-fetch"):
                if request.headers.get("x-console-fetch"):
                    return _plain(message, problem.status)
                return ctx.render("error.html", status=problem.status, message=message)
            async with transaction():
                await ctx.say(message, error=True)
            return redirect(back(request))

    return endpoint


def back(request: Request) -> str:
    """Where a form came from (same origin only), else the console's home."""
    referer = request.headers.get("referer", "")
    origin = f"{request.url.scheme}://{request.url.netloc}"
    if referer.startswith(origin + "/console"):
        return referer.removeprefix(origin)
    return "/console/"


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
    """A `datetime-local` value, read as Asia/Shanghai."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=LOCAL)
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
