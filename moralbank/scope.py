"""Who may see which household: its members (the resident in it now), the workers of its
community and the administrators of its district. One condition, `households_of(who)`, on
any table that names a household; the moral bank's other parts (the assessment, consents, the
green card) take theirs from here."""

from __future__ import annotations

from accounts.models import Household, HouseholdMembership, Resident
from accounts.scope import served_places
from kernel.auth import Principal
from kernel.i18n import N_
from kernel.scope import Condition, Scope, eq, within
from moralbank.errors import NoSuchHousehold, NoSuchHouseholdRequest, NotTheHead

STAFF_OF_HOUSEHOLDS = ("worker", "district_admin", "platform_admin")


def member_of(resident_id: str, column: str = "household_id") -> Condition:
    """Rows whose `column` names the household the resident is a member of now: the
    resident's `household_id`, which `moralbank/households.py` keeps with the membership
    history. The assessment's and the partners' scopes take it from here."""
    return within(column, Resident, "household_id", eq("id", resident_id))


def households_of(who: Principal, column: str = "household_id") -> Condition:
    """Rows whose `column` names a household the caller may see: a resident their own
    household, a worker their communities', an administrator their district's."""
    if who.role == "resident":
        return member_of(who.id, column)
    served = served_places(who).where()
    return within(column, Household, "id", served)


def readable_households(who: Principal) -> Scope[Household]:
    if who.role == "resident":
        return Scope(Household, member_of(who.id, "id"))
    return Scope(Household, served_places(who).where())


async def readable_household(household_id: str, *, who: Principal) -> Household:
    household = await readable_households(who).rows().get_or_none(id=household_id)
    if household is None:
        raise NoSuchHousehold(N_("No household `{household}` for you."), household=household_id)
    return household


async def headed_household(household_id: str, *, who: Principal) -> Household:
    """A household the resident heads, locked for the change (404 when not theirs, 403 when
    they are a member but not its head). Locked before the head is checked: what the head
    does (spending the household's credits too) sees the head in force until it ends, and a
    hand-over waits for it."""
    household = await readable_household(household_id, who=who)
    locked = await Household.select_for_update().get(id=household.id)
    require_head(locked, who=who)
    return locked


def require_head(household: Household, *, who: Principal) -> None:
    """Who speaks for a household (its invitations, requests, headship, consents to partner
    banks): its head, and no other member (403)."""
    if household.head_id != who.id:
        raise NotTheHead(N_("Only the head of the household may do this."))


def readable_requests(who: Principal) -> Scope[HouseholdMembership]:
    """Requests to join (and the rest of the history): the staff's households', a resident's
    own and those of the household they are in."""
    if who.role == "resident":
        return Scope(
            HouseholdMembership, eq("resident_id", who.id) | households_of(who, "household_id")
        )
    return Scope(HouseholdMembership, households_of(who, "household_id"))


async def readable_request(request_id: str, *, who: Principal) -> HouseholdMembership:
    found = await readable_requests(who).rows().get_or_none(id=request_id)
    if found is None:
        raise NoSuchHouseholdRequest(
            N_("No request to join `{request}` for you."), request=request_id
        )
    return found
