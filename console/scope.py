"""The console decides no scope itself: it uses the domains' scope values. Its one resource
of its own, the job runs a district administrator sees, is decided here."""

from __future__ import annotations

from accounts.scope import (
    Places,
    district_staff,
    managed_staff_list,
    readable_districts,
    served_communities,
    served_places,
    served_residents,
)
from activities.scope import (
    RUNS_ACTIVITIES,
    managed_activity,
    managed_attendance,
    readable_activities,
    readable_attendances,
    readable_corrections,
    readable_deeds,
    readable_service_records,
    runs_activities,
)
from credits.recognition.scope import readable_badges, readable_honour_roll, readable_honour_rolls
from credits.scope import (
    catalogue,
    may_manage_reward,
    offers_district_rewards,
    readable_entries,
    staff_redemptions,
)
from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Principal, Role
from kernel.models import JobRun
from kernel.scope import ALWAYS, Scope, eq, one_of, starts_with

ADMINS: tuple[Role, ...] = ("district_admin", "platform_admin")
communities_of = served_communities
# A run of a district job started for one district: its trigger, and its slot begins with the
# district's id and `/`.
DISTRICT_TRIGGER = "district"


def district_slot_prefix(district_id: str) -> str:
    return f"{district_id}/"


def runs_every_district(who: Principal) -> bool:
    """Whether the jobs the caller runs cover every district (the platform administrator,
    who serves the whole city) or the caller's own district only (`served_places`)."""
    return served_places(who).district_id is None


def readable_job_runs(who: Principal, district_jobs: tuple[str, ...]) -> Scope[JobRun]:
    """Every run for the platform administrator; for a district administrator the district
    jobs' scheduled and platform runs (which cover every district) and their own district's
    runs, never another district's."""
    if runs_every_district(who):
        return Scope(JobRun, ALWAYS)
    own = starts_with("slot", district_slot_prefix(who.district_id or ""))
    return Scope(JobRun, one_of("job", district_jobs) & (~eq("trigger", DISTRICT_TRIGGER) | own))


__all__ = [
    "ADMINS",
    "DISTRICT_TRIGGER",
    "RUNS_ACTIVITIES",
    "STAFF",
    "Places",
    "catalogue",
    "communities_of",
    "district_slot_prefix",
    "district_staff",
    "managed_activity",
    "managed_attendance",
    "managed_staff_list",
    "may_manage_reward",
    "offers_district_rewards",
    "readable_activities",
    "readable_attendances",
    "readable_badges",
    "readable_corrections",
    "readable_deeds",
    "readable_districts",
    "readable_entries",
    "readable_honour_roll",
    "readable_honour_rolls",
    "readable_job_runs",
    "readable_service_records",
    "runs_activities",
    "runs_every_district",
    "served_places",
    "served_residents",
    "staff_redemptions",
]
