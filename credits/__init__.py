"""The moral bank: the ledger, earning rules, rewards and redemptions, expiry, badges, honour rolls."""
