"""The community's households: their credits and rank, and one household's members, history
and a worker's correction of its membership (through `moralbank.households`)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import Response

from accounts.models import Household, HouseholdMembership
from console import lookups
from console.pages.worker import find_residents
from console.web import Ctx, form_data, redirect
from credits.models import Entry, from_units
from kernel.auth import Role
from kernel.http import parse
from kernel.i18n import N_, translate
from moralbank import households, scope
from moralbank.schemas import HouseholdCorrectionIn

READS: tuple[Role, ...] = ("worker", "district_admin", "platform_admin")
CORRECTS: tuple[Role, ...] = ("worker", "district_admin")
LIMIT = 200
# How a membership or a request ended, by its name.
ENDINGS = {
    "confirmed": N_("Request confirmed"),
    "declined": N_("Request declined"),
    "withdrawn": N_("Request withdrawn"),
    "left": N_("Left"),
    "removed": N_("Removed by a worker"),
}
STATES = {
    "requested": N_("Asked to join"),
    "member": N_("Member"),
    "ended": N_("Ended"),
}


@dataclass(frozen=True)
class Row:
    household: Household
    standing: households.Standing
    head: lookups.Person | None
    community: str


def membership_state(membership: HouseholdMembership) -> str:
    if membership.status == "ended" and membership.end_kind in ENDINGS:
        return translate(ENDINGS[membership.end_kind])
    return translate(STATES.get(membership.status, N_("Unknown")))


async def household_list(ctx: Ctx) -> Response:
    found = list(await scope.readable_households(ctx.who).rows().limit(LIMIT))
    standing = await households.standings(found)
    heads = await lookups.people(h.head_id or "" for h in found)
    places = await lookups.communities(h.community_id for h in found)
    rows = [
        Row(h, standing[h.id], heads.get(h.head_id or ""), places[h.community_id].name)
        for h in found
    ]
    rows.sort(key=lambda row: (row.community, row.standing.rank, row.household.name))
    return ctx.render("households.html", rows=rows)


async def household_detail(ctx: Ctx) -> Response:
    household = await scope.readable_household(ctx.request.path_params["id"], who=ctx.who)
    standing = (await households.standings([household]))[household.id]
    members = await households.members(household)
    history = await households.membership_history(household)
    entries = (
        await households.ledger_entries(household)
        .order_by("-id")
        .limit(50)
        .prefetch_related("transaction")
    )
    actions = await lookups.action_names(household.district_id)
    q, found = await find_residents(ctx)
    places = await lookups.communities([household.community_id])
    return ctx.render(
        "household.html",
        household=household,
        community=places[household.community_id].name,
        standing=standing,
        members=[(m, lookups.person(m.resident)) for m in members],
        history=[(m, lookups.person(m.resident), membership_state(m)) for m in history],
        who_did=await lookups.staff_names(
            [m.started_by for m in history] + [m.ended_by or "" for m in history]
        ),
        entries=[
            (e, _what_moved(e, actions), from_units(e.amount), from_units(e.balance_after or 0))
            for e in entries
        ],
        q=q,
        found=found,
        corrects=ctx.who.role in CORRECTS,
    )


def _what_moved(entry: Entry, actions: dict[str, str]) -> str:
    """A movement of the household's credits in words: the action a share came from, the
    reward its head redeemed, or why a hold came back."""
    if entry.kind == "hold":
        return translate("Redeemed “{reward}”", reward=entry.transaction.memo)
    if entry.kind == "void":
        return translate(entry.transaction.memo)
    return actions.get(entry.action or "", "—")


async def correct(ctx: Ctx) -> Response:
    household_id = ctx.request.path_params["id"]
    values = await form_data(ctx)
    body = parse(
        HouseholdCorrectionIn,
        {
            "change": values.get("change", ""),
            "resident": values.get("resident", ""),
            "reason": values.get("reason", ""),
        },
    )
    assert isinstance(body, HouseholdCorrectionIn)
    await households.correct(
        household_id, change=body.change, resident_id=body.resident, reason=body.reason, by=ctx.who
    )
    await ctx.say(translate("Membership corrected."))
    return redirect(f"/console/households/{household_id}")
