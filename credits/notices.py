"""What a resident is told when their credits or a redemption move by someone else's hand (a
worker, an administrator, the hold running out): a notice queued in that transaction."""

from __future__ import annotations

from decimal import Decimal

from credits.models import Entry, LedgerTransaction, Redemption, from_units
from kernel.i18n import N_
from kernel.outbox import notice_with, queue_notification, register_notice
from kernel.sql import Rider

register_notice("redemption_fulfilled", N_("You collected “{reward}”. Enjoy it!"))
register_notice(
    "redemption_expired",
    N_("Your hold on “{reward}” ran out; its {cost} credits are back in your balance."),
)
register_notice(
    "household_redemption_expired",
    N_("The household's hold on “{reward}” ran out; its {cost} credits are back in its balance."),
)
register_notice("credits_added", N_("{amount} credits were added to your balance: {reason}"))
register_notice("credits_taken", N_("{amount} credits were taken from your balance: {reason}"))
register_notice("credits_reversed", N_("An entry of your credit history was reversed: {reason}"))


def _plain(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


async def tell_redemption_settled(redemption: Redemption, *, reward_title: str) -> None:
    """A hold fulfilled at the counter or lapsed (not one the resident cancelled themselves),
    told to whoever redeemed it (for a household, the head who did)."""
    topic = f"redemption_{redemption.status}"
    if redemption.household_id is not None and redemption.status == "expired":
        topic = "household_redemption_expired"
    await queue_notification(
        "resident",
        redemption.resident_id,
        topic,
        {
            "redemption": redemption.id,
            "reward": reward_title,
            "cost": _plain(from_units(redemption.cost)),
        },
    )


def credits_adjusted(resident_id: str, posted: LedgerTransaction, amount: Decimal) -> Rider:
    """Queued by the adjustment's posting statement (`ledger.post(also=…)`)."""
    return notice_with(
        "resident",
        resident_id,
        "credits_added" if amount > 0 else "credits_taken",
        {"transaction": posted.id, "amount": _plain(abs(amount)), "reason": posted.memo},
    )


async def tell_transaction_reversed(reversal: LedgerTransaction) -> None:
    residents = (
        await Entry.filter(transaction_id=reversal.id, owner_kind="resident")
        .distinct()
        .values_list("owner_id", flat=True)
    )
    for resident_id in sorted(set(residents)):
        await queue_notification(
            "resident",
            str(resident_id),
            "credits_reversed",
            {"transaction": reversal.id, "reverses": reversal.reverses_id, "reason": reversal.memo},
        )
