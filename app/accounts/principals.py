"""Who is calling: a token's subject turned into a Principal, and the cached principals
forgotten when their account changes."""

from __future__ import annotations

from typing import Any

from tortoise.signals import post_delete, post_save

from app.accounts.models import Resident, Staff, StaffCommunity
from app.core import authcache
from app.core.auth import Principal, Role


async def load_principal(kind: str, subject_id: str) -> Principal | None:
    """Turns a token's subject into the caller with their current role and scope."""
    if kind == "resident":
        resident = await Resident.get_or_none(id=subject_id)
        if resident is None:
            return None
        return Principal(
            kind="resident",
            id=resident.id,
            role="resident",
            district_id=resident.district_id,
            community_ids=frozenset([resident.community_id] if resident.community_id else []),
        )
    if kind == "staff":
        staff = await Staff.get_or_none(id=subject_id, disabled_at__isnull=True)
        if staff is None:
            return None
        links = await StaffCommunity.filter(staff_id=staff.id).values_list(
            "community_id", flat=True
        )
        role: Role = staff.role  # type: ignore[assignment]
        return Principal(
            kind="staff",
            id=staff.id,
            role=role,
            district_id=staff.district_id,
            community_ids=frozenset(str(c) for c in links),
        )
    return None


# Saved or deleted through the ORM in this process: the cached principal is forgotten at once
# (other processes hear of it from the database's NOTIFY, see app/core/authcache.py).


@post_save(Staff)
@post_save(Resident)
async def _forget_saved(
    sender: type[Staff | Resident], instance: Staff | Resident, *args: Any
) -> None:
    authcache.forget(f"subject:{_subject_kind(instance)}:{instance.id}")


@post_delete(Staff)
@post_delete(Resident)
async def _forget_deleted(
    sender: type[Staff | Resident], instance: Staff | Resident, *args: Any
) -> None:
    authcache.forget(f"subject:{_subject_kind(instance)}:{instance.id}")


@post_save(StaffCommunity)
@post_delete(StaffCommunity)
async def _forget_links(sender: type[StaffCommunity], instance: StaffCommunity, *args: Any) -> None:
    authcache.forget(f"subject:staff:{instance.staff_id}")


def _subject_kind(instance: Staff | Resident) -> str:
    return "staff" if isinstance(instance, Staff) else "resident"
