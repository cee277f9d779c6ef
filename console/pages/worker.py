"""A worker's day: today's and upcoming activities, the activity form, roster, attendances
(approve / reject / change hours), back-fill, and the rotating check-in screen (served with
its own credential, `console.screens`)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from accounts.models import Community
from activities import attendance as attendance_service
from activities import enrolment, records
from activities import service as activities
from activities.checkin import issue_checkin_token, qr_png
from activities.models import Activity, Attendance, Enrollment
from activities.schemas.activities import ActivityIn, ActivityPatch, CancelIn
from activities.schemas.attendance import BackfillIn, VerifyIn
from console import lookups, scope, screens
from console.scope import (
    communities_of,
    readable_activities,
    readable_attendances,
    readable_corrections,
    readable_deeds,
    runs_activities,
)
from console.web import (
    SECURITY_HEADERS,
    Ctx,
    clear_session_cookie,
    discard_session,
    form_data,
    parse_local,
    redirect,
    render,
)
from kernel import localtime
from kernel.db import transaction
from kernel.errors import Conflict
from kernel.http import parse
from kernel.i18n import N_, translate

LIST_LIMIT = 100


async def _communities_of(ctx: Ctx) -> list[Community]:
    return list(await communities_of(ctx.who).rows().order_by("name"))


async def _activity_rows(activities_: list[Activity]) -> list[dict[str, Any]]:
    communities = await lookups.communities(a.community_id for a in activities_)
    counts = await enrolment.activity_counts([a.id for a in activities_])
    names: dict[str, dict[str, str]] = {}
    rows = []
    for a in activities_:
        if a.district_id not in names:
            names[a.district_id] = await lookups.action_names(a.district_id)
        community = communities.get(a.community_id)
        rows.append(
            {
                "activity": a,
                "community": community.name if community else "—",
                "action": names[a.district_id].get(a.action, translate("Unknown")),
                "enrolled": counts[a.id]["enrolled"],
                "waitlisted": counts[a.id]["waitlisted"],
            }
        )
    return rows


async def home(ctx: Ctx) -> Response:
    """Today's activities, the next ones, and the work waiting."""
    now = datetime.now(UTC)
    # Today in the city, as UTC moments (SQLite compares the stored UTC text).
    local_today, tomorrow = localtime.day_bounds(localtime.local_date(now))
    scoped = readable_activities(ctx.who).rows()
    today = (
        await scoped.filter(
            starts_at__lt=tomorrow, ends_at__gte=local_today, status__in=("published", "finished")
        )
        .order_by("starts_at")
        .limit(LIST_LIMIT)
    )
    upcoming = (
        await scoped.filter(starts_at__gte=tomorrow, status="published")
        .order_by("starts_at")
        .limit(20)
    )
    pending = {
        "attendances": await readable_attendances(ctx.who).rows().filter(status="pending").count(),
        "deeds": await readable_deeds(ctx.who).rows().filter(status="pending").count(),
        "corrections": await readable_corrections(ctx.who).rows().filter(status="pending").count(),
    }
    return ctx.render(
        "home.html",
        today=await _activity_rows(today),
        upcoming=await _activity_rows(upcoming),
        pending=pending,
        now=now,
    )


async def activity_list(ctx: Ctx) -> Response:
    scoped = readable_activities(ctx.who).rows()
    rows = await scoped.order_by("-starts_at").limit(LIST_LIMIT)
    return ctx.render("activities.html", rows=await _activity_rows(rows))


def _activity_form_values(a: Activity | None) -> dict[str, Any]:
    if a is None:
        start = (datetime.now(UTC) + timedelta(days=1)).astimezone(localtime.zone())
        start = start.replace(hour=9, minute=0, second=0, microsecond=0)
        return {
            "title": "",
            "description": "",
            "action": "volunteering",
            "community": "",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "20",
            "address": "",
            "lat": "",
            "lng": "",
            "radius_m": "",
            "walk_ins": False,
        }
    return {
        "title": a.title,
        "description": a.description,
        "action": a.action,
        "community": a.community_id,
        "starts_at": a.starts_at.astimezone(localtime.zone()).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": a.ends_at.astimezone(localtime.zone()).strftime("%Y-%m-%dT%H:%M"),
        "capacity": str(a.capacity),
        "address": a.address,
        "lat": str(a.lat),
        "lng": str(a.lng),
        "radius_m": str(a.radius_m),
        "walk_ins": a.walk_ins,
    }


async def _form_page(
    ctx: Ctx, *, activity: Activity | None, values: dict[str, Any], error: str | None = None
) -> Response:
    communities = await _communities_of(ctx)
    actions = await activities.list_actions(ctx.who)
    return ctx.render(
        "activity_form.html",
        status=422 if error else 200,
        activity=activity,
        values=values,
        communities=communities,
        actions=actions,
        error=error,
    )


def _location(values: dict[str, str]) -> dict[str, Any]:
    location: dict[str, Any] = {
        "lat": values.get("lat") or None,
        "lng": values.get("lng") or None,
        "address": values.get("address", ""),
    }
    if values.get("radius_m"):
        location["radius_m"] = values["radius_m"]
    return location


def _times(values: dict[str, str]) -> dict[str, Any]:
    return {
        "starts_at": parse_local(values.get("starts_at", "")) or values.get("starts_at") or None,
        "ends_at": parse_local(values.get("ends_at", "")) or values.get("ends_at") or None,
    }


async def new_activity(ctx: Ctx) -> Response:
    return await _form_page(ctx, activity=None, values=_activity_form_values(None))


async def create_activity(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    community = await Community.get_or_none(id=values.get("community", ""))
    body = parse(
        ActivityIn,
        {
            "title": values.get("title", ""),
            "description": values.get("description", ""),
            "action": values.get("action", ""),
            "community": community.code if community else "-",
            "capacity": values.get("capacity") or None,
            "location": _location(values),
            "walk_ins": values.get("walk_ins") == "on",
            **_times(values),
        },
    )
    assert isinstance(body, ActivityIn)
    created = await activities.create_activity(
        who=ctx.who,
        title=body.title,
        description=body.description,
        action=body.action,
        community=body.community,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        capacity=body.capacity,
        walk_ins=body.walk_ins,
        lat=body.location.lat,
        lng=body.location.lng,
        radius_m=body.location.radius_m,
        address=body.location.address,
    )
    await ctx.say(translate("The activity is published."))
    return redirect(f"/console/activities/{created.id}")


async def edit_activity(ctx: Ctx) -> Response:
    activity = await scope.managed_activity(ctx.request.path_params["id"], who=ctx.who)
    return await _form_page(ctx, activity=activity, values=_activity_form_values(activity))


async def update_activity(ctx: Ctx) -> Response:
    activity = await scope.managed_activity(ctx.request.path_params["id"], who=ctx.who)
    values = await form_data(ctx)
    body = parse(
        ActivityPatch,
        {
            "title": values.get("title", ""),
            "description": values.get("description", ""),
            "capacity": values.get("capacity") or None,
            "location": _location(values),
            "walk_ins": values.get("walk_ins") == "on",
            **_times(values),
        },
    )
    await activities.update_activity(activity, body.model_dump(exclude_unset=True))
    await ctx.say(translate("The activity is saved."))
    return redirect(f"/console/activities/{activity.id}")


async def cancel_activity(ctx: Ctx) -> Response:
    activity = await scope.managed_activity(ctx.request.path_params["id"], who=ctx.who)
    values = await form_data(ctx)
    body = parse(CancelIn, {"reason": values.get("reason", "")})
    assert isinstance(body, CancelIn)
    await activities.cancel_activity(activity, reason=body.reason)
    await ctx.say(translate("The activity is cancelled; enrolled residents are told."))
    return redirect(f"/console/activities/{activity.id}")


async def activity_detail(ctx: Ctx) -> Response:
    activity = await scope.managed_activity(ctx.request.path_params["id"], who=ctx.who)
    (row,) = await _activity_rows([activity])
    enrolments = await Enrollment.filter(activity_id=activity.id).order_by("queued_at")
    attendances = await Attendance.filter(activity_id=activity.id).order_by("checked_in_at")
    people = await lookups.people(
        [e.resident_id for e in enrolments] + [a.resident_id for a in attendances]
    )
    q, found = await find_residents(ctx)
    now = datetime.now(UTC)
    return ctx.render(
        "activity.html",
        # A back-fill during the activity ends now (it must have ended), afterwards at its end.
        backfill_left=min(now, activity.ends_at),
        q=q,
        found=found,
        row=row,
        activity=activity,
        enrolments=enrolments,
        attendances=attendances,
        people=people,
        can_change=activity.status == "published" and activity.starts_at > now,
        runs=runs_activities(ctx.who),
    )


async def verify(ctx: Ctx) -> Response:
    """Approve (with the hours as checked, or changed with a reason) or reject with a reason."""
    values = await form_data(ctx)
    data: dict[str, Any] = {"decision": values.get("decision", "")}
    if values.get("hours"):
        data["hours"] = values["hours"]
    if values.get("reason"):
        data["reason"] = values["reason"]
    body = parse(VerifyIn, data)
    assert isinstance(body, VerifyIn)
    attendance = await scope.managed_attendance(ctx.request.path_params["id"], who=ctx.who)
    hours = body.hours
    if hours is not None and attendance.hours is not None and hours == attendance.hours:
        hours = None
    decided = await records.verify_attendance(
        attendance.id, by=ctx.who, decision=body.decision, hours=hours, reason=body.reason
    )
    await ctx.say(
        translate("Approved.") if decided.status == "verified" else translate("Rejected.")
    )
    return redirect(f"/console/activities/{decided.activity_id}#attendances")


async def backfill(ctx: Ctx) -> Response:
    activity = await scope.managed_activity(ctx.request.path_params["id"], who=ctx.who)
    values = await form_data(ctx)
    body = parse(
        BackfillIn,
        {
            "resident": values.get("resident", ""),
            "checked_in_at": parse_local(values.get("checked_in_at", "")),
            "checked_out_at": parse_local(values.get("checked_out_at", "")),
            "note": values.get("note", ""),
        },
    )
    assert isinstance(body, BackfillIn)
    await attendance_service.backfill_attendance(
        activity.id,
        who=ctx.who,
        resident_id=body.resident,
        checked_in_at=body.checked_in_at,
        checked_out_at=body.checked_out_at,
        note=body.note,
    )
    await ctx.say(translate("The attendance is back-filled; approve it below."))
    return redirect(f"/console/activities/{activity.id}#attendances")


# --- the check-in screen -------------------------------------------------------------------


async def checkin_screen(ctx: Ctx) -> Response:
    """What the screen is, and the two ways to open it (keeping this browser signed in, or
    not: a tablet left at the venue)."""
    activity = await scope.managed_activity(ctx.request.path_params["id"], who=ctx.who)
    return ctx.render(
        "checkin_open.html",
        activity=activity,
        grace=screens.GRACE,
        over=not screens.may_show(activity, datetime.now(UTC)),
    )


async def open_checkin_screen(ctx: Ctx) -> Response:
    activity = await scope.managed_activity(ctx.request.path_params["id"], who=ctx.who)
    if not screens.may_show(activity, datetime.now(UTC)):
        raise Conflict(N_("The activity is over; check-in is closed."))
    token = await screens.open_screen(ctx, activity)
    response = redirect(screens.path_of(activity.id))
    screens.set_cookie(ctx.request, response, token, activity)
    if (await form_data(ctx)).get("then") == "sign-out":
        await discard_session(ctx.session)
        clear_session_cookie(response)
    return response


async def screen_page(request: Request) -> Response:
    """The screen itself, shown with the screen's credential alone."""
    async with transaction():
        screen = await screens.find_screen(request, request.path_params["id"])
        if screen is None:
            return _screen_closed(request)
        (row,) = await _activity_rows([screen.activity])
    return render(request, "checkin.html", ctx=None, row=row, activity=screen.activity)


async def screen_code(request: Request) -> Response:
    """What the check-in screen shows now: a fresh code while the activity runs (and a little
    before), who has arrived, and plainly when it is over. Polled with the screen's own
    credential, so it keeps going for the whole activity whatever the tokens' or the
    console session's lifetime, and it is no one's activity in the console."""
    async with transaction():
        screen = await screens.find_screen(request, request.path_params["id"])
        if screen is None:
            return Response(
                translate("This check-in screen has closed."),
                status_code=403,
                media_type="text/plain; charset=utf-8",
                headers=SECURITY_HEADERS,
            )
        return JSONResponse(await _screen_now(screen.activity), headers=SECURITY_HEADERS)


def _screen_closed(request: Request) -> Response:
    return render(
        request,
        "error.html",
        status=403,
        ctx=None,
        message=translate(
            "This check-in screen has closed: the activity is over, or the screen was ended. "
            "Open it again from the activity's page."
        ),
    )


async def _screen_now(activity: Activity) -> dict[str, Any]:
    now = datetime.now(UTC)
    arrived = await Attendance.filter(activity_id=activity.id, source="live").order_by(
        "-checked_in_at"
    )
    people = await lookups.people(a.resident_id for a in arrived)
    state = "live"
    if activity.status == "cancelled":
        state = "cancelled"
    elif activity.status == "finished" or activity.ends_at <= now:
        state = "over"
    payload: dict[str, Any] = {
        "state": state,
        "message": {
            "live": translate("Scan to check in or out"),
            "over": translate("The activity is over; check-in is closed."),
            "cancelled": translate("The activity was cancelled."),
        }[state],
        "arrived": [
            {
                "name": str(people[a.resident_id]) if a.resident_id in people else "—",
                "at": a.checked_in_at.astimezone(localtime.zone()).strftime("%H:%M"),
                "out": a.checked_out_at is not None,
            }
            for a in arrived[:100]
        ],
        "arrived_count": len(arrived),
    }
    if state == "live":
        token, expires_at = issue_checkin_token(activity.id, now)
        payload["qr"] = "data:image/png;base64," + base64.b64encode(qr_png(token)).decode()
        # The screen counts validity from when it received the code, not by its own clock.
        valid_for = max(int((expires_at - now).total_seconds()) - 3, 1)
        payload["valid_for"] = valid_for
        payload["refresh_in"] = max(min(15, valid_for // 2), 1)
        payload["issued_at"] = now.astimezone(localtime.zone()).strftime("%H:%M:%S")
    return payload


# --- residents, for back-fill and attest --------------------------------------------------


async def find_residents(ctx: Ctx) -> tuple[str, list[tuple[str, str]]]:
    """Residents of the caller's communities whose nickname (or masked phone) has `?q=`."""
    q = (ctx.request.query_params.get("q") or "").strip()[:50]
    if not q:
        return q, []
    residents = scope.served_residents(ctx.who).rows()
    found = list(await residents.filter(nickname__icontains=q).order_by("nickname").limit(20))
    if len(found) < 20:  # the masked phone: its first three or last four digits, or all of it
        seen = {r.id for r in found}
        more = await residents.filter(phone_masked__contains=q).order_by("nickname").limit(20)
        found += [r for r in more if r.id not in seen][: 20 - len(found)]
    return q, [(r.id, str(lookups.person(r))) for r in found]
