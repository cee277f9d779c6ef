"""The demo's partner bank and green cards (`seed-demo`): 海曙农商银行 with its band terms and
known demo credentials, 王家's consent to it and the bank's question about 王家 under it, a
green card for 小王 that a merchant can scan, the district's rule that a star of any quarter
earns its head a card (the stars of the last quarter get theirs at once), and a merchant with
its courtesy. Safe to run again (it finds what it made)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accounts.models import Community, District, Household, Resident
from accounts.schemas import DistrictRulesPatch
from accounts.service import change_rules, rules_at
from kernel import localtime
from kernel.auth import Principal
from moralbank import attestations, green_cards, merchants
from moralbank.consents import PURPOSES
from moralbank.partner_models import (
    Consent,
    GreenCard,
    GreenCardMerchant,
    PartnerBank,
    PartnerCredential,
    PartnerQuery,
)
from moralbank.partner_schemas import BandTerms, MerchantIn
from moralbank.partners import SECRET_PREFIX, change, register, secret_hash
from moralbank.star_cards import grant_for_stars

BANK = "海曙农商银行"
# What the consent screen tells a household of the bank (PIPL art. 23); a demo, not the bank's.
CONTACT = "0574-87000000 宁波市海曙区中山西路 100 号"
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
MERCHANT = {
    "name": "老宁波汤圆店",
    "address": "海曙区鼓楼步行街 12 号",
    "courtesy": "凭绿卡就餐九折，汤圆加送一份",
}


async def seed_partners(district: District, communities: list[Community], password: str) -> None:
    admin = Principal(kind="staff", id="seed", role="district_admin", district_id=district.id)
    partner = await PartnerBank.get_or_none(district_id=district.id, name=BANK) or await register(
        name=BANK,
        contact=CONTACT,
        terms=[BandTerms.model_validate(t) for t in TERMS],
        district_id=district.id,
        by=admin,
    )
    if partner.contact is None:  # seeded before contacts were asked for
        partner = await change(partner.id, name=None, contact=CONTACT, by=admin)
    if not await PartnerCredential.exists(client_id=CLIENT_ID):
        await PartnerCredential.create(
            partner_id=partner.id,
            client_id=CLIENT_ID,
            secret_hash=secret_hash(SECRET_PREFIX + password),
            created_by=admin.subject,
        )
    model = await Resident.get_or_none(openid=MODEL, district_id=district.id)
    if model is not None:
        await _model(district, partner, model, admin)
    await _green_card_rule(district, admin)


async def _green_card_rule(district: District, admin: Principal) -> None:
    """The rule (in force since 2020, as the district's history), a merchant, and the cards
    the last quarter's stars earn: 小王 holds his already, so the rule notes it and grants none."""
    if (await rules_at(district.id)).green_card_on_star == "off":
        # Each version holds the whole rules: the one dated 2020 reaches the last quarter's end
        # but not past the versions other parts of the demo wrote since, so a second says it
        # from now on.
        for since in (datetime(2020, 1, 1, tzinfo=UTC), None):
            await change_rules(
                district,
                DistrictRulesPatch(green_card_on_star="quarterly", effective_from=since),
                by=admin,
                seeding=since is not None,
            )
    if not await GreenCardMerchant.exists(district_id=district.id):
        await merchants.register(MerchantIn.model_validate(MERCHANT), by=admin)
    await grant_for_stars(datetime.now(UTC))


async def _model(
    district: District, partner: PartnerBank, model: Resident, admin: Principal
) -> None:
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
    # The bank's question under that consent (an attestation issued, logged as every question
    # is), so the district's list of the bank's questions and the household's have one. Once.
    if home is not None and not await PartnerQuery.exists(partner_id=partner.id):
        await attestations.attest(home.id, purpose=next(iter(PURPOSES)), partner=partner)
