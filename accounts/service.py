"""The rules of districts: their versioned rules (what each action earns) and communities."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from pydantic import ValidationError

from accounts import versions
from accounts.errors import (
    CommunityExists,
    DefaultRequired,
    DistrictExists,
    RulesChangeInForce,
    UnknownAction,
)
from accounts.models import Community, District, DistrictRulesVersion
from accounts.schemas import DistrictRules, DistrictRulesPatch, EarningOut
from accounts.versions import Versions
from kernel.auth import Principal
from kernel.errors import Invalid, NotFound, invalid_from
from kernel.geo import distance_m
from kernel.i18n import N_, _

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


# Which version of a district's rules is in force (`accounts.versions`): `version_at` and
# `rules_at` read it, the posting's cache picks it alike (`versions.in_force`), and the hot
# paths (a posting's guard, an adjustment's read, a check-out's long-day flag, a daily cap)
# embed `DISTRICT_RULES.in_force_sql` in statements of their own.
DISTRICT_RULES = Versions(DistrictRulesVersion)


async def rules_at(district_id: str, at: datetime | None = None) -> DistrictRules:
    """The district's rules in force at `at` (now by default)."""
    version = await version_at(district_id, at or datetime.now(UTC))
    if version is None:
        return DistrictRules()
    return DistrictRules.model_validate(version.rules)


async def upcoming_rules(district_id: str) -> list[DistrictRulesVersion]:
    return await DistrictRulesVersion.filter(
        district_id=district_id, effective_from__gt=datetime.now(UTC)
    ).order_by("effective_from")


async def version_at(district_id: str, at: datetime) -> DistrictRulesVersion | None:
    """The rules version in force at `at` (None: the defaults)."""
    return await DISTRICT_RULES.version_at(district_id, at)


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


PER_ACTION_MAPS = ("credits_per_hour", "credits_per_report", "report_daily_cap")
EXAMPLE_HOURS = Decimal(2)


@dataclass
class RulesChange:
    """What a settings change leads to: the rules, from when, and whether it was written."""

    rules: DistrictRules
    effective_from: datetime
    version: str | None
    written: bool
    earnings: list[EarningOut]


def earnings(rules: DistrictRules, actions: dict[str, str]) -> list[EarningOut]:
    """What each action earns under `rules`, with the sentence a district admin reads."""
    rows = []
    for code, name in sorted(actions.items()):
        per_hour = rules.per_action(rules.credits_per_hour, code)
        per_report = rules.per_action(rules.credits_per_report, code)
        cap = rules.cap_for(code)
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
            EarningOut(
                action=code,
                name=name,
                credits_per_hour=per_hour if rules.moral_bank_enabled else Decimal(0),
                credits_per_report=per_report if rules.moral_bank_enabled else Decimal(0),
                report_daily_cap=cap,
                example=example,
            )
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
    # Seeding writes a new district's history (seed-demo, benchmarks): no deed exists yet, so
    # a past date changes nothing already earned.
    effective_from = versions.effective_from(
        patch.effective_from,
        now=datetime.now(UTC),
        detail=N_(
            "`effective_from` is in the past; a change would alter what deeds and "
            "back-fills already made earn. Date it now or later."
        ),
        history=seeding,
    )
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
    for code in merged.get("household_actions", []):
        if code not in actions:
            raise UnknownAction(
                N_("`{action}` in `{setting}` is not a civility action of the district."),
                action=code,
                setting="household_actions",
                errors=[{"field": "household_actions", "message": N_("no such action")}],
            )
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


async def cancel_scheduled_rules(district: District, version_id: str) -> DistrictRulesVersion:
    """Withdraws the district's last scheduled rules change before it takes effect. Only the
    last one: each version holds the whole rules, so a later change carries this one's."""
    now = datetime.now(UTC)
    version = await DistrictRulesVersion.get_or_none(id=version_id, district_id=district.id)
    if version is None:
        raise NotFound(N_("No such rules change."))
    if version.effective_from <= now:
        raise RulesChangeInForce(N_("The change took effect already; make a new change instead."))
    if await DistrictRulesVersion.exists(
        district_id=district.id, effective_from__gt=version.effective_from
    ):
        raise RulesChangeInForce(N_("A later change is scheduled; cancel that one first."))
    deleted = await DistrictRulesVersion.filter(id=version.id, effective_from__gt=now).delete()
    if not deleted:
        raise RulesChangeInForce(N_("The change took effect already; make a new change instead."))
    return version


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
) -> list[tuple[Community, int | None]]:
    """Every community open to join with its distance in metres, nearest first when a point
    (GCJ-02) is given; communities without a location come after, by district and code. Each
    community comes with its district."""
    communities = await Community.filter(joining_closed_at__isnull=True).prefetch_related(
        "district"
    )
    rows = [
        (
            c,
            round(distance_m(lat, lng, c.lat, c.lng))
            if lat is not None and lng is not None and c.lat is not None and c.lng is not None
            else None,
        )
        for c in communities
    ]
    rows.sort(key=lambda r: (r[1] is None, r[1] or 0, r[0].district.code, r[0].code))
    return rows[:limit]


async def set_community_joining(
    district: District, community_code: str, *, open_to_join: bool | None, by: Principal
) -> Community:
    """Opens or closes a community to new residents; those already in it stay. `None` (an
    empty PATCH) changes nothing and writes nothing."""
    community = await Community.get_or_none(district_id=district.id, code=community_code)
    if community is None:
        raise NotFound(
            N_("No community `{district_code}/{community_code}`."),
            district_code=district.code,
            community_code=community_code,
        )
    if open_to_join is not None and open_to_join != (community.joining_closed_at is None):
        closed = None if open_to_join else (datetime.now(UTC), by.subject)
        community.joining_closed_at, community.joining_closed_by = closed or (None, None)
        await community.save(update_fields=["joining_closed_at", "joining_closed_by"])
    community.district = district
    return community


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
