"""Who may see which badge awards: a district's staff see its awards; platform
administrators all. Recognition's routes and services ask here."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from app.core.auth import Principal
from credits.recognition.models import BadgeAward


def readable_awards(who: Principal) -> QuerySet[BadgeAward]:
    if who.role == "platform_admin":
        return BadgeAward.all()
    return BadgeAward.filter(district_id=who.district_id or "")
