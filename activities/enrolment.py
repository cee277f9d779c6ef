"""Enrolment: a seat while one is free, else the waitlist, promoted in order as seats come
free; walk-ins seated on the spot; where a resident stands at each activity."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.functions import Count

from activities.errors import (
    STATUS_NAMES,
    ActivityNotOpen,
    AlreadyEnrolled,
    NoFreeSeat,
    NotEnrolled,
)
from activities.models import Activity, Attendance, Enrollment
from activities.queries import ACTIVITY_FOR_ENROLMENT, seat_and_enrol, take_seat_or_queue
from activities.scope import readable_activities, readable_activity
from kernel.auth import Principal
from kernel.errors import NotFound
from kernel.i18n import N_, Named, translate
from kernel.ids import new_id
from kernel.outbox import queue_notification, register_notice
from kernel.sql import db_time, query_rows

register_notice("enrolment_promoted", N_("A seat came free: you are enrolled in “{title}”."))


async def activity_counts(activity_ids: list[str]) -> dict[str, dict[str, int]]:
    rows = (
        await Enrollment.filter(activity_id__in=activity_ids, status__in=("enrolled", "waitlisted"))
        .annotate(n=Count("id"))
        .group_by("activity_id", "status")
        .values("activity_id", "status", "n")
    )
    counts: dict[str, dict[str, int]] = {i: {"enrolled": 0, "waitlisted": 0} for i in activity_ids}
    for row in rows:
        counts[row["activity_id"]][row["status"]] = row["n"]
    return counts


async def enrol(activity_id: str, *, who: Principal) -> Enrollment:
    """A seat when one is free, else the end of the waitlist. Two statements on PostgreSQL
    (three on SQLite): the activity with the resident's enrolment, then the seat and the
    enrolment."""
    rows = await query_rows(
        ACTIVITY_FOR_ENROLMENT,
        {"activity": activity_id, "resident": who.id},
        readable=readable_activities(who).sql("a"),
    )
    if not rows:
        raise NotFound(N_("No such {what}."), what=translate(N_("activity")))
    row = rows[0]
    ends_at = _ENDS_AT.to_python_value(row["ends_at"])
    if row["status"] != "published" or ends_at <= datetime.now(UTC):
        raise ActivityNotOpen(
            N_("The activity is {status}; it takes no enrolments."),
            status=Named(row["status"], STATUS_NAMES),
        )
    if row["enrollment_status"] in ("enrolled", "waitlisted"):
        raise AlreadyEnrolled(
            N_("You are {status} already."), status=Named(row["enrollment_status"], STATUS_NAMES)
        )
    now = datetime.now(UTC)
    if row["enrollment_id"] is not None:  # cancelled or a no-show before: signs up again
        status = await take_seat_or_queue(row["id"])
        await Enrollment.filter(id=row["enrollment_id"]).update(
            status=status, queued_at=now, updated_at=now
        )
        return await Enrollment.get(id=row["enrollment_id"])
    enrollment = Enrollment(
        id=new_id(),
        district_id=row["district_id"],
        activity_id=row["id"],
        resident_id=who.id,
        queued_at=now,
        created_at=now,
        updated_at=now,
    )
    values = {
        "id": enrollment.id,
        "district": enrollment.district_id,
        "activity": enrollment.activity_id,
        "resident": who.id,
        "now": db_time(now),
    }
    try:
        enrollment.status = await seat_and_enrol(values)
    except IntegrityError as exc:
        raise AlreadyEnrolled(N_("You are enrolled already.")) from exc
    return enrollment


_ENDS_AT = Activity._meta.fields_map["ends_at"]


async def take_walk_in_seat(activity: Activity, *, who: Principal) -> Enrollment:
    """A walk-in at an activity that takes them: enrolled on the spot when a seat is free
    (by the same conditional update as enrolling), else refused."""
    seated = await Activity.filter(
        id=activity.id, status="published", enrolled_count__lt=F("capacity")
    ).update(enrolled_count=F("enrolled_count") + 1, enrolled_now=F("enrolled_now") + 1)
    if not seated:
        raise NoFreeSeat(N_("The activity is full: there is no seat for a walk-in."))
    now = datetime.now(UTC)
    existing = await Enrollment.get_or_none(activity_id=activity.id, resident_id=who.id)
    if existing is not None:  # waitlisted, cancelled or no-show before: seated now
        if existing.status == "waitlisted":  # leaves the waitlist
            await Activity.filter(id=activity.id).update(waitlisted_now=F("waitlisted_now") - 1)
        existing.status, existing.queued_at = "enrolled", now
        await existing.save(update_fields=["status", "queued_at", "updated_at"])
        return existing
    return await Enrollment.create(
        district_id=activity.district_id,
        activity_id=activity.id,
        resident_id=who.id,
        status="enrolled",
        queued_at=now,
    )


async def my_statuses(resident_id: str, activity_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Where the resident stands at each activity: `my_status` (enrolled, waitlisted,
    cancelled, no_show, checked_in, attended, rejected; None: not signed up) and, when
    waitlisted, their place in the queue (1 = next)."""
    if not activity_ids:
        return {}
    mine = {
        e.activity_id: e
        for e in await Enrollment.filter(resident_id=resident_id, activity_id__in=activity_ids)
    }
    attended = {
        a.activity_id: a.status
        for a in await Attendance.filter(resident_id=resident_id, activity_id__in=activity_ids)
    }
    result: dict[str, dict[str, Any]] = {}
    for activity_id in activity_ids:
        enrollment = mine.get(activity_id)
        status: str | None = enrollment.status if enrollment else None
        position = None
        if activity_id in attended:
            status = {"open": "checked_in", "rejected": "rejected"}.get(
                attended[activity_id], "attended"
            )
        elif enrollment is not None and enrollment.status == "waitlisted":
            ahead = await Enrollment.filter(
                Q(queued_at__lt=enrollment.queued_at)
                | Q(queued_at=enrollment.queued_at, id__lt=enrollment.id),
                activity_id=activity_id,
                status="waitlisted",
            ).count()
            position = ahead + 1
        result[activity_id] = {"my_status": status, "waitlist_position": position}
    return result


def my_enrollments(resident_id: str, status: str | None) -> Any:
    found = Enrollment.filter(resident_id=resident_id)
    return found.filter(status=status) if status else found


async def cancel_enrolment(activity_id: str, *, who: Principal) -> None:
    activity = await readable_activity(activity_id, who=who)
    enrollment = await Enrollment.get_or_none(activity_id=activity.id, resident_id=who.id)
    if enrollment is None or enrollment.status not in ("enrolled", "waitlisted"):
        raise NotEnrolled(N_("You are not enrolled in this activity."))
    was = enrollment.status
    left = await Enrollment.filter(id=enrollment.id, status=was).update(status="cancelled")
    if not left:
        return
    if was != "enrolled":
        await Activity.filter(id=activity.id).update(waitlisted_now=F("waitlisted_now") - 1)
        return
    await Activity.filter(id=activity.id).update(
        enrolled_count=F("enrolled_count") - 1, enrolled_now=F("enrolled_now") - 1
    )
    await promote_waitlisted(activity)


async def promote_waitlisted(activity: Activity) -> None:
    """Fills free seats from the head of the waitlist, each seat by the same conditional update."""
    while True:
        head = (
            await Enrollment.filter(activity_id=activity.id, status="waitlisted")
            .order_by("queued_at", "id")
            .first()
        )
        if head is None:
            return
        # The seat and the counts move together: one enrolled more, one waiting less.
        seated = await Activity.filter(id=activity.id, enrolled_count__lt=F("capacity")).update(
            enrolled_count=F("enrolled_count") + 1,
            enrolled_now=F("enrolled_now") + 1,
            waitlisted_now=F("waitlisted_now") - 1,
        )
        if not seated:
            return
        promoted = await Enrollment.filter(id=head.id, status="waitlisted").update(
            status="enrolled"
        )
        if not promoted:
            await Activity.filter(id=activity.id).update(
                enrolled_count=F("enrolled_count") - 1,
                enrolled_now=F("enrolled_now") - 1,
                waitlisted_now=F("waitlisted_now") + 1,
            )
            continue
        await queue_notification(
            "resident",
            head.resident_id,
            "enrolment_promoted",
            {"activity": activity.id, "title": activity.title},
        )
