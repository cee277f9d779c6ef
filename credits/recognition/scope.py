"""Who may see which badge awards: a district's staff see its awards; platform
administrators all. Recognition's routes and services ask here."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from accounts.models import District
from credits.recognition.errors import HonourRollNotFound
from credits.recognition.models import BadgeAward, HonourRoll
from kernel.auth import Principal
from kernel.i18n import N_


def readable_awards(who: Principal) -> QuerySet[BadgeAward]:
    if who.role == "platform_admin":
        return BadgeAward.all()
    return BadgeAward.filter(district_id=who.district_id or "")


def reviews_honour_rolls(who: Principal) -> bool:
    """Staff see draft rolls and removed lines; residents only what was published."""
    return who.kind == "staff"


def readable_honour_rolls(district: District, who: Principal) -> QuerySet[HonourRoll]:
    rolls = HonourRoll.filter(district_id=district.id)
    return rolls if reviews_honour_rolls(who) else rolls.filter(status="published")


async def readable_honour_roll(roll_id: str, *, who: Principal) -> HonourRoll:
    """A roll of the caller's district, draft or published (the review endpoints are staff's)."""
    roll = await HonourRoll.get_or_none(id=roll_id)
    if roll is None or (who.role != "platform_admin" and roll.district_id != who.district_id):
        raise HonourRollNotFound(N_("No honour roll `{roll}` in your district."), roll=roll_id)
    return roll
