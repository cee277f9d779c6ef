"""Errors of the moral bank, each with its HTTP status."""

from __future__ import annotations

from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from kernel.i18n import N_

# A redemption's statuses, by the names a refusal and the console show (`console/names.py`).
STATUS_NAMES = {
    "held": N_("Waiting for pickup"),
    "fulfilled": N_("Handed over"),
    "voided": N_("Withdrawn"),
    "expired": N_("Expired"),
}


class InsufficientCredits(Conflict):
    code, title = "insufficient_credits", N_("Not enough credits")


class OutOfStock(Conflict):
    code, title = "out_of_stock", N_("The reward is out of stock")


class AlreadyReversed(Conflict):
    code, title = "already_reversed", N_("The transaction was reversed already")


class NotReversible(Conflict):
    code, title = "not_reversible", N_("This kind of transaction cannot be reversed")


class RedemptionNotHeld(Conflict):
    code, title = "redemption_not_held", N_("The redemption is no longer held")


class RedemptionOfHousehold(Conflict):
    code, title = "redemption_of_household", N_("The household's head settles this redemption")


class RedemptionExpired(Conflict):
    code, title = "redemption_expired", N_("The hold on this redemption has expired")


class NotInDistrict(Conflict):
    code, title = "not_in_district", N_("The resident has not joined a community of a district")


class UnbalancedTransaction(Invalid):
    code, title = "unbalanced_transaction", N_("The entries of a transaction must sum to zero")


class InvalidCommunity(Invalid):
    code, title = "invalid_community", N_("No such community in your scope")


class NoSuchReward(NotFound):
    code, title = "reward_not_found", N_("No such reward")


class NoSuchRedemption(NotFound):
    code, title = "redemption_not_found", N_("No such redemption")


class NoSuchResident(NotFound):
    code, title = "resident_not_found", N_("No such resident")


class NoSuchTransaction(NotFound):
    code, title = "transaction_not_found", N_("No such transaction")


class RewardWithdrawn(Conflict):
    code, title = "reward_withdrawn", N_("The reward was withdrawn")


class RewardNotYours(Forbidden):
    code, title = "reward_not_yours", N_("Only the district's administrators manage this reward")
