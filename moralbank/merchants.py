"""The merchants and services that honour a district's green card, each with its courtesy (礼遇):
registered, changed and set active or not by the district's administrators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kernel.auth import Principal
from moralbank.partner_models import GreenCardMerchant
from moralbank.partner_schemas import MerchantIn
from moralbank.partner_scope import managed_merchant


async def register(body: MerchantIn, *, by: Principal) -> GreenCardMerchant:
    """A merchant of the administrator's own district."""
    return await GreenCardMerchant.create(
        district_id=by.district_id, **body.model_dump(), created_by=by.subject
    )


async def change(merchant_id: str, changes: dict[str, Any], *, by: Principal) -> GreenCardMerchant:
    """Writes what differs, with who and when; a change that changes nothing writes nothing."""
    merchant = await managed_merchant(merchant_id, who=by)
    differing = {k: v for k, v in changes.items() if getattr(merchant, k) != v}
    if not differing:
        return merchant
    differing |= {"changed_by": by.subject, "changed_at": datetime.now(UTC)}
    for name, value in differing.items():
        setattr(merchant, name, value)
    await merchant.save(update_fields=list(differing))
    return merchant
