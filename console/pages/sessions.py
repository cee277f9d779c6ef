"""A person's own sign-ins to the console: where from, which browser, last seen; end one, or
all but this one. And the check-in screens they opened, each to close."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.responses import Response

from console import lookups, screens
from console.models import CheckinScreen, ConsoleSession
from console.web import ENDED, Ctx, end_session, is_live, redirect
from kernel.errors import NotFound
from kernel.i18n import N_, translate
from kernel.settings import get_settings

PAGE = "/console/sessions"


async def sessions_page(ctx: Ctx) -> Response:
    now = datetime.now(UTC)
    sessions = [
        s
        for s in await ConsoleSession.filter(staff_id=ctx.staff.id, ended_at__isnull=True)
        .order_by("-last_seen_at")
        .limit(100)
        if is_live(s, now) or s.id == ctx.session.id
    ]
    opened = await CheckinScreen.filter(staff_id=ctx.staff.id, expires_at__gt=now).order_by(
        "-created_at"
    )
    titles = await lookups.activity_titles(s.activity_id for s in opened)
    settings = get_settings()
    return ctx.render(
        "sessions.html",
        sessions=sessions,
        screens=opened,
        titles=titles,
        current=ctx.session.id,
        idle_minutes=settings.console_idle_minutes,
        session_hours=settings.console_session_hours,
    )


async def end_one(ctx: Ctx) -> Response:
    """Ends one of the caller's other sessions, or closes one of their check-in screens."""
    target = ctx.request.path_params["id"]
    session = await ConsoleSession.get_or_none(
        id=target, staff_id=ctx.staff.id, ended_at__isnull=True
    )
    if session is not None and session.id != ctx.session.id:
        await end_session(session, ENDED)
        await ctx.say(translate("The session is ended; that browser must sign in again."))
        return redirect(PAGE)
    screen = await CheckinScreen.get_or_none(id=target, staff_id=ctx.staff.id)
    if screen is None:
        raise NotFound(N_("No such session."))
    await screens.end_screen(screen)
    await ctx.say(translate("The check-in screen is closed."))
    return redirect(PAGE)


async def end_others(ctx: Ctx) -> Response:
    others = await ConsoleSession.filter(staff_id=ctx.staff.id, ended_at__isnull=True).exclude(
        id=ctx.session.id
    )
    for session in others:
        await end_session(session, ENDED)
    await ctx.say(translate("Every other session is ended."))
    return redirect(PAGE)
