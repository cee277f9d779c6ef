"""HTTP endpoints of recognition: badges, awards, credentials, issuers, honour rolls."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from accounts.models import District
from accounts.scope import readable_district
from credits.recognition import credentials, honour_rolls, scope, service
from credits.recognition.errors import (
    AwardAlreadyRevoked,
    BadgeCodeTaken,
    CredentialNotFound,
    HonourRollLineNotFound,
    HonourRollNotFound,
    HonourRollPublished,
)
from credits.recognition.models import BadgeAward
from credits.recognition.schemas import (
    AwardOut,
    AwardQuery,
    BadgeCreate,
    BadgeOut,
    BadgeProgressOut,
    BadgeQuery,
    HonourRollDraftIn,
    HonourRollOut,
    HonourRollSummary,
    RemoveLineIn,
    RevokeIn,
    SummaryOut,
)
from credits.recognition.stars import star_of
from kernel.auth import Principal
from kernel.errors import NotFound
from kernel.http import Api, Page, PageQuery, Schema, paginate, preferred_type
from kernel.i18n import N_

api = Api("recognition")


class PeriodQuery(Schema):
    period: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")


@api.get("/api/v1/badges", query=BadgeQuery, response=Page[BadgeOut])
async def list_badges(who: Principal, query: BadgeQuery) -> dict[str, Any]:
    """The platform's badges and the district's own."""
    badges = await scope.readable_badges(who, district_code=query.district)
    page = await paginate(badges.rows(), query, newest_first=False)
    districts = await service.district_codes(page["items"])
    page["items"] = [BadgeOut.of(badge, districts) for badge in page["items"]]
    return page


@api.post(
    "/api/v1/badges",
    roles=("district_admin",),
    body=BadgeCreate,
    response=BadgeOut,
    status=201,
    errors=(BadgeCodeTaken,),
)
async def create_badge(who: Principal, body: BadgeCreate) -> BadgeOut:
    """Defines a badge of the district; the award-badges job awards it from its next run."""
    badge = await service.create_badge(body, by=who)
    return BadgeOut.of(badge, await service.district_codes([badge]))


@api.get("/api/v1/me/summary", roles=("resident",), response=SummaryOut)
async def my_summary(who: Principal) -> SummaryOut:
    """Verified hours, credits, star rating, badges held and the count of each action."""
    totals, badges = await service.resident_summary(who.id)
    return SummaryOut.from_model(
        totals, star=await star_of(totals.hours_total), badges=badges, actions=dict(totals.actions)
    )


@api.get("/api/v1/me/badges", roles=("resident",), query=PageQuery, response=Page[AwardOut])
async def my_badges(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The caller's badges, newest first, each with its verifiable credential."""
    page = await paginate(BadgeAward.filter(resident_id=who.id).prefetch_related("badge"), query)
    page["items"] = [AwardOut.of(award) for award in page["items"]]
    return page


@api.get(
    "/api/v1/badge-awards",
    roles=("district_admin", "platform_admin"),
    query=AwardQuery,
    response=Page[AwardOut],
)
async def list_awards(who: Principal, query: AwardQuery) -> dict[str, Any]:
    """Badge awards in the caller's district, newest first."""
    awards = await service.awards_in_scope(
        who=who, resident_id=query.resident, badge_code=query.badge
    )
    page = await paginate(awards, query)
    page["items"] = [AwardOut.of(award) for award in page["items"]]
    return page


@api.post(
    "/api/v1/badge-awards/{award_id}/revoke",
    roles=("district_admin", "platform_admin"),
    body=RevokeIn,
    response=AwardOut,
    errors=(AwardAlreadyRevoked,),
)
async def revoke_award(who: Principal, award_id: str, body: RevokeIn) -> AwardOut:
    """Revokes a badge award (e.g. earned by fraud); its credential then fails verification."""
    return AwardOut.of(await service.revoke_award(award_id, reason=body.reason, by=who))


# A credential is a W3C verifiable credential: `application/vc` (JSON-LD), the same body as
# `application/json` for clients that parse only JSON, or the VC-JWT; chosen by `Accept`.
VC_JSON = ("application/vc", "application/json")
_VC = {
    "json_media_type": VC_JSON[0],
    "alternatives": {
        VC_JSON[1]: {"type": "object", "additionalProperties": True},
        credentials.MEDIA_TYPE: {"type": "string"},
    },
}


def _credential_response(
    request: Request, document: dict[str, Any], token: str | None = None, **options: Any
) -> Response:
    """The credential in the media type the request prefers; the VC-JWT signed only if asked."""
    chosen = preferred_type(request, (*VC_JSON, credentials.MEDIA_TYPE))
    if chosen == credentials.MEDIA_TYPE:
        signed = token or credentials.sign(document)
        return Response(signed, media_type=chosen, **options)
    return JSONResponse(document, media_type=chosen, **options)


@api.get(
    "/credentials/{public_id}",
    auth=False,
    response=dict[str, Any],
    errors=(CredentialNotFound,),
    **_VC,
)
async def credential(request: Request, public_id: str) -> Response:
    """An award's Open Badges 3.0 credential: JSON (`application/vc`, or `application/json`
    when asked for), or its VC-JWT when asked for with `Accept: application/vc+jwt`."""
    document, token = await service.signed_credential(public_id)
    return _credential_response(request, document, token)


@api.get(
    "/credentials/status/{number:int}",
    auth=False,
    response=dict[str, Any],
    errors=(CredentialNotFound,),
    **_VC,
)
async def status_list(request: Request, number: int) -> Response:
    """A revocation status list (W3C Bitstring Status List), signed like the credentials."""
    document = await credentials.status_list_credential(number)
    return _credential_response(request, document, headers={"Cache-Control": "public, max-age=60"})


@api.get(
    "/achievements/{badge_id}",
    auth=False,
    response=dict[str, Any],
    errors=(CredentialNotFound,),
)
async def achievement(badge_id: str) -> dict[str, Any]:
    """A badge as an Open Badges 3.0 Achievement, as named in its credentials."""
    return credentials.achievement(await service.badge_by_id(badge_id))


@api.get(
    "/achievements/{badge_id}/image.svg",
    auth=False,
    media_type="image/svg+xml",
    errors=(CredentialNotFound,),
)
async def achievement_image(badge_id: str) -> Response:
    """The badge's image."""
    badge = await service.badge_by_id(badge_id)
    return Response(
        credentials.badge_image_svg(badge),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@api.get("/issuers", auth=False, response=dict[str, Any])
async def platform_issuer() -> dict[str, Any]:
    """The platform's issuer profile, as named in the credentials."""
    return credentials.platform_issuer()


@api.get(
    "/api/v1/me/badges/progress",
    roles=("resident",),
    response=list[BadgeProgressOut],
)
async def my_badge_progress(who: Principal) -> list[dict[str, Any]]:
    """The badges the resident does not hold yet, nearest first: where they stand and what
    is left to earn each."""
    return await service.badge_progress(who)


@api.get("/issuers/{code}", auth=False, response=dict[str, Any])
async def issuer(code: str) -> dict[str, Any]:
    """A district's issuer profile, as named in its credentials."""
    district = await District.get_or_none(code=code)
    if district is None:
        raise NotFound(N_("No such issuer."))
    return credentials.issuer_profile(district)


@api.get(
    "/api/v1/districts/{code}/honour-rolls",
    query=PageQuery,
    response=Page[HonourRollSummary],
)
async def list_honour_rolls(who: Principal, code: str, query: PageQuery) -> dict[str, Any]:
    """The district's honour rolls, newest first: residents the published ones, staff also
    the drafts."""
    district = await readable_district(code, who=who)
    rolls = scope.readable_honour_rolls(who).rows().filter(district_id=district.id)
    return await paginate(rolls, query)


@api.get(
    "/api/v1/districts/{code}/honour-roll",
    query=PeriodQuery,
    response=HonourRollOut,
    errors=(HonourRollNotFound,),
)
async def honour_roll(who: Principal, code: str, query: PeriodQuery) -> HonourRollOut:
    """The district's honour roll of `period` (YYYY-MM), the latest by default (residents:
    the latest published)."""
    return await service.honour_roll(code, query.period, who=who)


@api.post(
    "/api/v1/districts/{code}/honour-rolls",
    roles=("district_admin", "platform_admin"),
    body=HonourRollDraftIn,
    response=HonourRollOut,
    status=201,
    errors=(HonourRollPublished,),
)
async def take_honour_roll_draft(
    who: Principal, code: str, body: HonourRollDraftIn
) -> HonourRollOut:
    """Takes (or takes again) the draft roll of a month from the ledger; lines removed in
    review stay removed. Refused once the roll is published."""
    district = await readable_district(code, who=who)
    roll = await honour_rolls.take_draft(district, body.period, now=datetime.now(UTC))
    return await service.shown_honour_roll(roll, district, who=who)


@api.get(
    "/api/v1/honour-rolls/{roll_id}",
    roles=("worker", "district_admin", "platform_admin"),
    response=HonourRollOut,
    errors=(HonourRollNotFound,),
)
async def get_honour_roll(who: Principal, roll_id: str) -> HonourRollOut:
    """One roll, draft or published, with every line (removed ones too) for review."""
    return await service.shown_honour_roll(
        await scope.readable_honour_roll(roll_id, who=who), who=who
    )


@api.post(
    "/api/v1/honour-rolls/{roll_id}/lines/{line_id}/remove",
    roles=("district_admin", "platform_admin"),
    body=RemoveLineIn,
    response=HonourRollOut,
    errors=(HonourRollNotFound, HonourRollLineNotFound, HonourRollPublished),
)
async def remove_honour_roll_line(
    who: Principal, roll_id: str, line_id: str, body: RemoveLineIn
) -> HonourRollOut:
    """Takes a line off a draft roll with the reason (kept, shown to staff)."""
    roll = await scope.readable_honour_roll(roll_id, who=who)
    await honour_rolls.remove_line(roll, line_id, body.reason, by=who)
    return await service.shown_honour_roll(roll, who=who)


@api.post(
    "/api/v1/honour-rolls/{roll_id}/publish",
    roles=("district_admin", "platform_admin"),
    response=HonourRollOut,
    errors=(HonourRollNotFound, HonourRollPublished),
)
async def publish_honour_roll(who: Principal, roll_id: str) -> HonourRollOut:
    """Publishes a draft roll: residents see it from now on; it is never taken again."""
    roll = await honour_rolls.publish(await scope.readable_honour_roll(roll_id, who=who), by=who)
    return await service.shown_honour_roll(roll, who=who)
