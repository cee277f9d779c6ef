"""Names for ids, in one query per kind: residents, communities, districts, actions,
activities, staff."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import Community, District, Resident, Staff
from activities.service import action_names as action_names  # the one definition
from activities.service import activity_titles as activity_titles
from kernel.i18n import translate


@dataclass(frozen=True)
class Person:
    """How the console shows a resident: nickname, masked real name, masked phone."""

    nickname: str
    real_name: str
    phone: str

    def __str__(self) -> str:
        parts = [self.nickname or translate("(no nickname)")]
        if self.real_name:
            parts.append(self.real_name)
        if self.phone:
            parts.append(self.phone)
        return " · ".join(parts)


def person(resident: Resident) -> Person:
    return Person(resident.nickname, resident.real_name_masked or "", resident.phone_masked or "")


async def people(ids: Iterable[str]) -> dict[str, Person]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {r.id: person(r) for r in await Resident.filter(id__in=wanted)}


async def communities(ids: Iterable[str] | None = None) -> dict[str, Community]:
    query = Community.all() if ids is None else Community.filter(id__in={i for i in ids if i})
    return {c.id: c for c in await query}


async def districts(ids: Iterable[str]) -> dict[str, District]:
    return {d.id: d for d in await District.filter(id__in={i for i in ids if i})}


async def staff_names(subjects: Iterable[str]) -> dict[str, str]:
    """`staff:<id>` subjects → display name or username."""
    ids = {s.partition(":")[2] for s in subjects if s and s.startswith("staff:")}
    found = await Staff.filter(id__in=ids) if ids else []
    return {f"staff:{s.id}": s.display_name or s.username for s in found}
