"""HTTP endpoints of the green card and the merchants that honour it, the partner banks, consents
and attestations: thin adapters that parse, call the service and return what the response
schema shapes. The partner's own endpoints (`/api/v1/partner/…`) take the partner's token, not
a resident's or staff's."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from accounts.models import District, Resident
from credits.recognition.credentials import MEDIA_TYPE as VC_JWT
from credits.recognition.credentials import sign
from kernel import localtime
from kernel.auth import Principal, Role
from kernel.errors import Problem, RateLimited
from kernel.http import Api, Page, PageQuery, paginate, preferred_type
from kernel.i18n import N_, _, current_locale
from kernel.settings import get_settings
from moralbank import attestations, consents, green_cards, merchants, partner_queries, partners
from moralbank.errors import NotTheHead
from moralbank.partner_errors import (
    PARTNER_QUERY_OUTCOMES,
    ConsentExists,
    ConsentRequired,
    ConsentTooLong,
    GreenCardHeld,
    GreenCardStatusConflict,
    InvalidClient,
    NoHousehold,
    NoStanding,
    NoSuchConsent,
    NoSuchGreenCard,
    NoSuchHousehold,
    NoSuchMerchant,
    NoSuchPartner,
    NoSuchStatusList,
    PartnerExists,
    PartnerTokenRefused,
    QueryBudgetSpent,
    TokenBudgetSpent,
    UnknownResident,
    UnsupportedGrant,
)
from moralbank.partner_models import (
    Consent,
    GreenCard,
    GreenCardMerchant,
    PartnerBank,
    PartnerCredential,
    PartnerQuery,
)
from moralbank.partner_schemas import (
    AskedQueryOut,
    AskerHeadOut,
    AttestationIn,
    AttestationOut,
    ConsentIn,
    ConsentOut,
    CredentialsOut,
    GreenCardDecisionIn,
    GreenCardIn,
    GreenCardOut,
    GreenCardQuery,
    GreenCardScanOut,
    MerchantIn,
    MerchantOut,
    MerchantPatch,
    MerchantQuery,
    MyGreenCardOut,
    OfferedMerchantOut,
    PartnerIn,
    PartnerOfferOut,
    PartnerOut,
    PartnerPatch,
    PartnerQueryOut,
    PartnerRegisteredOut,
    PartnerTokenOut,
    TermsIn,
)
from moralbank.partner_scope import (
    managed_green_cards,
    managed_merchant,
    managed_merchants,
    managed_partners,
    offered_merchants,
    offered_partners,
    readable_consents,
    readable_green_card,
    readable_green_card_scans,
    readable_green_cards,
    readable_partner_queries,
)

api = Api("moralbank")
DISTRICT: tuple[Role, ...] = ("district_admin", "platform_admin")
HOLDER_OR_DISTRICT: tuple[Role, ...] = ("resident", *DISTRICT)
_pages = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(default=True),
)
# The code is in the address: it must not travel on as a referrer nor stay in a cache.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Robots-Tag": "noindex",
}


# --- the green card: the district ----------------------------------------------------------


async def _cards_out(cards: list[GreenCard]) -> list[GreenCardOut]:
    residents = {r.id: r for r in await Resident.filter(id__in={c.resident_id for c in cards})}
    return [
        GreenCardOut.from_model(c, holder=green_cards.holder_name(residents[c.resident_id]))
        for c in cards
    ]


@api.post(
    "/api/v1/green-cards",
    roles=DISTRICT,
    body=GreenCardIn,
    response=GreenCardOut,
    status=201,
    idempotent=True,
    errors=(UnknownResident, GreenCardHeld),
)
async def grant_green_card(who: Principal, body: GreenCardIn) -> GreenCardOut:
    """A district administrator grants a moral model the green card, saying why."""
    card = await green_cards.grant(body.resident, reason=body.reason, by=who)
    return (await _cards_out([card]))[0]


@api.get(
    "/api/v1/green-cards",
    roles=DISTRICT,
    query=GreenCardQuery,
    response=Page[GreenCardOut],
    errors=(),
)
async def list_green_cards(who: Principal, query: GreenCardQuery) -> dict[str, Any]:
    """The district's green cards, newest first."""
    found = managed_green_cards(who).rows()
    if query.status:
        found = found.filter(status=query.status)
    page = await paginate(found, query)
    return {**page, "items": await _cards_out(page["items"])}


@api.get(
    "/api/v1/green-cards/{card_id}",
    roles=DISTRICT,
    response=GreenCardOut,
    errors=(NoSuchGreenCard,),
)
async def get_green_card(who: Principal, card_id: str) -> GreenCardOut:
    card = await managed_green_cards(who).rows().get_or_none(id=card_id)
    if card is None:
        raise NoSuchGreenCard()
    return (await _cards_out([card]))[0]


async def _decide(who: Principal, card_id: str, move: str, reason: str) -> GreenCardOut:
    card = await green_cards.decide(card_id, move, reason=reason, by=who)
    return (await _cards_out([card]))[0]


DECISION = {
    "roles": DISTRICT,
    "body": GreenCardDecisionIn,
    "response": GreenCardOut,
    "errors": (NoSuchGreenCard, GreenCardStatusConflict),
}


@api.post("/api/v1/green-cards/{card_id}/suspension", **DECISION)
async def suspend_green_card(who: Principal, card_id: str, body: GreenCardDecisionIn) -> Any:
    """Suspends a valid card, with the reason: its page shows it not valid until reinstated."""
    return await _decide(who, card_id, "suspend", body.reason)


@api.post("/api/v1/green-cards/{card_id}/reinstatement", **DECISION)
async def reinstate_green_card(who: Principal, card_id: str, body: GreenCardDecisionIn) -> Any:
    """Makes a suspended card valid again, with the reason."""
    return await _decide(who, card_id, "reinstate", body.reason)


@api.post("/api/v1/green-cards/{card_id}/revocation", **DECISION)
async def revoke_green_card(who: Principal, card_id: str, body: GreenCardDecisionIn) -> Any:
    """Revokes a card for good, with the reason; a new grant makes a new card."""
    return await _decide(who, card_id, "revoke", body.reason)


@api.get(
    "/api/v1/green-cards/{card_id}/scans",
    roles=HOLDER_OR_DISTRICT,
    query=PageQuery,
    response=Page[GreenCardScanOut],
    errors=(NoSuchGreenCard,),
)
async def list_green_card_scans(who: Principal, card_id: str, query: PageQuery) -> dict[str, Any]:
    """Every look at the card's public page: read by its holder and its district."""
    card = await readable_green_card(card_id, who=who)
    return await paginate(readable_green_card_scans(who).rows().filter(card_id=card.id), query)


# --- the green card: its holder ------------------------------------------------------------


@api.get(
    "/api/v1/me/green-cards",
    roles=("resident",),
    query=PageQuery,
    response=Page[MyGreenCardOut],
    errors=(),
)
async def my_green_cards(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The resident's green cards, newest first, each with the link its QR code says."""
    page = await paginate(readable_green_cards(who).rows(), query)
    cards: list[GreenCard] = page["items"]
    districts = {d.id: d.name for d in await District.filter(id__in={c.district_id for c in cards})}
    base = get_settings().public_base_url.rstrip("/")
    items = [
        MyGreenCardOut.from_model(
            c,
            district=districts[c.district_id],
            link=green_cards.card_link(c.id),
            qr_png_url=f"{base}/api/v1/me/green-cards/{c.id}/qr.png",
        )
        for c in cards
    ]
    return {**page, "items": items}


@api.get(
    "/api/v1/me/green-cards/{card_id}/qr.png",
    roles=("resident",),
    media_type="image/png",
    errors=(NoSuchGreenCard,),
)
async def my_green_card_qr(who: Principal, card_id: str) -> Response:
    """The card's QR code (PNG), for a merchant to scan."""
    card = await readable_green_card(card_id, who=who)
    return Response(
        green_cards.qr_png(green_cards.card_link(card.id)),
        media_type="image/png",
        headers={"Cache-Control": "no-store"},
    )


@api.get(
    "/api/v1/me/green-card-merchants",
    roles=("resident",),
    query=PageQuery,
    response=Page[OfferedMerchantOut],
    errors=(),
)
async def my_green_card_merchants(who: Principal, query: PageQuery) -> dict[str, Any]:
    """Where the resident's valid green card brings a courtesy (礼遇): the active merchants of
    the card's district, newest first. Empty without a valid card."""
    page = await paginate(offered_merchants(who).rows(), query)
    found: list[GreenCardMerchant] = page["items"]
    districts = {d.id: d.name for d in await District.filter(id__in={m.district_id for m in found})}
    items = [OfferedMerchantOut.from_model(m, district=districts[m.district_id]) for m in found]
    return {**page, "items": items}


# --- the merchants that honour the card: the district ---------------------------------------


@api.post(
    "/api/v1/green-card-merchants",
    roles=("district_admin",),
    body=MerchantIn,
    response=MerchantOut,
    status=201,
    idempotent=True,
    errors=(),
)
async def register_merchant(who: Principal, body: MerchantIn) -> MerchantOut:
    """A district administrator registers a merchant or service that honours the district's
    green card, with its courtesy (礼遇)."""
    return MerchantOut.from_model(await merchants.register(body, by=who))


@api.get(
    "/api/v1/green-card-merchants",
    roles=DISTRICT,
    query=MerchantQuery,
    response=Page[MerchantOut],
    errors=(),
)
async def list_merchants(who: Principal, query: MerchantQuery) -> dict[str, Any]:
    """The district's merchants that honour the card (`active` to filter), newest first."""
    found = managed_merchants(who).rows()
    if query.active is not None:
        found = found.filter(active=query.active)
    return await paginate(found, query)


@api.get(
    "/api/v1/green-card-merchants/{merchant_id}",
    roles=DISTRICT,
    response=MerchantOut,
    errors=(NoSuchMerchant,),
)
async def get_merchant(who: Principal, merchant_id: str) -> MerchantOut:
    return MerchantOut.from_model(await managed_merchant(merchant_id, who=who))


@api.patch(
    "/api/v1/green-card-merchants/{merchant_id}",
    roles=("district_admin",),
    body=MerchantPatch,
    response=MerchantOut,
    errors=(NoSuchMerchant,),
)
async def change_merchant(who: Principal, merchant_id: str, body: MerchantPatch) -> MerchantOut:
    """Changes a merchant's name, address or courtesy, or whether it honours the card now."""
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    return MerchantOut.from_model(await merchants.change(merchant_id, changes, by=who))


# --- the green card: the merchant's page ---------------------------------------------------


@api.get(
    "/green-cards/{code}",
    auth=False,
    media_type="text/html",
    pages={
        404: "Not a green card of this service (a page saying so)",
        429: "Too many codes naming no card from this address (a page saying to wait)",
    },
)
async def green_card_page(request: Request, code: str) -> HTMLResponse:
    """Public: what a partner merchant sees on scanning a green card: valid or not, the
    holder's masked name and the district, nothing more. Each look is logged for the holder
    and the district. An address asking for many codes that name no card waits a while."""
    address = request.client.host if request.client else "unknown"
    headers = dict(PAGE_HEADERS)
    try:
        card = await green_cards.scan(code, address=address)
    except RateLimited as refused:
        headers.update(refused.headers or {})
        return _page(429, _("Too many tries"), _("Wait a few minutes and scan again."), headers)
    if card is None:
        return _page(
            404, _("Not a green card"), _("This code is not a green card of this service."), headers
        )
    template = _pages.get_template("green_card.html")
    page = template.render(
        lang="en" if current_locale() == "en" else "zh-CN",
        title=_("Moral model green card"),
        valid=card.valid,
        verdict=_("Valid") if card.valid else _("Not valid"),
        holder_label=_("Holder"),
        holder=card.holder,
        district_label=_("Issued by"),
        district=card.district,
    )
    return HTMLResponse(page, headers=headers)


def _page(status: int, heading: str, explanation: str, headers: dict[str, str]) -> HTMLResponse:
    page = _pages.get_template("green_card_refused.html").render(
        lang="en" if current_locale() == "en" else "zh-CN",
        heading=heading,
        explanation=explanation,
    )
    return HTMLResponse(page, status_code=status, headers=headers)


# --- partner banks: the district -----------------------------------------------------------


async def _partners_out(partners: list[PartnerBank]) -> list[PartnerOut]:
    current = await PartnerCredential.filter(
        partner_id__in=[p.id for p in partners], retired_at__isnull=True
    )
    client_ids = {c.partner_id: c.client_id for c in current}
    return [PartnerOut.from_model(p, client_id=client_ids.get(p.id)) for p in partners]


@api.post(
    "/api/v1/partners",
    roles=("district_admin",),
    body=PartnerIn,
    response=PartnerRegisteredOut,
    status=201,
    errors=(PartnerExists,),
)
async def register_partner(who: Principal, body: PartnerIn) -> PartnerRegisteredOut:
    """A district administrator registers a partner bank with its band-to-terms table, and is
    shown its client credentials once (not replayable: the secret is kept only hashed)."""
    partner = await partners.register(
        name=body.name,
        contact=body.contact,
        terms=body.terms,
        district_id=who.district_id or "",
        by=who,
    )
    credentials = await partners.issue_credentials(partner.id, by=who)
    return PartnerRegisteredOut(
        partner=(await _partners_out([partner]))[0],
        credentials=CredentialsOut.from_model(credentials),
    )


@api.get("/api/v1/partners", roles=DISTRICT, query=PageQuery, response=Page[PartnerOut], errors=())
async def list_partners(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The district's partner banks and their terms."""
    page = await paginate(managed_partners(who).rows(), query)
    return {**page, "items": await _partners_out(page["items"])}


@api.get(
    "/api/v1/partners/{partner_id}",
    roles=DISTRICT,
    response=PartnerOut,
    errors=(NoSuchPartner,),
)
async def get_partner(who: Principal, partner_id: str) -> PartnerOut:
    partner = await partners.readable_partner(partner_id, who=who)
    return (await _partners_out([partner]))[0]


@api.patch(
    "/api/v1/partners/{partner_id}",
    roles=("district_admin",),
    body=PartnerPatch,
    response=PartnerOut,
    errors=(NoSuchPartner, PartnerExists),
)
async def change_partner(who: Principal, partner_id: str, body: PartnerPatch) -> PartnerOut:
    """Changes the partner's name or contact (what households are told before they consent,
    PIPL art. 23); what is left out stays."""
    partner = await partners.change(partner_id, name=body.name, contact=body.contact, by=who)
    return (await _partners_out([partner]))[0]


@api.post(
    "/api/v1/partners/{partner_id}/terms",
    roles=("district_admin",),
    body=TermsIn,
    response=PartnerOut,
    errors=(NoSuchPartner,),
)
async def change_partner_terms(who: Principal, partner_id: str, body: TermsIn) -> PartnerOut:
    """Replaces the partner's band-to-terms table (what residents are shown from now on)."""
    partner = await partners.change_terms(partner_id, body.terms, by=who)
    return (await _partners_out([partner]))[0]


@api.post(
    "/api/v1/partners/{partner_id}/credentials",
    roles=("district_admin",),
    response=CredentialsOut,
    status=201,
    errors=(NoSuchPartner,),
)
async def renew_partner_credentials(who: Principal, partner_id: str) -> CredentialsOut:
    """New client credentials, shown once; the old ones (and their tokens) stop working."""
    return CredentialsOut.from_model(await partners.issue_credentials(partner_id, by=who))


@api.get(
    "/api/v1/partners/{partner_id}/queries",
    roles=DISTRICT,
    query=PageQuery,
    response=Page[AskedQueryOut],
    errors=(NoSuchPartner,),
)
async def list_partner_queries(who: Principal, partner_id: str, query: PageQuery) -> dict[str, Any]:
    """The partner's questions about the district's households, newest first: when, which
    household (its community and masked head), the purpose and what the bank was told."""
    partner = await partners.readable_partner(partner_id, who=who)
    page = await partner_queries.asked_by(partner, who=who, page=query)
    found: list[partner_queries.AskedAbout] = page["items"]
    items = [
        AskedQueryOut.from_model(
            a.query,
            household=a.household.name,
            community_id=a.community.id,
            community=a.community.name,
            head=AskerHeadOut.from_model(a.head) if a.head else None,
            purpose_name=_(consents.PURPOSES[a.query.purpose]),
            outcome_name=_(PARTNER_QUERY_OUTCOMES[a.query.outcome]),
        )
        for a in found
    ]
    return {**page, "items": items}


# --- partner banks: the partner's own API --------------------------------------------------


@api.post(
    "/api/v1/partner/token",
    auth=False,
    response=PartnerTokenOut,
    errors=(InvalidClient, UnsupportedGrant, RateLimited, TokenBudgetSpent),
)
async def partner_token(request: Request) -> PartnerTokenOut | Problem:
    """OAuth 2.0 client credentials (RFC 6749 4.4): `grant_type=client_credentials` as a form,
    the client id and secret by HTTP Basic (or the form's `client_id` and `client_secret`).
    Answers a token for the partner API (5 minutes). Failures count against the client and
    the caller's address like staff logins do; the tokens given count against the client's
    budgets of tokens (429 `token_budget_spent` past them)."""
    form = await _form(request)
    if form.get("grant_type") != "client_credentials":
        raise UnsupportedGrant(N_("Send `grant_type=client_credentials` as a form."))
    client = partners.client_of(request.headers.get("authorization"), form)
    if client is None:
        raise InvalidClient(N_("Send the client id and secret by HTTP Basic."))
    address = request.client.host if request.client else "unknown"
    issued = await partners.token(*client, address=address)
    if isinstance(issued, Problem):
        return issued
    return PartnerTokenOut.from_model(issued)


async def _form(request: Request) -> dict[str, str]:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    try:
        form = await request.form(max_files=0, max_fields=10)
    except (HTTPException, MultiPartException):
        return {}
    return {k: v for k, v in form.items() if isinstance(v, str)}


# --- consents and queries: the household ---------------------------------------------------


async def _partner_names(partner_ids: set[str]) -> dict[str, str]:
    return {p.id: p.name for p in await PartnerBank.filter(id__in=partner_ids)}


async def _consents_out(found: list[Consent]) -> list[ConsentOut]:
    names, now = await _partner_names({c.partner_id for c in found}), datetime.now(UTC)
    return [
        ConsentOut.from_model(
            c,
            partner=names[c.partner_id],
            purpose_name=_(consents.PURPOSES[c.purpose]),
            until=consents.last_day(c),
            state=consents.state(c, now),
        )
        for c in found
    ]


@api.get(
    "/api/v1/me/household/partners",
    roles=("resident",),
    query=PageQuery,
    response=Page[PartnerOfferOut],
    errors=(),
)
async def my_household_partners(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The district's partner banks, each with its terms and what the household's standing
    (its latest standing assessment) means there: its band, loan limit and rate."""
    page = await paginate(offered_partners(who).rows(), query)
    household_id = await consents.household_of(who)
    standing = await attestations.household_standing(household_id) if household_id else None
    items = []
    for partner in page["items"]:
        band = partners.band_for(partner.terms, standing[0]) if standing else None
        period = standing[1] if standing and band else None
        items.append(
            PartnerOfferOut.from_model(
                partner,
                band=band,
                period=period,
                period_name=localtime.period_name(period) if period else None,
            )
        )
    return {**page, "items": items}


@api.get(
    "/api/v1/me/household/consents",
    roles=("resident",),
    query=PageQuery,
    response=Page[ConsentOut],
    errors=(),
)
async def my_household_consents(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The household's consents to partner banks, newest first: live, expired or withdrawn."""
    page = await paginate(readable_consents(who).rows(), query)
    return {**page, "items": await _consents_out(page["items"])}


@api.post(
    "/api/v1/me/household/consents",
    roles=("resident",),
    body=ConsentIn,
    response=ConsentOut,
    status=201,
    idempotent=True,
    errors=(NoHousehold, NotTheHead, NoSuchPartner, ConsentTooLong, ConsentExists),
)
async def give_consent(who: Principal, body: ConsentIn) -> ConsentOut:
    """The household consents that one partner bank may be given its band, for one purpose,
    until a day (PIPL art. 23: a separate consent for each third party)."""
    consent = await consents.give(body.partner, purpose=body.purpose, until=body.until, by=who)
    return (await _consents_out([consent]))[0]


@api.post(
    "/api/v1/me/household/consents/{consent_id}/withdrawal",
    roles=("resident",),
    response=ConsentOut,
    errors=(NoHousehold, NotTheHead, NoSuchConsent),
)
async def withdraw_consent(who: Principal, consent_id: str) -> ConsentOut:
    """Withdraws the consent: no attestation is issued under it any more, and those issued are
    revoked at once (the status list shows them revoked)."""
    consent = await consents.withdraw(consent_id, by=who)
    return (await _consents_out([consent]))[0]


@api.get(
    "/api/v1/me/household/partner-queries",
    roles=("resident",),
    query=PageQuery,
    response=Page[PartnerQueryOut],
    errors=(),
)
async def my_household_partner_queries(who: Principal, query: PageQuery) -> dict[str, Any]:
    """谁查询了我家的道德积分: every partner's question about the household and its answer."""
    page = await paginate(readable_partner_queries(who).rows(), query)
    found: list[PartnerQuery] = page["items"]
    names = await _partner_names({q.partner_id for q in found})
    items = [
        PartnerQueryOut.from_model(
            q, partner=names[q.partner_id], purpose_name=_(consents.PURPOSES[q.purpose])
        )
        for q in found
    ]
    return {**page, "items": items}


# --- attestations: the partner -------------------------------------------------------------


@api.post(
    "/api/v1/partner/attestations",
    auth=False,
    body=AttestationIn,
    response=AttestationOut,
    status=201,
    errors=(PartnerTokenRefused, NoSuchHousehold, ConsentRequired, NoStanding, QueryBudgetSpent),
)
async def request_attestation(request: Request, body: AttestationIn) -> AttestationOut | Problem:
    """A partner bank, with its token (`/api/v1/partner/token`), asks for a household's
    attestation: under the household's live consent for this bank and purpose, a VC-JWT of
    its band and period. Logged whatever the answer; the household sees every question.
    Each question counts against the client's budgets of queries (a minute's and a day's):
    past one, 429 with `Retry-After`, and nothing is issued or logged."""
    client = await partners.querying_partner(request.headers.get("authorization"))
    issued = await attestations.attest(body.household, purpose=body.purpose, partner=client.partner)
    if isinstance(issued, Problem):
        return issued
    return AttestationOut(
        vc_jwt=issued.token,
        band=issued.attestation.band,
        period=issued.attestation.period,
        valid_until=issued.attestation.valid_until,
        status_list_credential=issued.credential["credentialStatus"]["statusListCredential"],
    )


VC_JSON = ("application/vc", "application/json")


@api.get(
    "/attestations/status/{number:int}",
    auth=False,
    response=dict[str, Any],
    errors=(NoSuchStatusList,),
    json_media_type=VC_JSON[0],
    alternatives={
        VC_JSON[1]: {"type": "object", "additionalProperties": True},
        VC_JWT: {"type": "string"},
    },
)
async def attestation_status_list(request: Request, number: int) -> Response:
    """The attestations' revocation list (W3C Bitstring Status List), signed like the
    badges' lists: JSON, or its VC-JWT with `Accept: application/vc+jwt`."""
    document = await attestations.status_list_credential(number)
    chosen = preferred_type(request, (*VC_JSON, VC_JWT))
    headers = {"Cache-Control": "no-store"}
    if chosen == VC_JWT:
        return Response(sign(document), media_type=chosen, headers=headers)
    return JSONResponse(document, media_type=chosen, headers=headers)
