"""Errors of the moral bank, each with its HTTP status."""

from __future__ import annotations

from app.core.errors import Conflict, Invalid, NotFound


class InsufficientCredits(Conflict):
    code, title = "insufficient_credits", "Not enough credits"


class OutOfStock(Conflict):
    code, title = "out_of_stock", "The reward is out of stock"


class AlreadyReversed(Conflict):
    code, title = "already_reversed", "The transaction was reversed already"


class NotReversible(Conflict):
    code, title = "not_reversible", "This kind of transaction cannot be reversed"


class RedemptionNotHeld(Conflict):
    code, title = "redemption_not_held", "The redemption is no longer held"


class RedemptionExpired(Conflict):
    code, title = "redemption_expired", "The hold on this redemption has expired"


class NotInDistrict(Conflict):
    code, title = "not_in_district", "The resident has not joined a community of a district"


class UnbalancedTransaction(Invalid):
    code, title = "unbalanced_transaction", "The entries of a transaction must sum to zero"


class InvalidCommunity(Invalid):
    code, title = "invalid_community", "No such community in your scope"


class NoSuchReward(NotFound):
    code, title = "reward_not_found", "No such reward"


class NoSuchRedemption(NotFound):
    code, title = "redemption_not_found", "No such redemption"


class NoSuchResident(NotFound):
    code, title = "resident_not_found", "No such resident"


class NoSuchTransaction(NotFound):
    code, title = "transaction_not_found", "No such transaction"
