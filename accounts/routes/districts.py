"""Districts, their versioned rules (what each action earns) and their communities."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from accounts import scope, service
from accounts.errors import (
    CommunityExists,
    DefaultRequired,
    DistrictExists,
    RetroactiveRulesChange,
    UnknownAction,
)
from accounts.models import Community, District, DistrictRulesVersion
from accounts.schemas import (
    CommunityCreate,
    CommunityOut,
    CommunityPatch,
    DistrictCreate,
    DistrictDetail,
    DistrictOut,
    DistrictRulesPatch,
    RulesChangeOut,
    RulesVersionOut,
)
from kernel.auth import Principal
from kernel.http import Api, Page, PageQuery, paginate

api = Api("accounts")


@api.post(
    "/api/v1/districts",
    roles=("platform_admin",),
    body=DistrictCreate,
    response=DistrictOut,
    status=201,
    errors=(DistrictExists,),
)
async def create_district(who: Principal, body: DistrictCreate) -> District:
    """Creates a district, with the platform's default rules."""
    return await service.create_district(code=body.code, name=body.name, by=who)


@api.get("/api/v1/districts", query=PageQuery, response=Page[DistrictOut])
async def list_districts(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The districts the caller sees: all for platform administrators, else their own."""
    return await paginate(scope.readable_districts(who).rows(), query)


@api.get(
    "/api/v1/districts/{code}",
    roles=("worker", "district_admin", "platform_admin"),
    response=DistrictDetail,
)
async def get_district(who: Principal, code: str) -> DistrictDetail:
    """A district with the rules in force and any changes scheduled."""
    district = await scope.readable_district(code, who=who)
    rules = await service.rules_at(district.id)
    version = await service.version_at(district.id, datetime.now(UTC))
    return DistrictDetail.from_model(
        district,
        settings=rules,
        settings_version=version.id if version else None,
        upcoming_settings=await service.upcoming_rules(district.id),
        earnings=service.earnings(rules, await service.district_actions(district.id)),
    )


_RULES_ERRORS = (UnknownAction, DefaultRequired, RetroactiveRulesChange)


@api.patch(
    "/api/v1/districts/{code}/settings",
    roles=("district_admin", "platform_admin"),
    body=DistrictRulesPatch,
    response=RulesChangeOut,
    errors=_RULES_ERRORS,
)
async def change_district_settings(
    who: Principal, code: str, body: DistrictRulesPatch
) -> RulesChangeOut:
    """Changes the district's rules from now (or a later `effective_from`), merging per key;
    history is kept. The answer says what each action will earn; `written` is false when the
    change changed nothing (then no version is added)."""
    district = await scope.readable_district(code, who=who)
    return RulesChangeOut.of(await service.change_rules(district, body, by=who))


@api.post(
    "/api/v1/districts/{code}/settings/preview",
    roles=("district_admin", "platform_admin"),
    body=DistrictRulesPatch,
    response=RulesChangeOut,
    errors=_RULES_ERRORS,
)
async def preview_district_settings(
    who: Principal, code: str, body: DistrictRulesPatch
) -> RulesChangeOut:
    """What a settings change would make of the rules and what each action would earn; writes
    nothing."""
    district = await scope.readable_district(code, who=who)
    return RulesChangeOut.of(await service.preview_rules(district, body))


@api.get(
    "/api/v1/districts/{code}/settings/versions",
    roles=("worker", "district_admin", "platform_admin"),
    query=PageQuery,
    response=Page[RulesVersionOut],
)
async def list_settings_versions(who: Principal, code: str, query: PageQuery) -> dict[str, Any]:
    """Every version of the district's rules, newest first: the `rules_version` a ledger
    transaction names is one of these."""
    district = await scope.readable_district(code, who=who)
    return await paginate(DistrictRulesVersion.filter(district_id=district.id), query)


@api.post(
    "/api/v1/districts/{code}/communities",
    roles=("district_admin", "platform_admin"),
    body=CommunityCreate,
    response=CommunityOut,
    status=201,
    errors=(CommunityExists,),
)
async def create_community(who: Principal, code: str, body: CommunityCreate) -> CommunityOut:
    """Adds a community to the district."""
    district = await scope.readable_district(code, who=who)
    community = await service.create_community(
        district,
        code=body.code,
        name=body.name,
        lat=body.location.lat if body.location else None,
        lng=body.location.lng if body.location else None,
    )
    return CommunityOut.of(community, district)


@api.patch(
    "/api/v1/districts/{code}/communities/{community_code}",
    roles=("district_admin", "platform_admin"),
    body=CommunityPatch,
    response=CommunityOut,
)
async def change_community(
    who: Principal, code: str, community_code: str, body: CommunityPatch
) -> CommunityOut:
    """Opens or closes a community to new residents (`open_to_join`): a closed one is not
    listed for onboarding and cannot be chosen with `PATCH /me`; residents already in it
    stay."""
    district = await scope.readable_district(code, who=who)
    community = await service.set_community_joining(
        district, community_code, open_to_join=body.open_to_join, by=who
    )
    return CommunityOut.of(community, district)


@api.get("/api/v1/districts/{code}/communities", query=PageQuery, response=Page[CommunityOut])
async def list_communities(who: Principal, code: str, query: PageQuery) -> dict[str, Any]:
    """The district's communities."""
    district = await scope.readable_district(code, who=who)
    page = await paginate(Community.filter(district_id=district.id), query, newest_first=False)
    page["items"] = [CommunityOut.of(c, district) for c in page["items"]]
    return page
