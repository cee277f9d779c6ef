"""Who may see which badges, badge awards and honour rolls: a district's staff see its awards
and draft rolls, its residents its published rolls; platform administrators all. One `Scope`
per resource; recognition's routes, services and statements ask here."""

from __future__ import annotations

from accounts.scope import own_district, readable_district
from credits.recognition.errors import HonourRollNotFound
from credits.recognition.models import BadgeAward, BadgeDefinition, HonourRoll
from kernel.auth import Principal
from kernel.i18n import N_
from kernel.scope import NEVER, Scope, eq, is_null


def readable_awards(who: Principal) -> Scope[BadgeAward]:
    return Scope(BadgeAward, own_district(who))


async def readable_badges(
    who: Principal, *, district_code: str | None = None
) -> Scope[BadgeDefinition]:
    """The platform's badges and those of the caller's district (or, for platform
    administrators, of the district they name)."""
    district_id = who.district_id
    if district_code is not None:
        district_id = (await readable_district(district_code, who=who)).id
    district = eq("district_id", district_id) if district_id is not None else NEVER
    return Scope(BadgeDefinition, is_null("district_id") | district)


def reviews_honour_rolls(who: Principal) -> bool:
    """Staff see draft rolls and removed lines; residents only what was published."""
    return who.kind == "staff"


def readable_honour_rolls(who: Principal) -> Scope[HonourRoll]:
    """The rolls of the caller's district: staff every one, residents the published ones."""
    rolls = Scope(HonourRoll, own_district(who))
    return rolls if reviews_honour_rolls(who) else rolls.narrowed(eq("status", "published"))


async def readable_honour_roll(roll_id: str, *, who: Principal) -> HonourRoll:
    """A roll of the caller's district (the review endpoints are staff's)."""
    roll = await readable_honour_rolls(who).rows().get_or_none(id=roll_id)
    if roll is None:
        raise HonourRollNotFound(N_("No honour roll `{roll}` in your district."), roll=roll_id)
    return roll
