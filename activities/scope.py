"""Who may see and run what in the activities domain: the roles of each kind of endpoint, the
rows each caller may read (one `Scope` per resource: querysets and SQL from one condition), and
get-by-id that answers 404 outside them. Every route, service and statement of the domain asks
here; nothing else decides scope."""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise.models import Model

from accounts.scope import own_district, served_places
from activities.models import (
    Activity,
    Attendance,
    Certificate,
    CivilityAction,
    Correction,
    Deed,
    EventFiling,
    ServiceRecord,
    Upload,
)
from kernel.auth import STAFF_ROLES, Principal, Role
from kernel.errors import NotFound
from kernel.i18n import N_, translate
from kernel.scope import NEVER, Scope, eq, is_null

RUNS_ACTIVITIES: tuple[Role, ...] = ("worker", "district_admin")
M = TypeVar("M", bound=Model)


def runs_activities(who: Principal) -> bool:
    """Whether the caller does the worker's day: publishes activities, checks residents in,
    verifies hours, reviews deeds and corrections, hands rewards over (`RUNS_ACTIVITIES`)."""
    return who.role in RUNS_ACTIVITIES


def staff_scoped(model: type[M], who: Principal) -> Scope[M]:
    """Rows of the caller's communities (workers), district (district admins) or all
    (platform admins); the rows must carry `district_id` and `community_id`."""
    return Scope(model, served_places(who).where())


def _own_or_staff_scoped(model: type[M], who: Principal) -> Scope[M]:
    if who.kind == "resident":
        return Scope(model, eq("resident_id", who.id))
    return staff_scoped(model, who)


async def _one(scope: Scope[M], what: str, **key: Any) -> M:
    found = await scope.rows().get_or_none(**key)
    if found is None:
        raise NotFound(N_("No such {what}."), what=translate(what))
    return found


def readable_activities(who: Principal) -> Scope[Activity]:
    """Residents: their district's activities; staff: their communities' or district's."""
    if who.kind == "resident":
        return Scope(Activity, own_district(who))
    return staff_scoped(Activity, who)


def readable_actions(who: Principal) -> Scope[CivilityAction]:
    """The city's ten civility actions, and those of the caller's district."""
    own = eq("district_id", who.district_id) if who.district_id else NEVER
    return Scope(CivilityAction, is_null("district_id") | own)


async def readable_activity(activity_id: str, *, who: Principal) -> Activity:
    return await _one(readable_activities(who), N_("activity"), id=activity_id)


async def managed_activity(activity_id: str, *, who: Principal) -> Activity:
    """An activity the calling member of staff runs (their community, their district)."""
    if who.kind == "resident":
        raise NotFound(N_("No such activity."))
    return await readable_activity(activity_id, who=who)


def readable_attendances(who: Principal) -> Scope[Attendance]:
    return _own_or_staff_scoped(Attendance, who)


async def managed_attendance(attendance_id: str, *, who: Principal) -> Attendance:
    """An attendance the calling member of staff may verify."""
    if who.kind == "resident":
        raise NotFound(N_("No such attendance."))
    return await _one(readable_attendances(who), N_("attendance"), id=attendance_id)


def readable_deeds(who: Principal) -> Scope[Deed]:
    """Residents: their own deeds; staff: those of their communities."""
    return _own_or_staff_scoped(Deed, who)


async def managed_deed(deed_id: str, *, who: Principal) -> Deed:
    """A deed the calling member of staff may review."""
    if who.kind == "resident":
        raise NotFound(N_("No such deed."))
    return await _one(readable_deeds(who), N_("deed"), id=deed_id)


def readable_corrections(who: Principal) -> Scope[Correction]:
    """Residents: their own requests; staff: those of their communities."""
    return _own_or_staff_scoped(Correction, who)


async def managed_correction(correction_id: str, *, who: Principal) -> Correction:
    """A correction request the calling member of staff may decide."""
    if who.kind == "resident":
        raise NotFound(N_("No such correction request."))
    return await _one(readable_corrections(who), N_("correction request"), id=correction_id)


def readable_uploads(who: Principal) -> Scope[Upload]:
    """An upload is for its owner, the workers of its community and the administrators of
    its district (they review evidence); partner logins (units, evaluators) read only their
    own."""
    own = eq("owner", who.subject)
    if who.role not in STAFF_ROLES:
        return Scope(Upload, own)
    return Scope(Upload, own | served_places(who).where())


async def readable_upload(upload_id: str, *, who: Principal) -> Upload:
    return await _one(readable_uploads(who), N_("upload"), id=upload_id)


def readable_service_records(who: Principal) -> Scope[ServiceRecord]:
    """Residents: their own records; staff: those of their communities."""
    return _own_or_staff_scoped(ServiceRecord, who)


def own_certificates(who: Principal) -> Scope[Certificate]:
    return Scope(Certificate, eq("resident_id", who.id))


def readable_filings(who: Principal) -> Scope[EventFiling]:
    """Residents: their own filings; staff: those of their communities."""
    return _own_or_staff_scoped(EventFiling, who)


async def managed_filing(filing_id: str, *, who: Principal) -> EventFiling:
    """A filing the calling member of staff may confirm or decline."""
    if who.kind == "resident":
        raise NotFound(N_("No such filing."))
    return await _one(readable_filings(who), N_("filing"), id=filing_id)


def district_certificates(who: Principal) -> Scope[Certificate]:
    """The certificates of the administrator's district (platform administrators: any)."""
    return Scope(Certificate, own_district(who))


async def managed_certificate(number: str, *, who: Principal) -> Certificate:
    certificate = await district_certificates(who).rows().get_or_none(number=number)
    if certificate is None:
        raise NotFound(N_("No such certificate."))
    return certificate
