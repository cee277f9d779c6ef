"""The demo's partner bank and green card (`seed-demo`): 海曙农商银行 with its band terms and
known demo credentials, 王家's consent to it, and a green card for 小王 that a merchant can
scan. Safe to run again (it finds what it made)."""

from __future__ import annotations

from datetime import timedelta

from accounts.models import Community, District, Household, Resident
from kernel import localtime
from kernel.auth import Principal
from moralbank import green_cards
from moralbank.consents import PURPOSES
from moralbank.partner_models import Consent, GreenCard, PartnerBank, PartnerCredential
from moralbank.partner_schemas import BandTerms
from moralbank.partners import SECRET_PREFIX, register, secret_hash

BANK = "海曙农商银行"
# The demo's client id; its secret is `mbs_` followed by the demo password (docs).
CLIENT_ID = "mbp_haishu_demo"
TERMS = [
    {
        "band": "AAA",
        "min_score": 95,
        "max_score": 100,
        "loan_limit": 300000,
        "rate": "年利率 3.85% 起",
    },
    {
        "band": "AA",
        "min_score": 90,
        "max_score": 94.99,
        "loan_limit": 200000,
        "rate": "年利率 4.35% 起",
    },
    {
        "band": "A",
        "min_score": 80,
        "max_score": 89.99,
        "loan_limit": 100000,
        "rate": "年利率 4.9% 起",
    },
    {
        "band": "B",
        "min_score": 60,
        "max_score": 79.99,
        "loan_limit": 50000,
        "rate": "年利率 5.5% 起",
    },
]
MODEL = "demo-resident-1"  # 小王, head of 王家: the moral model with the green card


async def seed_partners(district: District, communities: list[Community], password: str) -> None:
    admin = Principal(kind="staff", id="seed", role="district_admin", district_id=district.id)
    partner = await PartnerBank.get_or_none(district_id=district.id, name=BANK) or await register(
        name=BANK,
        terms=[BandTerms.model_validate(t) for t in TERMS],
        district_id=district.id,
        by=admin,
    )
    if not await PartnerCredential.exists(client_id=CLIENT_ID):
        await PartnerCredential.create(
            partner_id=partner.id,
            client_id=CLIENT_ID,
            secret_hash=secret_hash(SECRET_PREFIX + password),
            created_by=admin.subject,
        )
    model = await Resident.get_or_none(openid=MODEL, district_id=district.id)
    if model is None:
        return
    if not await GreenCard.exists(resident_id=model.id):
        await green_cards.grant(model.id, reason="热心公益，连续四个季度评为道德之星", by=admin)
    # The consent is the head's to give (`consents.consenting_household`): 小王 heads 王家.
    home = await Household.get_or_none(head_id=model.id)
    if home is not None and not await Consent.exists(household_id=home.id):
        await Consent.create(
            district_id=district.id,
            household_id=home.id,
            partner_id=partner.id,
            purpose=next(iter(PURPOSES)),
            given_by_id=model.id,
            valid_until=localtime.start_of(localtime.today() + timedelta(days=180)),
        )
