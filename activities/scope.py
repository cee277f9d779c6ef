"""Who may see and run what in the activities domain: the roles of each kind of endpoint and
the rows a caller's lists are limited to."""

from __future__ import annotations

from typing import Any

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
