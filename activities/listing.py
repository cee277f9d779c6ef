"""Activities as their endpoints show them (`ActivityOut`), read in one statement: the
activity, its community's and district's codes, its enrolled and waitlisted counts (kept on
the activity row by every change of an enrolment, `Activity.enrolled_now`) and, for a
resident, where they stand at it (`enrolment.my_statuses` says the same one activity at a time).

Written once for both databases (`kernel.sql`); the columns the ORM would convert (SQLite's
text timestamps) are converted by the model's own fields (`kernel.sql.moment`), so both read
alike. Rows are shaped as plain dicts and validated by the response's schema once, for the
whole page, in pydantic-core: building each item as a model in Python cost as much as the
statement (`docs/speed.md`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter

from activities.models import Activity
from activities.schemas.activities import ActivityOut
from activities.scope import readable_activities
from kernel.auth import Principal
from kernel.http import decode_cursor, encode_cursor
from kernel.sql import db_time, moment, query_rows

_COLUMNS = """
SELECT a.id, a.title, a.description, a.action, d.code AS district_code,
       c.code AS community_code, a.starts_at, a.ends_at, a.capacity, a.walk_ins, a.lat, a.lng,
       a.radius_m, a.address, a.status, a.cancel_reason, a.created_at,
       a.enrolled_now AS enrolled, a.waitlisted_now AS waitlisted"""
# A resident's standing: their enrolment and attendance (one each at most per activity), and
# their place on the waitlist (1 = next) while they wait.
_STANDING_COLUMNS = """,
       m.status AS my_enrolment, t.status AS my_attendance,
       CASE WHEN m.status = 'waitlisted' AND t.id IS NULL THEN 1 + (
           SELECT COUNT(*) FROM enrollment w
           WHERE w.activity_id = a.id AND w.status = 'waitlisted'
             AND (w.queued_at < m.queued_at OR (w.queued_at = m.queued_at AND w.id < m.id))
       ) END AS waitlist_position"""
_FROM = """
FROM activity a
JOIN community c ON c.id = a.community_id
JOIN district d ON d.id = a.district_id"""
_STANDING_JOINS = """
LEFT JOIN enrollment m ON m.activity_id = a.id AND m.resident_id = :resident
LEFT JOIN attendance t ON t.activity_id = a.id AND t.resident_id = :resident"""
_ATTENDED = {"open": "checked_in", "rejected": "rejected"}
_MOMENTS = ("starts_at", "ends_at", "created_at")
_ACTIVITIES = TypeAdapter(list[ActivityOut])


def _statement(who: Principal | None, where: list[str], tail: str = "") -> str:
    standing = who is not None and who.kind == "resident"
    return (
        _COLUMNS
        + (_STANDING_COLUMNS if standing else "")
        + _FROM
        + (_STANDING_JOINS if standing else "")
        + "\nWHERE "
        + " AND ".join(where or ["1 = 1"])
        + tail
    )


def _shown(row: dict[str, Any], resident: bool) -> dict[str, Any]:
    """A row shaped as `ActivityOut` takes it; validated once for the whole page by the
    response's schema, not item by item."""
    fields = Activity._meta.fields_map
    my_status, position = None, None
    if resident:
        my_status = row["my_enrolment"]
        if row["my_attendance"] is not None:
            my_status = _ATTENDED.get(row["my_attendance"], "attended")
        elif my_status == "waitlisted":
            position = int(row["waitlist_position"])
    shown = {
        "id": row["id"],
        "title": row["title"],
        "description": row["description"],
        "action": row["action"],
        "district": row["district_code"],
        "community": row["community_code"],
        "capacity": row["capacity"],
        "walk_ins": bool(row["walk_ins"]),
        "my_status": my_status,
        "waitlist_position": position,
        "enrolled": row["enrolled"],
        "waitlisted": row["waitlisted"],
        "location": {
            "lat": row["lat"],
            "lng": row["lng"],
            "radius_m": row["radius_m"],
            "address": row["address"],
        },
        "status": row["status"],
        "cancel_reason": row["cancel_reason"],
    }
    for name in _MOMENTS:
        shown[name] = moment(fields[name], row[name])
    return shown


async def activities_page(
    who: Principal,
    *,
    cursor: str | None,
    limit: int,
    community_id: str | None = None,
    action: str | None = None,
    status: str | None = None,
    ends_from: datetime | None = None,
    starts_to: datetime | None = None,
) -> dict[str, Any]:
    """A page of the activities `who` may read (`scope.readable_activities`), newest first
    (keyset over the id, as `paginate`), filtered as the list endpoint says."""
    where = ["{readable}"]
    params: dict[str, Any] = {"resident": who.id, "limit": limit + 1}
    if community_id is not None:
        where.append("a.community_id = :community")
        params["community"] = community_id
    if action is not None:
        where.append("a.action = :action")
        params["action"] = action
    if status is not None:
        where.append("a.status = :status")
        params["status"] = status
    if ends_from is not None:
        where.append("a.ends_at >= :ends_from")
        params["ends_from"] = db_time(ends_from.astimezone(UTC))
    if starts_to is not None:
        where.append("a.starts_at <= :starts_to")
        params["starts_to"] = db_time(starts_to.astimezone(UTC))
    if cursor:
        where.append("a.id < :after")
        params["after"] = decode_cursor(cursor)
    rows = await query_rows(
        _statement(who, where, "\nORDER BY a.id DESC LIMIT :limit"),
        params,
        readable=readable_activities(who).sql("a"),
    )
    resident = who.kind == "resident"
    items = [_shown(row, resident) for row in rows[:limit]]
    next_cursor = encode_cursor(str(rows[limit - 1]["id"])) if len(rows) > limit else None
    return {"items": items, "next_cursor": next_cursor}


async def activities_out(ids: list[str], who: Principal | None = None) -> list[ActivityOut]:
    """The activities `ids` (already found in the caller's scope) as shown, in that order; with
    the resident's standing when `who` is a resident."""
    if not ids:
        return []
    markers = ", ".join(f":id{n}" for n in range(len(ids)))
    params: dict[str, Any] = {f"id{n}": i for n, i in enumerate(ids)}
    params["resident"] = who.id if who is not None else ""
    rows = await query_rows(_statement(who, [f"a.id IN ({markers})"]), params)
    resident = who is not None and who.kind == "resident"
    shown = {row["id"]: _shown(row, resident) for row in rows}
    return _ACTIVITIES.validate_python([shown[i] for i in ids])
