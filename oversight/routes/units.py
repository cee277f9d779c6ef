"""The district's oversight rules; units (one by one or imported, their logins and credit
record); evidence photos."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from tortoise.expressions import Subquery

from accounts.account_schemas import TokenPair
from accounts.errors import RetroactiveRulesChange, UsernameTaken
from accounts.scope import district_communities
from kernel import ratelimit, tabular
from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Principal, issue_access_token, issue_refresh_token
from kernel.errors import Invalid, Problem, RateLimited
from kernel.http import Page, paginate
from kernel.i18n import N_, translate
from kernel.imports import TABLE_TYPES, ImportRejected, ImportTooLarge
from kernel.ratelimit import LoginProofRequired
from kernel.uploads import IMAGE_ERRORS, IMAGE_TYPES, SERVES_IMAGE, image_response
from kernel.wechat import WeChatLoginFailed, WeChatUnavailable
from oversight import photos, record, rules, units
from oversight.errors import (
    NoSuchPhoto,
    NoSuchUnit,
    UnitExists,
    UnknownCommunity,
    WeChatBoundElsewhere,
    WeChatNotBound,
)
from oversight.routes._shared import DISTRICT, EVERYONE, TRIAGE, UNIT, api
from oversight.schemas import (
    ImportOut,
    OversightRules,
    OversightRulesPatch,
    PhotoOut,
    RecordQuery,
    TemplateQuery,
    UnitAccountIn,
    UnitAccountOut,
    UnitIn,
    UnitOut,
    UnitQuery,
    UnitRecordOut,
    UnitWeChatLoginIn,
    WeChatBindingOut,
    WeChatCodeIn,
)
from oversight.scope import (
    readable_units,
)

# --- rules ---------------------------------------------------------------------------------


@api.get("/api/v1/oversight/rules", roles=TRIAGE, response=OversightRules, errors=())
async def get_rules(who: Principal) -> OversightRules:
    """The district's oversight rules in force: categories, duplicates, scoring, lists."""
    assert who.district_id is not None
    return await rules.rules_at(who.district_id)


@api.patch(
    "/api/v1/oversight/rules",
    roles=DISTRICT,
    body=OversightRulesPatch,
    response=OversightRules,
    errors=(Invalid, RetroactiveRulesChange),
)
async def change_rules(who: Principal, body: OversightRulesPatch) -> OversightRules:
    """Changes the rules from now (or `effective_from`); earlier versions are kept."""
    assert who.district_id is not None
    return await rules.change_rules(who.district_id, body, by=who)


# --- units ---------------------------------------------------------------------------------


@api.post(
    "/api/v1/oversight/units",
    roles=TRIAGE,
    body=UnitIn,
    response=UnitOut,
    status=201,
    errors=(UnknownCommunity, UnitExists),
)
async def create_unit(who: Principal, body: UnitIn) -> Any:
    """Adds a unit the district oversees (a worker: in their communities)."""
    return await units.create_unit(body, who=who)


@api.post(
    "/api/v1/oversight/units/import",
    roles=DISTRICT,
    upload=TABLE_TYPES,
    response=ImportOut,
    status=201,
    errors=(ImportRejected, ImportTooLarge, RateLimited),
)
async def import_units(who: Principal, file: bytes) -> dict[str, int]:
    """Imports units from a CSV or XLSX file (multipart field `file`): all rows or none; at
    most 20,000 rows and 64 columns, read within 20 seconds (docs/oversight.md)."""
    return {"created": await units.import_units(file, who=who)}


@api.get(
    "/api/v1/oversight/units/import-template",
    roles=DISTRICT,
    query=TemplateQuery,
    media_type=tabular.MEDIA_TYPES["xlsx"],
    alternatives={"text/csv": {"type": "string", "format": "binary"}},
    errors=(),
)
async def import_template(who: Principal, query: TemplateQuery) -> Response:
    """A file to fill in for the import (`format=xlsx`, the default, or `csv`): the columns
    by their Chinese names and an example row; an XLSX also says which columns are required
    and lists the unit types and the district's communities."""
    return tabular.Download(
        await units.import_template(query.format, who=who),
        media_type=tabular.MEDIA_TYPES[query.format],
        headers={"Content-Disposition": units.template_disposition(query.format)},
    )


@api.get(
    "/api/v1/oversight/units",
    roles=(*STAFF, "unit_staff", "evaluator"),
    query=UnitQuery,
    response=Page[UnitOut],
    errors=(),
)
async def list_units(who: Principal, query: UnitQuery) -> dict[str, Any]:
    """The units the caller sees."""
    found = readable_units(who).rows()
    if query.type:
        found = found.filter(type=query.type)
    if query.community:
        communities = district_communities(who).rows().filter(code=query.community)
        found = found.filter(community_id__in=Subquery(communities.values("id")))
    return await paginate(found, query)


@api.get(
    "/api/v1/oversight/units/{unit_id}",
    roles=(*STAFF, "unit_staff", "evaluator"),
    response=UnitOut,
    errors=(NoSuchUnit,),
)
async def get_unit(who: Principal, unit_id: str) -> Any:
    return await units.get_unit(unit_id, who=who)


@api.post(
    "/api/v1/oversight/units/{unit_id}/accounts",
    roles=DISTRICT,
    body=UnitAccountIn,
    response=UnitAccountOut,
    status=201,
    errors=(NoSuchUnit, UsernameTaken),
)
async def create_unit_account(who: Principal, unit_id: str, body: UnitAccountIn) -> dict[str, str]:
    """A password login for the unit's own staff."""
    unit = await units.get_unit(unit_id, who=who)
    staff, _account = await units.create_unit_account(unit, body)
    return {"staff_id": staff.id, "unit_id": unit.id, "username": staff.username}


@api.get(
    "/api/v1/oversight/units/{unit_id}/record",
    roles=("worker", "district_admin", "platform_admin", "unit_staff"),
    query=RecordQuery,
    response=UnitRecordOut,
    errors=(NoSuchUnit,),
)
async def unit_record(who: Principal, unit_id: str, query: RecordQuery) -> Any:
    """The unit's credit record (as the caller may see it); `format=csv|xlsx` exports it."""
    unit = await units.get_unit(unit_id, who=who)
    events = await record.unit_record(unit, who=who)
    if query.format == "json":
        return {"unit": unit, "events": events}
    # Named for people, as the console's download is; the columns stay the API's codes.
    name = f"{translate(N_('Unit credit record'))}_{unit.name}.{query.format}"
    first, last = record.period_covered(unit)
    body = tabular.stream(query.format, "record", record.COLUMNS, record.as_rows(events))
    logged = tabular.logged(
        body, who, kind="unit-record", fmt=query.format, date_from=first, date_to=last
    )
    return tabular.Download(
        logged,
        media_type=tabular.MEDIA_TYPES[query.format],
        headers={
            "Content-Disposition": tabular.attachment_header(
                name, f"unit-record-{unit.code}.{query.format}"
            )
        },
    )


# --- photos --------------------------------------------------------------------------------


@api.post(
    "/api/v1/oversight/photos",
    roles=EVERYONE,
    upload=IMAGE_TYPES,
    response=PhotoOut,
    status=201,
    errors=IMAGE_ERRORS,
)
async def upload_photo(who: Principal, file: bytes) -> Any:
    """Uploads one photo (JPEG, PNG or WebP, checked by its bytes) as multipart field `file`:
    evidence for a problem report, an inspection or a rectification."""
    return await photos.store_photo(file, who=who)


@api.get(
    "/api/v1/oversight/photos/{photo_id}", roles=EVERYONE, errors=(NoSuchPhoto,), **SERVES_IMAGE
)
async def get_photo(who: Principal, photo_id: str) -> Response:
    """The image: for whoever uploaded it, and for the staff of its district."""
    stored, data = await photos.read_photo(photo_id, who=who)
    return image_response(stored, data)


# --- WeChat sign-in for a unit's staff -----------------------------------------------------


@api.post(
    "/api/v1/oversight/me/wechat",
    roles=UNIT,
    body=WeChatCodeIn,
    response=WeChatBindingOut,
    errors=(WeChatLoginFailed, WeChatUnavailable, WeChatBoundElsewhere),
)
async def bind_wechat(who: Principal, body: WeChatCodeIn) -> dict[str, Any]:
    """A unit's staff, signed in with the password, bind their WeChat account (a wx.login()
    code) to their login; then they may sign in with WeChat."""
    account = await units.bind_wechat(who, body.code)
    return {"unit_id": account.unit_id, "wechat_bound": account.wechat_openid is not None}


@api.post(
    "/api/v1/auth/unit-wechat",
    auth=False,
    body=UnitWeChatLoginIn,
    response=TokenPair,
    errors=(WeChatLoginFailed, LoginProofRequired, WeChatUnavailable, WeChatNotBound),
)
async def unit_wechat_login(request: Request, body: UnitWeChatLoginIn) -> TokenPair | Problem:
    """A unit's staff sign in with WeChat (the code from wx.login()), once bound; the same
    login throttle as a resident's WeChat login."""
    address = request.client.host if request.client else "unknown"
    proof = body.proof.proof() if body.proof else None
    await ratelimit.ensure_wechat_login_allowed(body.code, address, proof)
    try:
        staff = await units.staff_by_wechat(body.code)
    except (WeChatLoginFailed, WeChatNotBound) as refused:
        await ratelimit.record_wechat_login_failure(body.code, address)
        return refused
    subject = f"staff:{staff.id}"
    refresh, session = await issue_refresh_token(subject)
    access, expires_in = issue_access_token(subject, "unit_staff", session=session)
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=expires_in)
