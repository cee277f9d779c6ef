"""Who may see which districts, communities, staff and residents, and the places a caller
serves: one `Scope` per resource (querysets and SQL from one condition), and get-by-code that
answers 404 outside them. Other domains ask here about accounts' rows and about places."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.errors import CannotDisableSelf, NoSuchStaff
from accounts.models import Community, District, Resident, Staff
from kernel.auth import Principal
from kernel.errors import NotFound
from kernel.i18n import N_
from kernel.scope import ALWAYS, Condition, Scope, eq, one_of


@dataclass(frozen=True)
class Places:
    """The part of the city a caller serves or lives in: a district (None: every one) and, for
    a worker or a resident, some of its communities (None: all of it)."""

    district_id: str | None
    community_ids: tuple[str, ...] | None

    def where(self, *, district: str = "district_id", community: str = "community_id") -> Condition:
        """Rows of these places, by their district's and community's columns (the district's
        too for some communities: tables are indexed by district first)."""
        found = ALWAYS if self.district_id is None else eq(district, self.district_id)
        if self.community_ids is not None:
            found &= one_of(community, self.community_ids)
        return found


def served_places(who: Principal) -> Places:
    """Workers serve their communities, district administrators their district, platform
    administrators the whole city; a resident lives in their community."""
    if who.role == "platform_admin":
        return Places(None, None)
    if who.role == "district_admin":
        return Places(who.district_id or "", None)
    return Places(who.district_id or "", tuple(sorted(who.community_ids)))


def own_district(who: Principal, column: str = "district_id") -> Condition:
    """Rows of the caller's district (every district for platform administrators)."""
    return ALWAYS if who.role == "platform_admin" else eq(column, who.district_id or "")


def readable_districts(who: Principal) -> Scope[District]:
    """Platform administrators see every district; everyone else their own."""
    return Scope(District, own_district(who, "id"))


async def readable_district(code: str, *, who: Principal) -> District:
    district = await readable_districts(who).rows().get_or_none(code=code)
    if district is None:
        raise NotFound(N_("No such district."))
    return district


def district_communities(who: Principal) -> Scope[Community]:
    """The communities of the caller's district (a resident chooses among them)."""
    return Scope(Community, own_district(who))


def district_residents(who: Principal) -> Scope[Resident]:
    """Residents of the caller's district (the moral bank's staff act district-wide)."""
    return Scope(Resident, own_district(who))


def served_residents(who: Principal) -> Scope[Resident]:
    """Residents a member of staff serves: a worker's communities, an administrator's
    district."""
    return Scope(Resident, served_places(who).where())


def served_communities(who: Principal) -> Scope[Community]:
    """Communities the caller serves or lives in: a worker's or resident's own, an
    administrator's district's, every one for platform administrators."""
    return Scope(Community, served_places(who).where(community="id"))


async def served_community(who: Principal, ref: str) -> Community | None:
    """A community named `c1` (in the caller's district) or `d1/c1`, if the caller serves it."""
    district_code, _, community_code = ref.rpartition("/")
    found = served_communities(who).rows().filter(code=community_code)
    if district_code:
        found = found.filter(district__code=district_code)
    else:
        found = found.filter(district_id=who.district_id or "")
    return await found.first()


def district_staff(who: Principal) -> Scope[Staff]:
    """The staff of the caller's district (everyone's for platform administrators): those a
    district administrator manages, the evaluators a worker assigns."""
    return Scope(Staff, own_district(who))


def managed_staff_list(who: Principal, *, role: str | None = None) -> Scope[Staff]:
    """The staff an administrator manages: a district admin their district's workers and
    administrators, a platform admin everyone."""
    staff = district_staff(who)
    return staff.narrowed(eq("role", role)) if role else staff


async def managed_staff(staff_id: str, *, by: Principal) -> Staff:
    """A member of staff `by` may disable, enable or give a new password (not themselves)."""
    staff = await managed_staff_list(by).rows().get_or_none(id=staff_id)
    if staff is None:
        raise NoSuchStaff(N_("No member of staff `{staff}` in your district."), staff=staff_id)
    if staff.id == by.id:
        raise CannotDisableSelf(N_("Ask another administrator to change your own account."))
    return staff
