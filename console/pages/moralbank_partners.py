"""The moral bank's outward side in the console, under /console/moral-bank: the district's green
cards (grant, suspend, reinstate, revoke, each look at a card's page). Every rule is the
domain's (`moralbank.green_cards`); the pages only adapt forms to it."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.models import Resident
from console.pages.worker import find_residents
from console.web import Ctx, Handler, form_data, page, redirect
from kernel.auth import Role
from kernel.errors import NotFound
from kernel.http import parse
from kernel.i18n import N_, translate
from moralbank import green_cards
from moralbank.partner_models import GREEN_CARD_STATUSES, GreenCardScan
from moralbank.partner_schemas import GreenCardDecisionIn, GreenCardIn
from moralbank.partner_scope import managed_green_cards, readable_green_card

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
    scans = await GreenCardScan.filter(card_id=card.id).order_by("-scanned_at").limit(200)
    return ctx.render(
        "moralbank/green_card.html",
        card=card,
        holder=green_cards.holder_name(resident),
        nickname=resident.nickname,
        scans=scans,
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
