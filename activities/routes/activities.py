"""Endpoints for civility actions, activities and enrolment (`activities.service`)."""

from __future__ import annotations

from typing import Any

from accounts.models import Resident
from activities import enrolment, listing, scope, service
from activities.errors import (
    ActionExists,
    ActivityNotOpen,
    ActivityStarted,
    AlreadyEnrolled,
    CapacityBelowEnrolled,
    InvalidTimes,
    NotEnrolled,
    UnknownAction,
    UnknownCommunity,
)
from activities.models import Activity, Enrollment
from activities.schemas.activities import (
    ActionIn,
    ActionOut,
    ActivityFilters,
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    ActivityQuery,
    CancelIn,
    EnrollmentOut,
    MyEnrollmentOut,
    MyEnrollmentsQuery,
    RosterEntryOut,
    RosterQuery,
)
from activities.scope import RUNS_ACTIVITIES
from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Principal
from kernel.http import Api, Page, paginate

api = Api("activities")


async def _activities_out(
    activities: list[Activity], who: Principal | None = None
) -> list[ActivityOut]:
    """The activities as shown (`listing.activities_out`): one statement however many."""
    return await listing.activities_out([a.id for a in activities], who)


# --- civility actions ----------------------------------------------------------------------


@api.get("/api/v1/actions", response=list[ActionOut])
async def list_actions(who: Principal) -> list[ActionOut]:
    """The ten civility actions, then the caller's district's own."""
    return [ActionOut.of(a) for a in await service.list_actions(who)]


@api.post(
    "/api/v1/actions",
    roles=("district_admin",),
    body=ActionIn,
    response=ActionOut,
    status=201,
    errors=(ActionExists,),
)
async def create_action(who: Principal, body: ActionIn) -> ActionOut:
    """A district adds its own civility action; the ten are never edited."""
    return ActionOut.of(await service.create_action(who=who, **body.model_dump()))


# --- activities ----------------------------------------------------------------------------


@api.post(
    "/api/v1/activities",
    roles=RUNS_ACTIVITIES,
    body=ActivityIn,
    response=ActivityOut,
    status=201,
    errors=(
        UnknownAction,
        UnknownCommunity,
    ),
)
async def create_activity(who: Principal, body: ActivityIn) -> ActivityOut:
    """Publishes an activity; one already over is accepted `finished`, for back-filling."""
    location = body.location
    activity = await service.create_activity(
        who=who,
        title=body.title,
        description=body.description,
        action=body.action,
        community=body.community,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        capacity=body.capacity,
        walk_ins=body.walk_ins,
        lat=location.lat,
        lng=location.lng,
        radius_m=location.radius_m,
        address=location.address,
    )
    return (await _activities_out([activity]))[0]


@api.get(
    "/api/v1/activities",
    query=ActivityQuery,
    response=Page[ActivityOut],
    errors=(UnknownCommunity,),
)
async def list_activities(who: Principal, query: ActivityFilters) -> dict[str, Any]:
    """Activities in scope: residents their district's, workers their communities'."""
    community = (
        await service.community_to_list(who, query.community)
        if query.community is not None
        else None
    )
    return await listing.activities_page(
        who,
        cursor=query.cursor,
        limit=query.limit,
        community_id=community,
        action=query.action,
        status=query.status,
        ends_from=getattr(query, "from"),
        starts_to=query.to,
    )


@api.get("/api/v1/activities/{activity_id}", response=ActivityOut)
async def get_activity(who: Principal, activity_id: str) -> ActivityOut:
    """An activity with its enrolled and waitlisted counts."""
    return (await _activities_out([await scope.readable_activity(activity_id, who=who)], who))[0]


@api.patch(
    "/api/v1/activities/{activity_id}",
    roles=RUNS_ACTIVITIES,
    body=ActivityPatch,
    response=ActivityOut,
    errors=(
        ActivityNotOpen,
        ActivityStarted,
        CapacityBelowEnrolled,
        InvalidTimes,
    ),
)
async def update_activity(who: Principal, activity_id: str, body: ActivityPatch) -> ActivityOut:
    """Changes an activity before it starts; a larger capacity seats the waitlist."""
    activity = await scope.managed_activity(activity_id, who=who)
    changes = body.model_dump(exclude_unset=True)
    activity = await service.update_activity(activity, changes)
    return (await _activities_out([activity]))[0]


@api.post(
    "/api/v1/activities/{activity_id}/cancel",
    roles=RUNS_ACTIVITIES,
    body=CancelIn,
    response=ActivityOut,
    errors=(
        ActivityNotOpen,
        ActivityStarted,
    ),
)
async def cancel_activity(who: Principal, activity_id: str, body: CancelIn) -> ActivityOut:
    """Cancels an activity before it starts; everyone enrolled or waiting is notified."""
    activity = await scope.managed_activity(activity_id, who=who)
    activity = await service.cancel_activity(activity, reason=body.reason)
    return (await _activities_out([activity]))[0]


# --- enrolment -----------------------------------------------------------------------------


@api.post(
    "/api/v1/activities/{activity_id}/enrollments",
    roles=("resident",),
    response=EnrollmentOut,
    status=201,
    errors=(
        ActivityNotOpen,
        AlreadyEnrolled,
    ),
)
async def enrol(who: Principal, activity_id: str) -> Enrollment:
    """Enrols the resident, or puts them on the waitlist when the activity is full."""
    enrollment = await enrolment.enrol(activity_id, who=who)
    return enrollment


@api.get(
    "/api/v1/me/enrollments",
    roles=("resident",),
    query=MyEnrollmentsQuery,
    response=Page[MyEnrollmentOut],
)
async def my_enrollments(who: Principal, query: MyEnrollmentsQuery) -> dict[str, Any]:
    """The resident's activities, newest sign-up first: each activity (with `my_status` and
    the place on the waitlist) and the enrolment's own status."""
    page = await paginate(enrolment.my_enrollments(who.id, query.status), query)
    enrollments: list[Enrollment] = page["items"]
    shown = {
        out.id: out
        for out in await listing.activities_out([e.activity_id for e in enrollments], who)
    }
    page["items"] = [
        MyEnrollmentOut.from_model(e, activity=shown[e.activity_id]) for e in enrollments
    ]
    return page


@api.delete(
    "/api/v1/activities/{activity_id}/enrollments/me",
    roles=("resident",),
    status=204,
    errors=(NotEnrolled,),
)
async def cancel_enrolment(who: Principal, activity_id: str) -> None:
    """Gives the seat up; the first waitlisted resident moves up."""
    await enrolment.cancel_enrolment(activity_id, who=who)


@api.get(
    "/api/v1/activities/{activity_id}/enrollments",
    roles=STAFF,
    query=RosterQuery,
    response=Page[RosterEntryOut],
)
async def roster(who: Principal, activity_id: str, query: RosterQuery) -> dict[str, Any]:
    """Who is enrolled and who waits; `queued_at` orders the waitlist."""
    activity = await scope.managed_activity(activity_id, who=who)
    entries = Enrollment.filter(activity_id=activity.id)
    if query.status is not None:
        entries = entries.filter(status=query.status)
    page = await paginate(entries, query, newest_first=False)
    nicknames = dict(
        await Resident.filter(id__in=[e.resident_id for e in page["items"]]).values_list(
            "id", "nickname"
        )
    )
    page["items"] = [
        RosterEntryOut.from_model(e, nickname=nicknames.get(e.resident_id, ""))
        for e in page["items"]
    ]
    return page
