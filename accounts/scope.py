"""Who may see which districts and residents: querysets for a `Principal`, and get-by-code
that answers 404 outside them. Other domains ask here about accounts' rows."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from accounts.errors import CannotDisableSelf, NoSuchStaff
from accounts.models import Community, District, Resident, Staff
from kernel.auth import Principal
from kernel.errors import NotFound
from kernel.i18n import N_


def readable_districts(who: Principal) -> QuerySet[District]:
    """Platform administrators see every district; everyone else their own."""
    if who.role == "platform_admin":
        return District.all()
    return District.filter(id=who.district_id or "")


async def readable_district(code: str, *, who: Principal) -> District:
    district = await readable_districts(who).get_or_none(code=code)
    if district is None:
        raise NotFound(N_("No such district."))
    return district


def district_residents(who: Principal) -> QuerySet[Resident]:
    """Residents of the caller's district (the moral bank's staff act district-wide)."""
    if who.role == "platform_admin":
        return Resident.all()
    return Resident.filter(district_id=who.district_id or "")


def served_residents(who: Principal) -> QuerySet[Resident]:
    """Residents a member of staff serves: a worker's communities, an administrator's
    district."""
    if who.role in ("platform_admin", "district_admin"):
        return district_residents(who)
    return Resident.filter(community_id__in=list(who.community_ids))


def served_communities(who: Principal) -> QuerySet[Community]:
    """Communities the caller serves or lives in: a worker's or resident's own, an
    administrator's district's, every one for platform administrators."""
    if who.role == "platform_admin":
        return Community.all()
    if who.role == "district_admin":
        return Community.filter(district_id=who.district_id or "")
    return Community.filter(id__in=list(who.community_ids))


async def served_community(who: Principal, ref: str) -> Community | None:
    """A community named `c1` (in the caller's district) or `d1/c1`, if the caller serves it."""
    district_code, _, community_code = ref.rpartition("/")
    found = served_communities(who).filter(code=community_code)
    if district_code:
        found = found.filter(district__code=district_code)
    else:
        found = found.filter(district_id=who.district_id or "")
    return await found.first()


def managed_staff_list(who: Principal, *, role: str | None = None) -> QuerySet[Staff]:
    """The staff an administrator manages: a district admin their district's workers and
    administrators, a platform admin everyone."""
    found = Staff.all()
    if who.role != "platform_admin":
        found = found.filter(district_id=who.district_id or "")
    return found.filter(role=role) if role else found


async def managed_staff(staff_id: str, *, by: Principal) -> Staff:
    """A member of staff `by` may disable, enable or give a new password (not themselves)."""
    staff = await managed_staff_list(by).get_or_none(id=staff_id)
    if staff is None:
        raise NoSuchStaff(N_("No member of staff `{staff}` in your district."), staff=staff_id)
    if staff.id == by.id:
        raise CannotDisableSelf(N_("Ask another administrator to change your own account."))
    return staff
