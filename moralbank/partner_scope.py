"""Who may see the moral bank's outward side: one `Scope` per resource, and get-by-id helpers
that answer 404 outside it.

A green card is read by its holder and managed by its district's administrators; its scans
are read by the same two. Workers have no part in it: the card is the district's decision.
The merchants that honour the card are the district administrators' to manage; a resident
reads the active ones of a district where they hold a valid card.
Partner banks are the district administrators' business; a resident sees their district's
(what each band means there). A household's consents and the partners' queries about it are
read by its members and its district's administrators."""

from __future__ import annotations

from accounts.scope import own_district
from kernel.auth import Principal
from kernel.i18n import N_
from kernel.scope import NEVER, Condition, Scope, all_of, eq, within
from moralbank.partner_errors import NoSuchGreenCard, NoSuchMerchant
from moralbank.partner_models import (
    Consent,
    GreenCard,
    GreenCardMerchant,
    GreenCardScan,
    PartnerBank,
    PartnerQuery,
)
from moralbank.scope import member_of

DISTRICT_ADMINS = ("district_admin", "platform_admin")


def _district(who: Principal) -> Condition:
    return own_district(who) if who.role in DISTRICT_ADMINS else NEVER


def readable_green_cards(who: Principal) -> Scope[GreenCard]:
    """The holder reads their cards; the district's administrators read the district's."""
    if who.role == "resident":
        return Scope(GreenCard, eq("resident_id", who.id))
    return Scope(GreenCard, _district(who))


def managed_green_cards(who: Principal) -> Scope[GreenCard]:
    """Granted, suspended, reinstated and revoked by the district's administrators."""
    return Scope(GreenCard, _district(who))


def readable_green_card_scans(who: Principal) -> Scope[GreenCardScan]:
    return Scope(GreenCardScan, within("card_id", GreenCard, "id", readable_green_cards(who).where))


async def readable_green_card(card_id: str, *, who: Principal) -> GreenCard:
    card = await readable_green_cards(who).rows().get_or_none(id=card_id)
    if card is None:
        raise NoSuchGreenCard(N_("No such green card."))
    return card


async def managed_green_card(card_id: str, *, who: Principal) -> GreenCard:
    card = await managed_green_cards(who).rows().select_for_update().get_or_none(id=card_id)
    if card is None:
        raise NoSuchGreenCard(N_("No such green card."))
    return card


def managed_merchants(who: Principal) -> Scope[GreenCardMerchant]:
    """The merchants that honour a district's card: registered and changed by its admins."""
    return Scope(GreenCardMerchant, _district(who))


def offered_merchants(who: Principal) -> Scope[GreenCardMerchant]:
    """Where a resident's card brings a courtesy: the active merchants of each district whose
    card they hold valid (a suspended card is honoured nowhere, so it shows none)."""
    if who.role != "resident":
        return managed_merchants(who)
    valid = all_of(eq("resident_id", who.id), eq("status", "active"))
    return Scope(
        GreenCardMerchant,
        all_of(eq("active", True), within("district_id", GreenCard, "district_id", valid)),
    )


async def managed_merchant(merchant_id: str, *, who: Principal) -> GreenCardMerchant:
    merchant = await managed_merchants(who).rows().get_or_none(id=merchant_id)
    if merchant is None:
        raise NoSuchMerchant(N_("No such merchant."))
    return merchant


def managed_partners(who: Principal) -> Scope[PartnerBank]:
    """A district's partner banks: registered and managed by its administrators."""
    return Scope(PartnerBank, _district(who))


def offered_partners(who: Principal) -> Scope[PartnerBank]:
    """The partners a resident's household may consent to: those of the resident's district."""
    if who.role == "resident":
        return Scope(PartnerBank, own_district(who))
    return managed_partners(who)


def readable_consents(who: Principal) -> Scope[Consent]:
    """A household's consents are read by its members, and by its district's administrators."""
    if who.role == "resident":
        return Scope(Consent, member_of(who.id))
    return Scope(Consent, _district(who))


def readable_partner_queries(who: Principal) -> Scope[PartnerQuery]:
    """Who asked about a household (谁查询了我家的道德积分): its members and its district."""
    if who.role == "resident":
        return Scope(PartnerQuery, member_of(who.id))
    return Scope(PartnerQuery, _district(who))
