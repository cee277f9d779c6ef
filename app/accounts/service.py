"""The rules of accounts: districts and their versioned rules, communities, staff, residents."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from tortoise.exceptions import IntegrityError
from tortoise.signals import post_delete, post_save

from app.accounts.errors import (
    CommunityClosed,
    CommunityExists,
    DefaultRequired,
    DistrictExists,
    IdentityChecksExhausted,
    IdentityMismatch,
    IdNumberInUse,
    InvalidIdNumber,
    InvalidStaffScope,
    RealNameMissing,
    RetroactiveRulesChange,
    UnknownAction,
    UsernameTaken,
)
from app.accounts.models import (
    Community,
    District,
    DistrictRulesVersion,
    RealNameCheck,
    Resident,
    Staff,
    StaffCommunity,
)
from app.accounts.schemas import DistrictRules, DistrictRulesPatch, StaffCreate
from app.accounts.scope import managed_staff, readable_districts, served_residents
from app.core import authcache
from app.core.auth import Principal, Role, revoke_sessions_of
from app.core.db import transaction
from app.core.errors import Forbidden, Invalid, NotFound, Problem, invalid_from
from app.core.geo import distance_m
from app.core.i18n import N_, _, translate
from app.core.identity import IdentityServiceUnavailable, check_identity, ensure_identity_service
from app.core.keys import get_keyring
from app.core.passwords import hash_password
from app.core.settings import get_settings

# --- districts and their rules -------------------------------------------------------------


RESERVED_DISTRICT_CODES = frozenset({"open"})  # `/api/v1/districts/open` lists communities


async def create_district(*, code: str, name: str, by: Principal) -> District:
    if code in RESERVED_DISTRICT_CODES:
        raise Invalid(
            N_("`{code}` is a reserved word of the API; choose another district code."),
            errors=[{"field": "code", "message": N_("reserved")}],
            code=code,
        )
    if await District.exists(code=code):
        raise DistrictExists(N_("District `{code}` exists already."), code=code)
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


async def version_at(district_id: str, at: datetime) -> DistrictRulesVersion | None:
    """The rules version in force at `at`, as `rules_at` picks it (None: the defaults)."""
    return (
        await DistrictRulesVersion.filter(district_id=district_id, effective_from__lte=at)
        .order_by("-effective_from", "-created_at", "-id")
        .first()
    )


# What a district's earning rules may price ({code: name}): the civility actions from the
# activities domain, and whatever else a domain posts credits for (oversight's confirmed
# problem reports). Each domain registers its loader (accounts import no domain above them).
ActionCatalogue = Callable[[str], Awaitable[dict[str, str]]]
_action_catalogues: list[ActionCatalogue] = []


def register_action_catalogue(loader: ActionCatalogue) -> None:
    if loader not in _action_catalogues:
        _action_catalogues.append(loader)


async def district_actions(district_id: str) -> dict[str, str]:
    actions: dict[str, str] = {}
    for loader in _action_catalogues:
        actions.update(await loader(district_id))
    return actions


# A change dated this little before now counts as now (clocks of clients differ).
RULES_CLOCK_SLACK = timedelta(minutes=5)
PER_ACTION_MAPS = ("credits_per_hour", "credits_per_report", "report_daily_cap")
EXAMPLE_HOURS = Decimal(2)


@dataclass
class RulesChange:
    """What a settings change leads to: the rules, from when, and whether it was written."""

    rules: DistrictRules
    effective_from: datetime
    version: str | None
    written: bool
    earnings: list[dict[str, Any]]


def earnings(rules: DistrictRules, actions: dict[str, str]) -> list[dict[str, Any]]:
    """What each action earns under `rules`, with the sentence a district admin reads."""
    rows = []
    for code, name in sorted(actions.items()):
        per_hour = rules.per_action(rules.credits_per_hour, code)
        per_report = rules.per_action(rules.credits_per_report, code)
        cap = rules.report_daily_cap.get(code, rules.report_daily_cap.get("default", 0))
        if not rules.moral_bank_enabled:
            example = _("The moral bank is off: {action} earns no credits.", action=name)
        else:
            example = _(
                "A {hours}-hour {action} activity earns {hour_credits} credits; "
                "a {action} report earns {report_credits} (at most {cap} a day).",
                hours=EXAMPLE_HOURS,
                action=name,
                hour_credits=_plain(per_hour * EXAMPLE_HOURS),
                report_credits=_plain(per_report),
                cap=cap,
            )
        rows.append(
            {
                "action": code,
                "name": name,
                "credits_per_hour": per_hour if rules.moral_bank_enabled else Decimal(0),
                "credits_per_report": per_report if rules.moral_bank_enabled else Decimal(0),
                "report_daily_cap": cap,
                "example": example,
            }
        )
    return rows


def _plain(amount: Decimal) -> str:
    """12.50 → 12.5, 20.00 → 20."""
    text = f"{amount:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


async def _merged_rules(
    district: District,
    patch: DistrictRulesPatch,
    actions: dict[str, str],
    *,
    seeding: bool = False,
) -> tuple[DistrictRules, DistrictRules, datetime]:
    """(rules in force at the change's start, rules after the change, the start)."""
    now = datetime.now(UTC)
    effective_from = patch.effective_from or now
    if effective_from.tzinfo is None:
        effective_from = effective_from.replace(tzinfo=UTC)
    # Seeding writes a new district's history (seed-demo, benchmarks): no deed exists yet, so
    # a past date changes nothing already earned.
    if not seeding:
        if effective_from < now - RULES_CLOCK_SLACK:
            raise RetroactiveRulesChange(
                N_(
                    "`effective_from` is in the past; a change would alter what deeds and "
                    "back-fills already made earn. Date it now or later."
                ),
                errors=[{"field": "effective_from", "message": N_("must not be in the past")}],
            )
        effective_from = max(effective_from, now)
    current = await rules_at(district.id, effective_from)
    changes = patch.model_dump(exclude_unset=True, exclude={"effective_from"})
    merged = current.model_dump()
    for name in PER_ACTION_MAPS:
        if name not in changes or changes[name] is None:
            changes.pop(name, None)
            continue
        table = dict(merged[name])
        for code, value in changes.pop(name).items():
            if code == "default":
                if value is None:
                    raise DefaultRequired(
                        N_("`{setting}` must keep a `default` for the other actions."),
                        setting=name,
                        errors=[{"field": f"{name}.default", "message": N_("cannot be removed")}],
                    )
            elif code not in actions:
                raise UnknownAction(
                    N_("`{action}` in `{setting}` is not a civility action of the district."),
                    action=code,
                    setting=name,
                    errors=[{"field": f"{name}.{code}", "message": N_("no such action")}],
                )
            if value is None:
                table.pop(code, None)
            else:
                table[code] = value
        if "default" not in table:  # a map written before merging existed may lack it
            raise DefaultRequired(
                N_("`{setting}` must keep a `default` for the other actions."),
                setting=name,
                errors=[{"field": f"{name}.default", "message": N_("required")}],
            )
        merged[name] = table
    merged.update({k: v for k, v in changes.items() if v is not None})
    try:
        after = DistrictRules.model_validate(merged)
    except ValidationError as exc:
        raise invalid_from(exc) from exc
    return current, after, effective_from


async def preview_rules(district: District, patch: DistrictRulesPatch) -> RulesChange:
    """What `change_rules` would make of `patch`, writing nothing."""
    actions = await district_actions(district.id)
    _current, after, effective_from = await _merged_rules(district, patch, actions)
    version = await version_at(district.id, effective_from)
    return RulesChange(
        after, effective_from, version.id if version else None, False, earnings(after, actions)
    )


async def change_rules(
    district: District, patch: DistrictRulesPatch, *, by: Principal, seeding: bool = False
) -> RulesChange:
    """Merges `patch` into the rules in force and adds a version from `effective_from`. A
    patch that changes nothing writes nothing. `seeding` (never from HTTP) lets the tools that
    build a district's history from scratch date it in the past."""
    actions = await district_actions(district.id)
    current, after, effective_from = await _merged_rules(district, patch, actions, seeding=seeding)
    if after == current:
        version = await version_at(district.id, effective_from)
        return RulesChange(
            after,
            effective_from,
            version.id if version else None,
            False,
            earnings(after, actions),
        )
    written = await DistrictRulesVersion.create(
        district=district,
        effective_from=effective_from,
        rules=after.model_dump(mode="json"),
        created_by=by.subject,
    )
    return RulesChange(after, effective_from, written.id, True, earnings(after, actions))


# --- communities ---------------------------------------------------------------------------


async def create_community(
    district: District,
    *,
    code: str,
    name: str,
    lat: float | None = None,
    lng: float | None = None,
) -> Community:
    if await Community.exists(district_id=district.id, code=code):
        raise CommunityExists(
            N_("Community `{code}` exists already in `{district}`."),
            code=code,
            district=district.code,
        )
    return await Community.create(district=district, code=code, name=name, lat=lat, lng=lng)


async def joinable_communities(
    lat: float | None, lng: float | None, *, limit: int
) -> list[dict[str, Any]]:
    """Every community open to join, nearest first when a point (GCJ-02) is given;
    communities without a location come after, by district and name."""
    communities = await Community.filter(joining_closed_at__isnull=True).prefetch_related(
        "district"
    )
    rows = []
    for c in communities:
        distance = (
            round(distance_m(lat, lng, c.lat, c.lng))
            if lat is not None and lng is not None and c.lat is not None and c.lng is not None
            else None
        )
        rows.append(
            {
                "ref": f"{c.district.code}/{c.code}",
                "name": c.name,
                "district": c.district.code,
                "district_name": c.district.name,
                "distance_m": distance,
            }
        )
    rows.sort(
        key=lambda r: (r["distance_m"] is None, r["distance_m"] or 0, r["district"], r["ref"])
    )
    return rows[:limit]


async def set_community_joining(
    district: District, community_code: str, *, open_to_join: bool, by: Principal
) -> Community:
    """Opens or closes a community to new residents; those already in it stay."""
    community = await Community.get_or_none(district_id=district.id, code=community_code)
    if community is None:
        raise NotFound(
            N_("No community `{district_code}/{community_code}`."),
            district_code=district.code,
            community_code=community_code,
        )
    if open_to_join:
        community.joining_closed_at, community.joining_closed_by = None, None
    elif community.joining_closed_at is None:
        community.joining_closed_at, community.joining_closed_by = datetime.now(UTC), by.subject
    await community.save(update_fields=["joining_closed_at", "joining_closed_by"])
    return community


def missing_for(resident: Resident) -> list[str]:
    missing = []
    if resident.community_id is None:
        missing.append("community")
    if not resident.nickname:
        missing.append("nickname")
    if resident.id_number_hash is None:
        missing.append("real_name")
    elif resident.real_name_verified_at is None:
        missing.append("real_name_verification")
    return missing


def real_name_status(resident: Resident) -> str:
    """`none`; `number_checked` (a well-formed ID number, not yet seen by anyone);
    `verified` (in person by a worker, or by an identity service)."""
    if resident.id_number_hash is None:
        return "none"
    return "verified" if resident.real_name_verified_at is not None else "number_checked"


async def verify_real_name_in_person(resident_id: str, *, by: Principal) -> Resident:
    """A worker (or administrator) saw the resident's identity document and it matches."""
    resident = await served_residents(by).get_or_none(id=resident_id)
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


_NEXT_STEPS = {
    "community": N_("Choose your community to see its activities and rewards."),
    "nickname": N_("Choose a nickname."),
    "real_name": N_("Give your real name to receive certificates of service."),
    "real_name_verification": N_(
        "Show your ID card to a community worker to verify your real name."
    ),
}


async def find_community(district_code: str, community_code: str) -> Community:
    community = await Community.get_or_none(
        district__code=district_code, code=community_code
    ).prefetch_related("district")
    if community is None:
        raise NotFound(
            N_("No community `{district_code}/{community_code}`."),
            district_code=district_code,
            community_code=community_code,
        )
    return community


# --- staff ---------------------------------------------------------------------------------


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
        district = await readable_districts(by).get_or_none(code=data.district)
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
        "disabled_at": staff.disabled_at,
    }


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


async def resident_view(resident: Resident) -> dict[str, Any]:
    community = (
        await Community.get(id=resident.community_id).prefetch_related("district")
        if resident.community_id
        else None
    )
    missing = missing_for(resident)
    return {
        "missing": missing,
        "next_step": translate(_NEXT_STEPS[missing[0]]) if missing else None,
        "id": resident.id,
        "nickname": resident.nickname,
        "district": community.district.code if community else None,
        "community": f"{community.district.code}/{community.code}" if community else None,
        "public_profile": resident.public_profile,
        "real_name_status": real_name_status(resident),
        "real_name_verified": resident.real_name_verified_at is not None,
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
