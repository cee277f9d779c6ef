"""The moral bank: ledger, earning rules, rewards, redemptions, expiry, badges, honour rolls."""
