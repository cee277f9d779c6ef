"""Staff accounts: created within the creator's scope, disabled, enabled, given new passwords."""

from __future__ import annotations

from datetime import UTC, datetime

from accounts.errors import InvalidStaffScope, UsernameTaken
from accounts.models import Community, District, Staff, StaffCommunity
from accounts.schemas import StaffCreate
from accounts.scope import managed_staff, readable_districts
from kernel.auth import Principal, revoke_sessions_of
from kernel.errors import Forbidden
from kernel.i18n import N_
from kernel.passwords import hash_password


def normalise_username(username: str) -> str:
    """One account per name whatever its case: `ADMIN` is `admin`."""
    return username.strip().lower()


async def create_staff(data: StaffCreate, *, by: Principal) -> Staff:
    if by.role == "district_admin" and data.role == "platform_admin":
        raise Forbidden(N_("District administrators cannot create platform administrators."))
    district = None
    if data.role == "platform_admin":
        if data.district or data.communities:
            raise InvalidStaffScope(N_("A platform administrator has no district or communities."))
    else:
        if not data.district:
            raise InvalidStaffScope(N_("A {role} needs a `district`."), role=data.role)
        district = await readable_districts(by).rows().get_or_none(code=data.district)
        if district is None:
            raise InvalidStaffScope(N_("No district `{district}`."), district=data.district)
    if data.role == "worker" and not data.communities:
        raise InvalidStaffScope(N_("A worker needs at least one community."))
    if data.role == "district_admin" and data.communities:
        raise InvalidStaffScope(N_("A district administrator sees the whole district."))
    if data.role == "evaluator" and data.communities:
        raise InvalidStaffScope(N_("An evaluator sees only the inspections assigned to them."))
    communities = []
    if district is not None:
        communities = await Community.filter(district_id=district.id, code__in=data.communities)
        missing = set(data.communities) - {c.code for c in communities}
        if missing:
            raise InvalidStaffScope(
                N_("No such communities in `{code}`: {missing}."),
                code=district.code,
                missing=", ".join(sorted(missing)),
            )
    username = normalise_username(data.username)
    if await Staff.exists(username=username):
        raise UsernameTaken(N_("The username `{username}` is taken."), username=username)
    staff = await Staff.create(
        username=username,
        password_hash=await hash_password(data.password),
        role=data.role,
        display_name=data.display_name,
        district=district,
    )
    for community in communities:
        await StaffCommunity.create(staff=staff, community=community)
    return staff


async def set_communities(staff_id: str, codes: list[str], *, by: Principal) -> Staff:
    """Changes the communities a worker serves: links added and removed one by one, so each
    change forgets the worker's cached principal (`accounts/principals.py`)."""
    staff = await managed_staff(staff_id, by=by)
    if staff.role != "worker":
        raise InvalidStaffScope(N_("Only a worker serves chosen communities."))
    if not codes:
        raise InvalidStaffScope(
            N_("A worker needs at least one community."),
            errors=[{"field": "communities", "message": N_("required")}],
        )
    wanted = await Community.filter(district_id=staff.district_id or "", code__in=codes)
    missing = set(codes) - {c.code for c in wanted}
    if missing:
        raise InvalidStaffScope(
            N_("No such communities in the worker's district: {missing}."),
            missing=", ".join(sorted(missing)),
        )
    keep = {c.id for c in wanted}
    links = await StaffCommunity.filter(staff_id=staff.id)
    for link in links:
        if link.community_id not in keep:
            await link.delete()
    have = {link.community_id for link in links}
    for community in wanted:
        if community.id not in have:
            await StaffCommunity.create(staff=staff, community=community)
    return staff


async def set_platform_admin(username: str, password: str) -> Staff:
    """Creates the platform administrator, or resets their password (the CLI's create-admin)."""
    password_hash = await hash_password(password)
    username = normalise_username(username)
    staff = await Staff.get_or_none(username=username)
    if staff is None:
        return await Staff.create(
            username=username, password_hash=password_hash, role="platform_admin"
        )
    staff.password_hash, staff.role, staff.disabled_at = password_hash, "platform_admin", None
    staff.district_id = None
    await staff.save()
    return staff


async def disable_staff(staff_id: str, *, by: Principal) -> Staff:
    """Disables an account: it can no longer log in, and every token it holds stops working
    at once (its logins are revoked; each request checks `disabled_at`)."""
    staff = await managed_staff(staff_id, by=by)
    if staff.disabled_at is None:
        staff.disabled_at = datetime.now(UTC)
        await staff.save(update_fields=["disabled_at"])
    await revoke_sessions_of(f"staff:{staff.id}")
    return staff


async def enable_staff(staff_id: str, *, by: Principal) -> Staff:
    staff = await managed_staff(staff_id, by=by)
    if staff.disabled_at is not None:
        staff.disabled_at = None
        await staff.save(update_fields=["disabled_at"])
    return staff


async def reset_staff_password(staff_id: str, password: str, *, by: Principal) -> Staff:
    """Sets a new password; the account's current logins end (they must log in again)."""
    staff = await managed_staff(staff_id, by=by)
    staff.password_hash = await hash_password(password)
    await staff.save(update_fields=["password_hash"])
    await revoke_sessions_of(f"staff:{staff.id}")
    return staff


async def scopes_of(staff: list[Staff]) -> dict[str, tuple[str | None, list[str]]]:
    """Each account's district code and community codes, for its response, in two queries."""
    district_ids = {s.district_id for s in staff if s.district_id}
    districts = dict(
        await District.filter(id__in=district_ids).values_list("id", "code") if district_ids else []
    )
    links = await StaffCommunity.filter(staff_id__in=[s.id for s in staff]).values_list(
        "staff_id", "community__code"
    )
    communities: dict[str, list[str]] = {}
    for staff_id, code in links:
        communities.setdefault(staff_id, []).append(code)
    return {
        s.id: (
            districts.get(s.district_id) if s.district_id else None,
            sorted(communities.get(s.id, [])),
        )
        for s in staff
    }


async def community_sets(district_id: str) -> list[tuple[str, ...]]:
    """The sets of several communities of the district that one member of staff serves."""
    served: dict[str, set[str]] = {}
    for staff_id, community_id in await StaffCommunity.filter(
        community__district_id=district_id
    ).values_list("staff_id", "community_id"):
        served.setdefault(staff_id, set()).add(community_id)
    return sorted({tuple(sorted(ids)) for ids in served.values() if len(ids) > 1})
