"""Who is calling: a token's subject turned into a Principal, and the cached principals
forgotten when their account changes."""

from __future__ import annotations

from typing import Any

from tortoise.signals import post_delete, post_save

from accounts.models import Resident, Staff, StaffCommunity
from kernel import authcache
from kernel.auth import REVOKED, Principal, Role
from kernel.sql import query_rows

# The caller and their scope in one statement; no row: gone, disabled or the login revoked.
_RESIDENT = "SELECT r.district_id, r.community_id FROM resident r WHERE r.id = :id"
_STAFF = (
    "SELECT s.role, s.district_id, l.community_id FROM staff s "
    "LEFT JOIN staff_community l ON l.staff_id = s.id "
    "WHERE s.id = :id AND s.disabled_at IS NULL"
)
_UNREVOKED = f" AND NOT {REVOKED}"


def as_resident(resident_id: str, district_id: str | None, community_id: str | None) -> Principal:
    """A resident as the caller: their district and the community they joined (none yet: no
    community). Requests, the demo and jobs acting for a resident see them alike."""
    return Principal(
        kind="resident",
        id=resident_id,
        role="resident",
        district_id=district_id,
        community_ids=frozenset([community_id] if community_id else []),
    )


def resident_principal(resident: Resident) -> Principal:
    """`as_resident` of a resident's row."""
    return as_resident(resident.id, resident.district_id, resident.community_id)


async def load_principal(kind: str, subject_id: str, session: str | None) -> Principal | None:
    """Turns a token's subject into the caller with their current role and scope, unless the
    account is gone or disabled or the token's login (`session`) was revoked."""
    if kind not in ("resident", "staff"):
        return None
    template = _RESIDENT if kind == "resident" else _STAFF
    if session is not None:
        template += _UNREVOKED
    rows = await query_rows(template, {"id": subject_id, "session": session})
    if not rows:
        return None
    first = rows[0]
    if kind == "resident":
        return as_resident(subject_id, first["district_id"], first["community_id"])
    role: Role = first["role"]
    return Principal(
        kind="staff",
        id=subject_id,
        role=role,
        district_id=first["district_id"],
        community_ids=frozenset(str(r["community_id"]) for r in rows if r["community_id"]),
    )


# Saved or deleted through the ORM in this process: the cached principal is forgotten at once
# (other processes hear of it from the database's NOTIFY, see kernel/authcache.py).


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
