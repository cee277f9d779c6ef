"""Who may see and run what in the activities domain: the roles of each kind of endpoint, the
rows each caller may read (querysets), and get-by-id that answers 404 outside them. Every
route and service of the domain asks here; nothing else decides scope."""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from activities.models import (
    Activity,
    Attendance,
    Certificate,
    Correction,
    Deed,
    EventFiling,
    ServiceRecord,
    Upload,
)
from kernel.auth import STAFF_ROLES, Principal, Role
from kernel.errors import NotFound
from kernel.i18n import N_, translate

RUNS_ACTIVITIES: tuple[Role, ...] = ("worker", "district_admin")
M = TypeVar("M", bound=Model)


def staff_scoped(queryset: QuerySet[M], who: Principal) -> QuerySet[M]:
    """Rows of the caller's communities (workers), district (district admins) or all
    (platform admins); the rows must carry `district_id` and `community_id`."""
    if who.role == "platform_admin":
        return queryset
    if who.role == "district_admin":
        return queryset.filter(district_id=who.district_id or "")
    return queryset.filter(community_id__in=list(who.community_ids))


def _own_or_staff_scoped(model: type[M], who: Principal) -> QuerySet[M]:
    if who.kind == "resident":
        return model.filter(resident_id=who.id)
    return staff_scoped(model.all(), who)


async def _one(queryset: QuerySet[M], what: str, **key: Any) -> M:
    found = await queryset.get_or_none(**key)
    if found is None:
        raise NotFound(N_("No such {what}."), what=translate(what))
    return found


def readable_activities(who: Principal) -> QuerySet[Activity]:
    """Residents: their district's activities; staff: their communities' or district's."""
    if who.kind == "resident":
        return Activity.filter(district_id=who.district_id or "")
    return staff_scoped(Activity.all(), who)


def readable_activities_sql(who: Principal) -> tuple[str, dict[str, Any]]:
    """`readable_activities` as a condition on `activity a` and its values, for the one
    statement that lists activities (`activities.listing`)."""
    if who.kind == "resident" or who.role == "district_admin":
        return "a.district_id = :scope_district", {"scope_district": who.district_id or ""}
    if who.role == "platform_admin":
        return "1 = 1", {}
    communities = sorted(who.community_ids)
    if not communities:
        return "1 = 0", {}
    markers = ", ".join(f":scope_community{n}" for n in range(len(communities)))
    values = {f"scope_community{n}": c for n, c in enumerate(communities)}
    return f"a.community_id IN ({markers})", values


async def readable_activity(activity_id: str, *, who: Principal) -> Activity:
    return await _one(readable_activities(who), N_("activity"), id=activity_id)


async def managed_activity(activity_id: str, *, who: Principal) -> Activity:
    """An activity the calling member of staff runs (their community, their district)."""
    if who.kind == "resident":
        raise NotFound(N_("No such activity."))
    return await readable_activity(activity_id, who=who)


def readable_attendances(who: Principal) -> QuerySet[Attendance]:
    return _own_or_staff_scoped(Attendance, who)


async def managed_attendance(attendance_id: str, *, who: Principal) -> Attendance:
    """An attendance the calling member of staff may verify."""
    if who.kind == "resident":
        raise NotFound(N_("No such attendance."))
    return await _one(readable_attendances(who), N_("attendance"), id=attendance_id)


def readable_deeds(who: Principal) -> QuerySet[Deed]:
    """Residents: their own deeds; staff: those of their communities."""
    return _own_or_staff_scoped(Deed, who)


async def managed_deed(deed_id: str, *, who: Principal) -> Deed:
    """A deed the calling member of staff may review."""
    if who.kind == "resident":
        raise NotFound(N_("No such deed."))
    return await _one(readable_deeds(who), N_("deed"), id=deed_id)


def readable_corrections(who: Principal) -> QuerySet[Correction]:
    """Residents: their own requests; staff: those of their communities."""
    return _own_or_staff_scoped(Correction, who)


async def managed_correction(correction_id: str, *, who: Principal) -> Correction:
    """A correction request the calling member of staff may decide."""
    if who.kind == "resident":
        raise NotFound(N_("No such correction request."))
    return await _one(readable_corrections(who), N_("correction request"), id=correction_id)


def readable_uploads(who: Principal) -> QuerySet[Upload]:
    """An upload is for its owner, the workers of its community and the administrators of
    its district (they review evidence); partner logins (units, evaluators) read only their
    own."""
    if who.role not in STAFF_ROLES:
        return Upload.filter(owner=who.subject)
    if who.role == "platform_admin":
        return Upload.all()
    if who.role == "district_admin":
        return Upload.filter(Q(owner=who.subject) | Q(district_id=who.district_id or ""))
    return Upload.filter(Q(owner=who.subject) | Q(community_id__in=list(who.community_ids)))


async def readable_upload(upload_id: str, *, who: Principal) -> Upload:
    return await _one(readable_uploads(who), N_("upload"), id=upload_id)


def own_service_records(who: Principal) -> QuerySet[ServiceRecord]:
    return ServiceRecord.filter(resident_id=who.id)


def own_certificates(who: Principal) -> QuerySet[Certificate]:
    return Certificate.filter(resident_id=who.id)


def readable_filings(who: Principal) -> QuerySet[EventFiling]:
    """Residents: their own filings; staff: those of their communities."""
    return _own_or_staff_scoped(EventFiling, who)


async def managed_filing(filing_id: str, *, who: Principal) -> EventFiling:
    """A filing the calling member of staff may confirm or decline."""
    if who.kind == "resident":
        raise NotFound(N_("No such filing."))
    return await _one(readable_filings(who), N_("filing"), id=filing_id)


async def managed_certificate(number: str, *, who: Principal) -> Certificate:
    """A certificate of the administrator's district (platform administrators: any)."""
    found = Certificate.all()
    if who.role != "platform_admin":
        found = found.filter(district_id=who.district_id or "")
    certificate = await found.get_or_none(number=number)
    if certificate is None:
        raise NotFound(N_("No such certificate."))
    return certificate
