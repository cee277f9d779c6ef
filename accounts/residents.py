"""Residents: registered on their first WeChat login, their real name (encrypted, masked),
its verification in person, and their own settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError

from accounts.errors import (
    CommunityClosed,
    IdentityChecksExhausted,
    IdentityMismatch,
    IdNumberInUse,
    InvalidIdNumber,
    RealNameMissing,
)
from accounts.models import Community, RealNameCheck, Resident
from accounts.scope import served_residents
from accounts.service import find_community
from kernel.auth import Principal
from kernel.db import transaction
from kernel.errors import NotFound, Problem
from kernel.i18n import N_
from kernel.identity import IdentityServiceUnavailable, check_identity, ensure_identity_service
from kernel.keys import get_keyring
from kernel.settings import get_settings


async def verify_real_name_in_person(resident_id: str, *, by: Principal) -> Resident:
    """A worker (or administrator) saw the resident's identity document and it matches."""
    resident = await served_residents(by).rows().get_or_none(id=resident_id)
    if resident is None:
        raise NotFound(N_("No such resident in your communities."))
    if resident.id_number_hash is None:
        raise RealNameMissing(N_("The resident has not given a real name and ID number yet."))
    if resident.real_name_verified_at is None:
        resident.real_name_verified_at = datetime.now(UTC)
        resident.real_name_verified_by = by.subject
        await resident.save(update_fields=["real_name_verified_at", "real_name_verified_by"])
    return resident


async def verify_real_name_by_service(resident: Resident) -> Resident | Problem:
    """Asks the configured identity service whether the resident's ID number belongs to their
    name; a match verifies the real name (`service:<name>`). Each question is recorded (never
    the name or number), so a refusal is returned, not raised: the record stays."""
    ensure_identity_service()
    settings = get_settings()
    if resident.id_number_hash is None or resident.id_number_cipher is None:
        raise RealNameMissing(N_("Give your real name and ID number first."))
    if resident.real_name_verified_at is not None:
        return resident
    since = datetime.now(UTC) - timedelta(days=1)
    asked = await RealNameCheck.filter(
        resident_id=resident.id, created_at__gte=since, result__in=("match", "no_match")
    ).count()
    if asked >= settings.identity_checks_per_day:
        raise IdentityChecksExhausted(
            N_("At most {quota} identity checks a day; try again tomorrow, or show your ID card "
               "to a community worker."),
            quota=settings.identity_checks_per_day,
            retry_after=3600,
        )  # fmt: skip
    ring = get_keyring()
    service = settings.identity_service_name
    assert resident.real_name_cipher is not None
    try:
        result = await check_identity(
            ring.decrypt(resident.real_name_cipher), ring.decrypt(resident.id_number_cipher)
        )
    except IdentityServiceUnavailable as unavailable:
        await RealNameCheck.create(resident_id=resident.id, service=service, result="unavailable")
        return unavailable
    await RealNameCheck.create(resident_id=resident.id, service=service, result=result)
    if result == "no_match":
        return IdentityMismatch(
            N_("The identity service says this ID number does not belong to this name: check "
               "both and give them again, or show your ID card to a community worker."),
            errors=[{"field": "id_number", "message": N_("does not match the name")}],
        )  # fmt: skip
    resident.real_name_verified_at = datetime.now(UTC)
    resident.real_name_verified_by = f"service:{service}"
    await resident.save(update_fields=["real_name_verified_at", "real_name_verified_by"])
    return resident


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


def mask_phone(number: str) -> str:
    """138****1234: the first three and the last four digits."""
    return number[:3] + "****" + number[-4:] if len(number) >= 7 else "****"


async def set_phone(resident: Resident, number: str) -> Resident:
    """Keeps the number WeChat vouched for, encrypted, and its mask."""
    resident.phone_cipher = get_keyring().encrypt(number)
    resident.phone_masked = mask_phone(number)
    await resident.save(update_fields=["phone_cipher", "phone_masked"])
    return resident


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
            N_("The ID number's check digit does not match."),
            errors=[{"field": "id_number", "message": N_("not a valid resident ID number")}],
        )
    ring = get_keyring()
    lookup = ring.lookup_hash(id_number)
    if await Resident.filter(id_number_hash=lookup).exclude(id=resident.id).exists():
        raise IdNumberInUse(N_("This ID number is already verified by another account."))
    resident.real_name_cipher = ring.encrypt(name)
    resident.real_name_masked = mask_name(name)
    resident.id_number_cipher = ring.encrypt(id_number)
    if resident.id_number_hash != lookup:  # a new number is not verified yet
        resident.real_name_verified_at, resident.real_name_verified_by = None, None
    resident.id_number_hash = lookup
    resident.id_number_masked = mask_id_number(id_number)
    try:
        async with transaction():  # a savepoint: two residents may verify one number at once
            await resident.save()
    except IntegrityError as exc:
        raise IdNumberInUse(N_("This ID number is already verified by another account.")) from exc
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
        if found.joining_closed_at is not None and found.id != resident.community_id:
            raise CommunityClosed(
                N_("{name} is not taking new residents; choose another community."),
                errors=[{"field": "community", "message": N_("closed to joining")}],
                name=found.name,
            )
        resident.community_id, resident.district_id = found.id, found.district_id
    await resident.save()
    return resident


async def community_of(resident: Resident) -> Community | None:
    """The resident's community with its district, for their response."""
    if resident.community_id is None:
        return None
    return await Community.get(id=resident.community_id).prefetch_related("district")
