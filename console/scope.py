"""The console decides no scope itself: it uses the domains' scope modules."""

from __future__ import annotations

from accounts.scope import managed_staff_list, served_communities, served_residents
from activities.scope import (
    RUNS_ACTIVITIES,
    managed_activity,
    managed_attendance,
    staff_scoped,
)
from credits.recognition.scope import readable_honour_roll, readable_honour_rolls
from credits.scope import catalogue, staff_redemptions
from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Role

ADMINS: tuple[Role, ...] = ("district_admin", "platform_admin")
communities_of = served_communities

__all__ = [
    "ADMINS",
    "RUNS_ACTIVITIES",
    "STAFF",
    "catalogue",
    "communities_of",
    "managed_activity",
    "managed_attendance",
    "managed_staff_list",
    "readable_honour_roll",
    "readable_honour_rolls",
    "served_residents",
    "staff_redemptions",
    "staff_scoped",
]
