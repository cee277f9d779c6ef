"""Scheduled work of activities: closing activities that are over."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import F

from activities.checkin import TIME_SLACK
from activities.models import Activity, Attendance, Enrollment
from kernel.scheduler import job


@job("close-activities", schedule="*/10 * * * *")
async def close_activities() -> dict[str, Any]:
    """Finishes activities past their end (and check-out slack); attendances left open go to
    review flagged, without guessing hours; enrolled residents who never came are no-shows."""
    cutoff = datetime.now(UTC) - TIME_SLACK
    over = await Activity.filter(status="published", ends_at__lt=cutoff).values_list(
        "id", flat=True
    )
    ids = [str(i) for i in over]
    if not ids:
        return {"activities": 0, "attendances_left_open": 0, "no_shows": 0}
    left_open = await Attendance.filter(activity_id__in=ids, status="open")
    for attendance in left_open:
        attendance.status = "pending"
        attendance.flags = [*attendance.flags, "not_checked_out"]
        await attendance.save(update_fields=["status", "flags"])
    came = await Attendance.filter(activity_id__in=ids).values_list("activity_id", "resident_id")
    attended = {(str(a), str(r)) for a, r in came}
    no_shows = 0
    missed: dict[str, int] = {}
    for enrollment in await Enrollment.filter(activity_id__in=ids, status="enrolled"):
        if (enrollment.activity_id, enrollment.resident_id) not in attended:
            enrollment.status = "no_show"
            await enrollment.save(update_fields=["status", "updated_at"])
            no_shows += 1
            missed[enrollment.activity_id] = missed.get(enrollment.activity_id, 0) + 1
    for activity_id, n in missed.items():  # a no-show keeps its seat, no longer enrolled
        await Activity.filter(id=activity_id).update(enrolled_now=F("enrolled_now") - n)
    finished = await Activity.filter(id__in=ids, status="published").update(status="finished")
    return {"activities": finished, "attendances_left_open": len(left_open), "no_shows": no_shows}
