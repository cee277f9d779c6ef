"""The rules of accounts: districts and their versioned rules, communities, staff, residents."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from tortoise.exceptions import IntegrityError

from app.accounts.errors import (
    CommunityExists,
    DistrictExists,
    IdNumberInUse,
    InvalidIdNumber,
    InvalidStaffScope,
    UsernameTaken,
)
from app.accounts.models import (
    Community,
    District,
    DistrictRulesVersion,
    Resident,
    Staff,
    StaffCommunity,
)
from app.accounts.schemas import DistrictRules, DistrictRulesPatch, StaffCreate
from app.accounts.scope import readable_districts
from app.core.auth import Principal, Role
from app.core.db import transaction
from app.core.errors import Forbidden, NotFound, invalid_from
from app.core.keys import get_keyring
from app.core.passwords import hash_password

# --- districts and their rules -------------------------------------------------------------


async def create_district(*, code: str, name: str, by: Principal) -> District:
    if await District.exists(code=code):
        raise DistrictExists(f"District `{code}` exists already.")
    district = await District.create(code=code, name=name)
    await DistrictRulesVersion.create(
        district=district,
        effective_from=datetime(2000, 1, 1, tzinfo=UTC),
        rules=DistrictRules().model_dump(mode="json"),
        created_by=by.subject,
    )
    return district


async def rules_at(district_id: str, at: datetime | None = None) -> DistrictRules:
    """The district's rules in force at `at` (now by default)."""
    version = (
        await DistrictRulesVersion.filter(
            district_id=district_id, effective_from__lte=at or datetime.now(UTC)
        )
        .order_by("-effective_from", "-created_at")
        .first()
    )
    if version is None:
        return DistrictRules()
    return DistrictRules.model_validate(version.rules)


async def upcoming_rules(district_id: str) -> list[DistrictRulesVersion]:
    return await DistrictRulesVersion.filter(
        district_id=district_id, effective_from__gt=datetime.now(UTC)
    ).order_by("effective_from")


async def change_rules(
    district: District, patch: DistrictRulesPatch, *, by: Principal
) -> DistrictRules:
    effective_from = patch.effective_from or datetime.now(UTC)
    current = await rules_at(district.id, effective_from)
    changes = patch.model_dump(exclude_unset=True, exclude={"effective_from"})
    try:
        merged = DistrictRules.model_validate({**current.model_dump(), **changes})
    except ValidationError as exc:
        raise invalid_from(exc) from exc
    await DistrictRulesVersion.create(
        district=district,
        effective_from=effective_from,
        rules=merged.model_dump(mode="json"),
        created_by=by.subject,
    )
    return merged


# --- communities ---------------------------------------------------------------------------


async def create_community(district: District, *, code: str, name: str) -> Community:
    if await Community.exists(district_id=district.id, code=code):
        raise CommunityExists(f"Community `{code}` exists already in `{district.code}`.")
    return await Community.create(district=district, code=code, name=name)


async def find_community(district_code: str, community_code: str) -> Community:
    community = await Community.get_or_none(
        district__code=district_code, code=community_code
    ).prefetch_related("district")
    if community is None:
        raise NotFound(f"No community `{district_code}/{community_code}`.")
    return community


# --- staff ---------------------------------------------------------------------------------


async def create_staff(data: StaffCreate, *, by: Principal) -> Staff:
    if by.role == "district_admin" and data.role == "platform_admin":
        raise Forbidden("District administrators cannot create platform administrators.")
    district = None
    if data.role == "platform_admin":
        if data.district or data.communities:
            raise InvalidStaffScope("A platform administrator has no district or communities.")
    else:
        if not data.district:
            raise InvalidStaffScope(f"A {data.role} needs a `district`.")
        district = await readable_districts(by).get_or_none(code=data.district)
        if district is None:
            raise InvalidStaffScope(f"No district `{data.district}`.")
    if data.role == "worker" and not data.communities:
        raise InvalidStaffScope("A worker needs at least one community.")
    if data.role == "district_admin" and data.communities:
        raise InvalidStaffScope("A district administrator sees the whole district.")
    if data.role == "evaluator" and data.communities:
        raise InvalidStaffScope("An evaluator sees only the inspections assigned to them.")
    communities = []
    if district is not None:
        communities = await Community.filter(district_id=district.id, code__in=data.communities)
        missing = set(data.communities) - {c.code for c in communities}
        if missing:
            raise InvalidStaffScope(
                f"No such communities in `{district.code}`: {', '.join(sorted(missing))}."
            )
    if await Staff.exists(username=data.username):
        raise UsernameTaken(f"The username `{data.username}` is taken.")
    staff = await Staff.create(
        username=data.username,
        password_hash=await hash_password(data.password),
        role=data.role,
        display_name=data.display_name,
        district=district,
    )
    for community in communities:
        await StaffCommunity.create(staff=staff, community=community)
    return staff


async def set_platform_admin(username: str, password: str) -> Staff:
    """Creates the platform administrator, or resets their password (the CLI's create-admin)."""
    password_hash = await hash_password(password)
    staff = await Staff.get_or_none(username=username)
    if staff is None:
        return await Staff.create(
            username=username, password_hash=password_hash, role="platform_admin"
        )
    staff.password_hash, staff.role, staff.is_active = password_hash, "platform_admin", True
    staff.district_id = None
    await staff.save()
    return staff


async def staff_view(staff: Staff) -> dict[str, Any]:
    communities = await Community.filter(staff_links__staff_id=staff.id).prefetch_related(
        "district"
    )
    district = await District.get_or_none(id=staff.district_id) if staff.district_id else None
    return {
        "id": staff.id,
        "username": staff.username,
        "role": staff.role,
        "display_name": staff.display_name,
        "district": district.code if district else None,
        "communities": sorted(c.code for c in communities),
    }


# --- residents -----------------------------------------------------------------------------


async def resident_by_openid(openid: str, unionid: str | None) -> Resident:
    """Finds the resident of this openid, or registers them on their first login."""
    resident = await Resident.get_or_none(openid=openid)
    if resident is None:
        try:
            async with transaction():  # a savepoint: two first logins may race
                resident = await Resident.create(openid=openid, unionid=unionid)
        except IntegrityError:
            resident = await Resident.get(openid=openid)
    elif unionid and resident.unionid != unionid:
        resident.unionid = unionid
        await resident.save(update_fields=["unionid"])
    return resident


def mask_name(name: str) -> str:
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(id_number: str) -> str:
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number_is_valid(id_number: str) -> bool:
    """GB 11643: 17 digits, then a check character from the weighted sum."""
    if len(id_number) != 18 or not id_number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(id_number[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == id_number[17].upper()


async def set_real_name(resident: Resident, *, name: str, id_number: str) -> Resident:
    id_number = id_number.upper()
    if not id_number_is_valid(id_number):
        raise InvalidIdNumber(
            "The ID number's check digit does not match.",
            errors=[{"field": "id_number", "message": "not a valid resident ID number"}],
        )
    ring = get_keyring()
    lookup = ring.lookup_hash(id_number)
    if await Resident.filter(id_number_hash=lookup).exclude(id=resident.id).exists():
        raise IdNumberInUse("This ID number is already verified by another account.")
    resident.real_name_cipher = ring.encrypt(name)
    resident.real_name_masked = mask_name(name)
    resident.id_number_cipher = ring.encrypt(id_number)
    resident.id_number_hash = lookup
    resident.id_number_masked = mask_id_number(id_number)
    await resident.save()
    return resident


async def update_resident(
    resident: Resident,
    *,
    nickname: str | None = None,
    community: str | None = None,
    public_profile: bool | None = None,
) -> Resident:
    if nickname is not None:
        resident.nickname = nickname
    if public_profile is not None:
        resident.public_profile = public_profile
    if community is not None:
        district_code, community_code = community.split("/", 1)
        found = await find_community(district_code, community_code)
        resident.community_id, resident.district_id = found.id, found.district_id
    await resident.save()
    return resident


async def resident_view(resident: Resident) -> dict[str, Any]:
    community = (
        await Community.get(id=resident.community_id).prefetch_related("district")
        if resident.community_id
        else None
    )
    return {
        "id": resident.id,
        "nickname": resident.nickname,
        "district": community.district.code if community else None,
        "community": f"{community.district.code}/{community.code}" if community else None,
        "public_profile": resident.public_profile,
        "real_name_verified": resident.id_number_hash is not None,
        "real_name_masked": resident.real_name_masked,
        "id_number_masked": resident.id_number_masked,
    }


# --- who is calling ------------------------------------------------------------------------


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
        staff = await Staff.get_or_none(id=subject_id, is_active=True)
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
