"""The console decides no scope itself: it uses the domains' scope rules."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from activities.scope import RUNS_ACTIVITIES, STAFF, staff_scoped
from app.accounts.models import Community
from app.core.auth import Principal, Role

ADMINS: tuple[Role, ...] = ("district_admin", "platform_admin")

__all__ = ["ADMINS", "RUNS_ACTIVITIES", "STAFF", "communities_of", "staff_scoped"]


def communities_of(who: Principal) -> QuerySet[Community]:
    """The communities a member of staff serves (Principal.sees_community, as a query)."""
    if who.role == "platform_admin":
        return Community.all()
    if who.role == "district_admin":
        return Community.filter(district_id=who.district_id or "")
    return Community.filter(id__in=list(who.community_ids))
