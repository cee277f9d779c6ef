"""The moral bank's outward side in the console, under /console/moral-bank: the district's green
cards (grant, suspend, reinstate, revoke, each look at a card's page; those the rule on stars
granted say so), the merchants that honour them with their courtesies, and partner banks
(register with the contact and terms table, change the name, contact or terms, new credentials
shown once; the questions a bank asked about the district's households, paged). Every rule is
the domain's (`moralbank.green_cards`, `moralbank.partners`, `moralbank.partner_queries`); the
pages only adapt forms."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.models import Resident
from console import lookups
from console.pages.worker import find_residents
from console.web import Ctx, Handler, form_data, page, redirect
from kernel.auth import Role
from kernel.errors import NotFound
from kernel.http import PageQuery, parse
from kernel.i18n import N_, translate
from kernel.settings import get_settings
from moralbank import green_cards, merchants, partner_queries, partners
from moralbank.partner_models import GREEN_CARD_STATUSES, GreenCardStar, PartnerCredential
from moralbank.partner_schemas import (
    GreenCardDecisionIn,
    GreenCardIn,
    MerchantIn,
    MerchantPatch,
    PartnerIn,
    PartnerPatch,
    TermsIn,
)
from moralbank.partner_scope import (
    managed_green_cards,
    managed_merchant,
    managed_merchants,
    managed_partners,
    readable_green_card,
    readable_green_card_scans,
)

P = "/moral-bank"
DISTRICT: tuple[Role, ...] = ("district_admin", "platform_admin")
DECIDES: tuple[Role, ...] = ("district_admin",)
MOVES = {"suspend": "suspend", "reinstate": "reinstate", "revoke": "revoke"}
DONE = {
    "suspend": N_("The green card is suspended."),
    "reinstate": N_("The green card is valid again."),
    "revoke": N_("The green card is revoked."),
}


async def green_cards_page(ctx: Ctx) -> Response:
    status = ctx.request.query_params.get("status") or None
    if status not in (None, *GREEN_CARD_STATUSES):
        status = None
    found = managed_green_cards(ctx.who).rows()
    if status:
        found = found.filter(status=status)
    cards = await found.order_by("-granted_at").limit(200)
    residents = {r.id: r for r in await Resident.filter(id__in={c.resident_id for c in cards})}
    q, candidates = await find_residents(ctx)
    return ctx.render(
        "moralbank/green_cards.html",
        cards=cards,
        holders={i: green_cards.holder_name(r) for i, r in residents.items()},
        nicknames={i: r.nickname for i, r in residents.items()},
        shown=status,
        statuses=GREEN_CARD_STATUSES,
        q=q,
        found=candidates,
    )


async def grant(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    body = parse(
        GreenCardIn, {"resident": values.get("resident", ""), "reason": values.get("reason", "")}
    )
    assert isinstance(body, GreenCardIn)
    card = await green_cards.grant(body.resident, reason=body.reason, by=ctx.who)
    await ctx.say(translate("The green card is granted."))
    return redirect(f"/console{P}/green-cards/{card.id}")


async def green_card_page(ctx: Ctx) -> Response:
    card = await readable_green_card(ctx.request.path_params["id"], who=ctx.who)
    resident = await Resident.get(id=card.resident_id)
    scans = (
        await readable_green_card_scans(ctx.who)
        .rows()
        .filter(card_id=card.id)
        .order_by("-scanned_at")
        .limit(200)
    )
    return ctx.render(
        "moralbank/green_card.html",
        card=card,
        holder=green_cards.holder_name(resident),
        nickname=resident.nickname,
        scans=scans,
        star=await GreenCardStar.get_or_none(card_id=card.id, outcome="granted"),
    )


async def decide(ctx: Ctx) -> Response:
    move = MOVES.get(ctx.request.path_params["action"])
    if move is None:
        raise NotFound(N_("Not found"))
    values = await form_data(ctx)
    body = parse(GreenCardDecisionIn, {"reason": values.get("reason", "")})
    assert isinstance(body, GreenCardDecisionIn)
    card = await green_cards.decide(
        ctx.request.path_params["id"], move, reason=body.reason, by=ctx.who
    )
    await ctx.say(translate(DONE[move]))
    return redirect(f"/console{P}/green-cards/{card.id}")


def _get(path: str, handler: Handler, roles: tuple[Role, ...]) -> Route:
    return Route(P + path, page(handler, roles=roles), methods=["GET"])


def _post(path: str, handler: Handler, roles: tuple[Role, ...]) -> Route:
    return Route(P + path, page(handler, roles=roles), methods=["POST"])


routes: list[BaseRoute] = [
    _get("/green-cards", green_cards_page, DISTRICT),
    _post("/green-cards", grant, DECIDES),
    _get("/green-cards/{id}", green_card_page, DISTRICT),
    _post("/green-cards/{id}/{action}", decide, DECIDES),
]


# --- partner banks -------------------------------------------------------------------------

TERM_ROWS = 6
TERM_FIELDS = ("band", "min_score", "max_score", "loan_limit", "rate")


def _terms(form: Any) -> list[dict[str, str]]:
    """The terms table's filled rows (a row is `band_0`, `min_score_0`, …)."""
    rows = []
    for i in range(TERM_ROWS):
        row = {name: str(form.get(f"{name}_{i}", "")).strip() for name in TERM_FIELDS}
        if any(row.values()):
            rows.append(row)
    return rows


async def partners_page(ctx: Ctx) -> Response:
    found = await managed_partners(ctx.who).rows().order_by("name")
    current = await PartnerCredential.filter(
        partner_id__in=[p.id for p in found], retired_at__isnull=True
    )
    return ctx.render(
        "moralbank/partners.html",
        partners=found,
        client_ids={c.partner_id: c.client_id for c in current},
        rows=range(TERM_ROWS),
    )


async def register_partner(ctx: Ctx) -> Response:
    form = await ctx.request.form()
    body = parse(
        PartnerIn,
        {
            "name": str(form.get("name", "")),
            "contact": str(form.get("contact", "")),
            "terms": _terms(form),
        },
    )
    assert isinstance(body, PartnerIn)
    partner = await partners.register(
        name=body.name,
        contact=body.contact,
        terms=body.terms,
        district_id=ctx.who.district_id or "",
        by=ctx.who,
    )
    credentials = await partners.issue_credentials(partner.id, by=ctx.who)
    return ctx.render(
        "moralbank/partner_credentials.html", partner=partner, credentials=credentials
    )


async def partner_page(ctx: Ctx) -> Response:
    partner = await partners.readable_partner(ctx.request.path_params["id"], who=ctx.who)
    current = await PartnerCredential.get_or_none(partner_id=partner.id, retired_at__isnull=True)
    return ctx.render(
        "moralbank/partner.html",
        partner=partner,
        client_id=current.client_id if current else None,
        rows=range(TERM_ROWS),
    )


QUERIES_PER_PAGE = 20


async def partner_queries_page(ctx: Ctx) -> Response:
    """The bank's questions about the district's households, newest first, a page at a time."""
    partner = await partners.readable_partner(ctx.request.path_params["id"], who=ctx.who)
    cursor = ctx.request.query_params.get("cursor") or None
    query = parse(PageQuery, {"cursor": cursor, "limit": QUERIES_PER_PAGE})
    assert isinstance(query, PageQuery)
    page = await partner_queries.asked_by(partner, who=ctx.who, page=query)
    asked: list[partner_queries.AskedAbout] = page["items"]
    settings = get_settings()
    return ctx.render(
        "moralbank/partner_queries.html",
        partner=partner,
        asked=[(a, lookups.person(a.head) if a.head else None) for a in asked],
        next_cursor=page["next_cursor"],
        first_page=cursor is None,
        per_minute=settings.partner_queries_per_minute,
        per_day=settings.partner_queries_per_day,
        tokens_per_minute=settings.partner_tokens_per_minute,
        tokens_per_day=settings.partner_tokens_per_day,
    )


async def change_partner(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    body = parse(
        PartnerPatch, {"name": values.get("name", ""), "contact": values.get("contact", "")}
    )
    assert isinstance(body, PartnerPatch)
    partner = await partners.change(
        ctx.request.path_params["id"], name=body.name, contact=body.contact, by=ctx.who
    )
    await ctx.say(translate("The partner bank is saved."))
    return redirect(f"/console{P}/partners/{partner.id}")


async def change_terms(ctx: Ctx) -> Response:
    form = await ctx.request.form()
    body = parse(TermsIn, {"terms": _terms(form)})
    assert isinstance(body, TermsIn)
    partner = await partners.change_terms(ctx.request.path_params["id"], body.terms, by=ctx.who)
    await ctx.say(translate("The terms are saved."))
    return redirect(f"/console{P}/partners/{partner.id}")


async def renew_credentials(ctx: Ctx) -> Response:
    partner = await partners.managed_partner(ctx.request.path_params["id"], who=ctx.who)
    credentials = await partners.issue_credentials(partner.id, by=ctx.who)
    return ctx.render(
        "moralbank/partner_credentials.html", partner=partner, credentials=credentials
    )


routes += [
    _get("/partners", partners_page, DISTRICT),
    _post("/partners", register_partner, DECIDES),
    _get("/partners/{id}", partner_page, DISTRICT),
    _get("/partners/{id}/queries", partner_queries_page, DISTRICT),
    _post("/partners/{id}", change_partner, DECIDES),
    _post("/partners/{id}/terms", change_terms, DECIDES),
    _post("/partners/{id}/credentials", renew_credentials, DECIDES),
]


# --- merchants that honour the card --------------------------------------------------------

MERCHANT_FIELDS = ("name", "address", "courtesy")


async def merchants_page(ctx: Ctx) -> Response:
    found = await managed_merchants(ctx.who).rows().order_by("-active", "name").limit(500)
    return ctx.render("moralbank/merchants.html", merchants=found)


async def register_merchant(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    body = parse(MerchantIn, {name: values.get(name, "") for name in MERCHANT_FIELDS})
    assert isinstance(body, MerchantIn)
    merchant = await merchants.register(body, by=ctx.who)
    await ctx.say(translate("The merchant is registered."))
    return redirect(f"/console{P}/merchants/{merchant.id}")


async def merchant_page(ctx: Ctx) -> Response:
    merchant = await managed_merchant(ctx.request.path_params["id"], who=ctx.who)
    return ctx.render("moralbank/merchant.html", merchant=merchant)


async def change_merchant(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    data: dict[str, Any] = {name: values.get(name, "") for name in MERCHANT_FIELDS}
    data["active"] = values.get("active") == "on"
    body = parse(MerchantPatch, data)
    assert isinstance(body, MerchantPatch)
    merchant = await merchants.change(
        ctx.request.path_params["id"], body.model_dump(exclude_none=True), by=ctx.who
    )
    await ctx.say(translate("The merchant is saved."))
    return redirect(f"/console{P}/merchants/{merchant.id}")


routes += [
    _get("/merchants", merchants_page, DISTRICT),
    _post("/merchants", register_merchant, DECIDES),
    _get("/merchants/{id}", merchant_page, DISTRICT),
    _post("/merchants/{id}", change_merchant, DECIDES),
]
