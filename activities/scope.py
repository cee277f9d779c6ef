"""Who may see and run what in the activities domain: the roles of each kind of endpoint and
the rows a caller's lists are limited to."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from activities.models import Upload
from app.core.auth import Principal, Role

STAFF: tuple[Role, ...] = ("worker", "district_admin", "platform_admin")
RUNS_ACTIVITIES: tuple[Role, ...] = ("worker", "district_admin")


def staff_scoped(queryset: Any, who: Principal) -> Any:
    """Staff lists: workers see their communities, district admins their district."""
    if who.role == "platform_admin":
        return queryset
    if who.role == "district_admin":
        return queryset.filter(district_id=who.district_id or "")
    return queryset.filter(community_id__in=list(who.community_ids))


def readable_uploads(who: Principal) -> Any:
    """Uploads the caller may open: their own; a worker's communities'; an admin's district's."""
    own = Upload.filter(owner=who.subject)
    if who.kind == "resident":
        return own
    if who.role == "platform_admin":
        return Upload.all()
    if who.role == "district_admin":
        return Upload.filter(district_id=who.district_id or "")
    return Upload.filter(Q(owner=who.subject) | Q(community_id__in=list(who.community_ids)))
