"""The check-in screen's own credential: opened from a signed-in console session, bound to one
activity, held by a cookie that only the screen's address receives. It serves that activity's
rotating codes and arrivals until the activity's end plus a grace, and nothing else; its
polling is not the worker's activity, so the back office still ends when left alone."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response

from activities.models import Activity
from console import scope
from console.models import CheckinScreen
from console.web import Ctx, client_address, token_hash, user_agent
from kernel.auth import Principal, current_principal, issue_refresh_token, revoke_session
from kernel.errors import NotFound

COOKIE = "console_screen"
# After the activity's end the screen still says it is over and lists the arrivals a while.
GRACE = timedelta(minutes=15)


def may_show(activity: Activity, now: datetime) -> bool:
    """A screen serves an activity until its end plus the grace."""
    return activity.ends_at + GRACE > now


def path_of(activity_id: str) -> str:
    return f"/console/screen/{activity_id}"


@dataclass
class Screen:
    """A check-in screen's request: the credential, who opened it, its activity."""

    credential: CheckinScreen
    who: Principal
    activity: Activity


async def open_screen(ctx: Ctx, activity: Activity) -> str:
    """A new screen credential for `activity`; returns the cookie's token. Its login is a
    refresh family of its own (the token never handed out), so signing out of the console
    leaves it running while disabling the account or resetting its password ends it."""
    token = secrets.token_urlsafe(32)
    _unused, family = await issue_refresh_token(ctx.who.subject)
    await CheckinScreen.create(
        token_hash=token_hash(token),
        activity_id=activity.id,
        staff_id=ctx.staff.id,
        refresh_family=family,
        address=client_address(ctx.request),
        user_agent=user_agent(ctx.request),
        expires_at=activity.ends_at + GRACE,
    )
    return token


def set_cookie(request: Request, response: Response, token: str, activity: Activity) -> None:
    left = activity.ends_at + GRACE - datetime.now(UTC)
    response.set_cookie(
        COOKIE,
        token,
        max_age=max(int(left.total_seconds()), 60),
        path=path_of(activity.id),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


async def find_screen(request: Request, activity_id: str) -> Screen | None:
    """The screen this browser holds for `activity_id`, while it may still show it."""
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 100:
        return None
    credential = await CheckinScreen.get_or_none(token_hash=token_hash(token))
    if credential is None or credential.activity_id != activity_id:
        return None
    who = await current_principal(f"staff:{credential.staff_id}", credential.refresh_family)
    if who is None or who.role not in scope.RUNS_ACTIVITIES:
        return None
    try:
        activity = await scope.managed_activity(activity_id, who=who)
    except NotFound:
        return None
    if not may_show(activity, datetime.now(UTC)):
        return None
    ends = activity.ends_at + GRACE
    if credential.expires_at != ends:  # the activity was moved: the credential follows it
        await CheckinScreen.filter(id=credential.id).update(expires_at=ends)
    return Screen(credential, who, activity)


async def end_screen(credential: CheckinScreen) -> None:
    await revoke_session(credential.refresh_family)
    await CheckinScreen.filter(id=credential.id).delete()
