"""The green card (道德绿卡): granted to a moral model by a district administrator's decision
(or by the district's rule on stars, `moralbank.star_cards`), shown as a QR code whose public
page a partner merchant reads, suspended, reinstated or revoked with a reason. Every look at
the page is logged for the holder and the district.

The card's code is a keyed MAC of its id: unguessable, never stored (the table keeps a keyed
hash to find the card by), and the same every time the holder opens the mini-program."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import qrcode

from accounts.models import District, Resident
from accounts.residents import mask_name
from accounts.scope import district_residents
from kernel.auth import Principal
from kernel.errors import RateLimited
from kernel.i18n import N_, Named
from kernel.ids import new_id
from kernel.keys import get_keyring
from kernel.outbox import queue_notification, register_notice
from kernel.settings import get_settings
from moralbank.partner_errors import (
    GREEN_CARD_STATUS_NAMES,
    GreenCardHeld,
    GreenCardStatusConflict,
    UnknownResident,
)
from moralbank.partner_models import GreenCard, GreenCardMiss, GreenCardScan
from moralbank.partner_scope import managed_green_card

# Codes that name no card, per asking address, before the page refuses that address a while.
MISSES_ALLOWED = 20
MISS_WINDOW = timedelta(minutes=10)
# Which changes of status a decision may make: (from, to).
MOVES = {
    "suspend": (("active",), "suspended"),
    "reinstate": (("suspended",), "active"),
    "revoke": (("active", "suspended"), "revoked"),
}


def card_code(card_id: str) -> str:
    """The code in the card's QR: 144 bits of a keyed MAC of the card, base64url."""
    tag = get_keyring().tag("green-card", card_id)[:18]
    return base64.urlsafe_b64encode(tag).decode()


def qr_png(text: str) -> bytes:
    image = qrcode.make(text, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


register_notice(
    "green_card_granted",
    N_(
        "You hold a moral green card: {reason}. Show its QR code at the partner merchants for "
        "their courtesies."
    ),
)


def _code_hash(code: str) -> str:
    return get_keyring().lookup_hash(f"green-card\0{code}")


def card_link(card_id: str) -> str:
    """What the QR code says: the card's public page."""
    return f"{get_settings().public_base_url.rstrip('/')}/green-cards/{card_code(card_id)}"


def holder_name(resident: Resident) -> str:
    """The holder as a merchant sees them: the masked real name, else the masked nickname."""
    if resident.real_name_masked:
        return resident.real_name_masked
    return mask_name(resident.nickname) if resident.nickname else "*"


async def grant(resident_id: str, *, reason: str, by: Principal) -> GreenCard:
    resident = await district_residents(by).rows().select_for_update().get_or_none(id=resident_id)
    if resident is None or resident.district_id is None:
        raise UnknownResident(
            N_("No resident `{resident}` in your district."), resident=resident_id
        )
    if await held_card(resident.id) is not None:
        raise GreenCardHeld(N_("This resident holds a green card already; suspend or revoke it."))
    return await issue(resident.id, resident.district_id, reason=reason, granted_by=by.subject)


async def held_card(resident_id: str) -> GreenCard | None:
    """The resident's card that is not revoked (at most one), the caller holding their row."""
    return await GreenCard.filter(
        resident_id=resident_id, status__in=("active", "suspended")
    ).first()


async def issue(
    resident_id: str, district_id: str, *, reason: str, granted_by: str, basis: str = "decision"
) -> GreenCard:
    """A new card for a resident who holds none (`held_card`), on a decision or by the rule;
    the holder is told, in the same transaction."""
    card_id = new_id()
    told = {"card_id": card_id, "reason": reason.rstrip("。. ")}  # (the text ends the sentence)
    await queue_notification("resident", resident_id, "green_card_granted", told)
    return await GreenCard.create(
        id=card_id,
        district_id=district_id,
        resident_id=resident_id,
        code_hash=_code_hash(card_code(card_id)),
        basis=basis,
        grant_reason=reason,
        granted_by=granted_by,
    )


async def decide(card_id: str, move: str, *, reason: str, by: Principal) -> GreenCard:
    """Suspends, reinstates or revokes a card of the caller's district, with the reason."""
    card = await managed_green_card(card_id, who=by)
    allowed, to = MOVES[move]
    if card.status not in allowed:
        raise GreenCardStatusConflict(
            N_("The green card is {status}."), status=Named(card.status, GREEN_CARD_STATUS_NAMES)
        )
    card.status, card.status_reason = to, reason
    card.status_by, card.status_at = by.subject, datetime.now(UTC)
    await card.save(update_fields=["status", "status_reason", "status_by", "status_at"])
    return card


@dataclass(frozen=True)
class PublicCard:
    """All a merchant learns from the page: valid or not, the masked name, the district."""

    valid: bool
    holder: str
    district: str


def _address_hash(address: str) -> str:
    return get_keyring().lookup_hash(f"green-card-address\0{address}")


async def scan(code: str, *, address: str) -> PublicCard | None:
    """The card behind a scanned code, logged; None (and a miss counted against the asking
    address) when no card has it. An address past its misses is refused for a while; a code
    that names a card is always answered, so merchants behind one address are never locked
    out by someone else's guessing."""
    card = None
    if 16 <= len(code) <= 64:
        card = await GreenCard.get_or_none(code_hash=_code_hash(code))
    if card is None:
        await _miss(address)
        return None
    await GreenCardScan.create(
        card_id=card.id, district_id=card.district_id, shown_status=card.status
    )
    resident = await Resident.get(id=card.resident_id)
    district = await District.get(id=card.district_id)
    return PublicCard(
        valid=card.status == "active", holder=holder_name(resident), district=district.name
    )


async def _miss(address: str) -> None:
    now = datetime.now(UTC)
    key = _address_hash(address)
    recent = GreenCardMiss.filter(address_hash=key, at__gte=now - MISS_WINDOW)
    if await recent.count() >= MISSES_ALLOWED:
        oldest = await recent.order_by("at").first()
        wait = (oldest.at + MISS_WINDOW - now).total_seconds() if oldest else 60
        raise RateLimited(
            N_("Too many codes that name no green card; wait before trying again."),
            retry_after=int(wait) + 1,
        )
    await GreenCardMiss.filter(at__lt=now - MISS_WINDOW).delete()
    await GreenCardMiss.create(address_hash=key)
