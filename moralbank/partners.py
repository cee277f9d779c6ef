"""Partner banks: registered by a district administrator with their band-to-terms table, given
client credentials (the secret shown once, kept as a keyed hash), and signed in by the OAuth 2.0
client-credentials grant to a short-lived token of an audience of its own, under the same
failure budgets as staff logins (`kernel.ratelimit`) and budgets of tokens given, a minute's
and a day's; each query a client makes with its token is counted against the client's
budgets of queries, a minute's and a day's."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import jwt

from kernel import ratelimit
from kernel.auth import Principal
from kernel.errors import Problem
from kernel.i18n import N_
from kernel.ids import new_id
from kernel.keys import get_keyring
from kernel.settings import get_settings
from moralbank.partner_errors import (
    InvalidClient,
    NoSuchPartner,
    PartnerExists,
    PartnerTokenRefused,
    QueryBudgetSpent,
    TokenBudgetSpent,
)
from moralbank.partner_models import PartnerBank, PartnerCredential
from moralbank.partner_schemas import BandTerms
from moralbank.partner_scope import managed_partners

TOKEN_SECONDS = 300
CLIENT_PREFIX, SECRET_PREFIX = "mbp_", "mbs_"


def partner_audience() -> str:
    """Partner tokens are for the partner API only: never accepted as a resident's or staff's."""
    return f"{get_settings().jwt_audience}:partner"


def _terms_json(terms: list[BandTerms]) -> list[dict[str, Any]]:
    return [t.model_dump(mode="json") for t in sorted(terms, key=lambda t: t.min_score)]


async def register(
    *, name: str, contact: str, terms: list[BandTerms], district_id: str, by: Principal
) -> PartnerBank:
    if await PartnerBank.exists(district_id=district_id, name=name):
        raise PartnerExists(N_("The district has a partner named {name} already."), name=name)
    return await PartnerBank.create(
        district_id=district_id,
        name=name,
        contact=contact,
        terms=_terms_json(terms),
        created_by=by.subject,
    )


async def change(
    partner_id: str, *, name: str | None, contact: str | None, by: Principal
) -> PartnerBank:
    """Changes the bank's name or contact (what the consent screen tells from now on); what
    is None stays, and a change that changes nothing writes nothing."""
    partner = await managed_partner(partner_id, who=by)
    asked = {"name": name, "contact": contact}
    differing: dict[str, Any] = {
        k: v for k, v in asked.items() if v is not None and getattr(partner, k) != v
    }
    if not differing:
        return partner
    if "name" in differing and await PartnerBank.exists(
        district_id=partner.district_id, name=differing["name"]
    ):
        raise PartnerExists(N_("The district has a partner named {name} already."), name=name)
    differing |= {"changed_by": by.subject, "changed_at": datetime.now(UTC)}
    for field, value in differing.items():
        setattr(partner, field, value)
    await partner.save(update_fields=list(differing))
    return partner


async def change_terms(partner_id: str, terms: list[BandTerms], *, by: Principal) -> PartnerBank:
    partner = await managed_partner(partner_id, who=by)
    partner.terms, partner.terms_changed_at = _terms_json(terms), datetime.now(UTC)
    await partner.save(update_fields=["terms", "terms_changed_at"])
    return partner


async def managed_partner(partner_id: str, *, who: Principal) -> PartnerBank:
    partner = await managed_partners(who).rows().select_for_update().get_or_none(id=partner_id)
    if partner is None:
        raise NoSuchPartner(N_("No such partner bank."))
    return partner


async def readable_partner(partner_id: str, *, who: Principal) -> PartnerBank:
    partner = await managed_partners(who).rows().get_or_none(id=partner_id)
    if partner is None:
        raise NoSuchPartner(N_("No such partner bank."))
    return partner


def band_for(terms: list[dict[str, Any]], score: Decimal) -> dict[str, Any] | None:
    """The partner's band a score falls in (ranges include both ends), or None."""
    for band in terms:
        if Decimal(str(band["min_score"])) <= score <= Decimal(str(band["max_score"])):
            return band
    return None


def secret_hash(secret: str) -> str:
    return get_keyring().lookup_hash(f"partner-secret\0{secret}")


@dataclass(frozen=True)
class NewCredentials:
    """A client id and its secret, as the district is shown them: once."""

    client_id: str
    client_secret: str
    created_at: datetime


async def issue_credentials(partner_id: str, *, by: Principal) -> NewCredentials:
    """A new client id and secret for the partner; the pair it had stops working at once."""
    partner = await managed_partner(partner_id, who=by)
    now = datetime.now(UTC)
    await PartnerCredential.filter(partner_id=partner.id, retired_at__isnull=True).update(
        retired_at=now
    )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    row = await PartnerCredential.create(
        partner_id=partner.id,
        client_id=CLIENT_PREFIX + secrets.token_hex(10),
        secret_hash=secret_hash(secret),
        created_by=by.subject,
    )
    return NewCredentials(client_id=row.client_id, client_secret=secret, created_at=row.created_at)


def client_of(authorization: str | None, form: dict[str, str]) -> tuple[str, str] | None:
    """(client id, secret) from HTTP Basic (RFC 6749 2.3.1) or else the form's fields."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() == "basic" and encoded:
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, colon, secret = decoded.partition(":")
        return (client_id, secret) if colon else None
    if form.get("client_id") and form.get("client_secret"):
        return form["client_id"], form["client_secret"]
    return None


@dataclass(frozen=True)
class PartnerToken:
    access_token: str
    expires_in: int
    token_type: str = "Bearer"


TOKENS_THIS_MINUTE = N_(
    "This client has been given its {limit} tokens of this minute; use the token it has (a "
    "token lasts {minutes} minutes) or ask again in {seconds} seconds."
)
TOKENS_TODAY = N_(
    "This client has been given its {limit} tokens of today (Beijing time); use the token it "
    "has (a token lasts {minutes} minutes) or ask again tomorrow."
)


async def token(client_id: str, secret: str, *, address: str) -> PartnerToken | Problem:
    """The client-credentials grant. A refused one is returned (its failure recorded, to be
    committed) under the staff logins' budgets: per client and address, and per address. A
    token is given within the client's budgets of tokens (`_spend_a_token`)."""
    account = f"partner:{client_id[:64]}"
    await ratelimit.ensure_login_allowed(account, address)
    row = await PartnerCredential.get_or_none(client_id=client_id[:40], retired_at__isnull=True)
    expected = row.secret_hash if row else secret_hash(secrets.token_urlsafe(32))
    if row is None or not hmac.compare_digest(expected, secret_hash(secret)):
        await ratelimit.record_login_failure(account, address)
        return InvalidClient(N_("The client id or the client secret is wrong."))
    await _spend_a_token(row.client_id)
    await ratelimit.clear_login_failures(account, address)
    settings = get_settings()
    key = get_keyring().current
    now = datetime.now(UTC)
    claims = {
        "iss": settings.jwt_issuer,
        "aud": partner_audience(),
        "sub": f"partner:{row.partner_id}",
        "cid": row.id,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(seconds=TOKEN_SECONDS),
        "jti": new_id(),
    }
    signed = jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid})
    return PartnerToken(access_token=signed, expires_in=TOKEN_SECONDS)


async def _spend_a_token(client_id: str) -> None:
    """Counts a token given to the client against its budgets: `PARTNER_TOKENS_PER_MINUTE` in
    the clock minute and `PARTNER_TOKENS_PER_DAY` in the city's day, in the database like its
    queries. Past either, 429 with `Retry-After`, raised: no token is signed, and nothing of
    the request is written (nor counted). Only a client that proved its secret is counted,
    so nobody else can spend a bank's budget."""
    settings = get_settings()
    overdrawn = await ratelimit.spend_in_minute_and_day(
        f"partner-token:{client_id}",
        settings.partner_tokens_per_minute,
        settings.partner_tokens_per_day,
    )
    if overdrawn is None:
        return
    raise TokenBudgetSpent(
        TOKENS_TODAY if overdrawn.window.kind == "day" else TOKENS_THIS_MINUTE,
        retry_after=overdrawn.retry_after,
        limit=overdrawn.limit,
        minutes=TOKEN_SECONDS // 60,
        seconds=overdrawn.retry_after,
    )


@dataclass(frozen=True)
class PartnerClient:
    """The partner behind a partner token, and its client (credentials) the token came from."""

    partner: PartnerBank
    client_id: str


async def authenticated_partner(authorization: str | None) -> PartnerClient:
    """The partner behind a partner token whose credentials still stand; 401 otherwise."""
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise PartnerTokenRefused(N_("Send `Authorization: Bearer <access_token>`."))
    ring, settings = get_keyring(), get_settings()
    try:
        header = jwt.get_unverified_header(presented.strip())
        key = ring.by_kid.get(str(header.get("kid")))
        if key is None:
            raise PartnerTokenRefused(N_("The partner token is not valid."))
        claims = jwt.decode(
            presented.strip(),
            key.public,
            algorithms=["EdDSA"],
            audience=partner_audience(),
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "iss", "aud", "jti", "cid"]},
        )
    except jwt.PyJWTError as exc:
        raise PartnerTokenRefused(N_("The partner token is not valid.")) from exc
    credential = await PartnerCredential.get_or_none(id=str(claims["cid"]), retired_at__isnull=True)
    if credential is None or f"partner:{credential.partner_id}" != claims["sub"]:
        raise PartnerTokenRefused(N_("The partner credentials were replaced; ask for a new token."))
    partner = await PartnerBank.get(id=credential.partner_id)
    return PartnerClient(partner=partner, client_id=credential.client_id)


QUERIES_THIS_MINUTE = N_(
    "This client has made its {limit} queries of this minute; ask again in {seconds} seconds."
)
QUERIES_TODAY = N_(
    "This client has made its {limit} queries of today (Beijing time); ask again tomorrow."
)


async def querying_partner(authorization: str | None) -> PartnerClient:
    """The partner behind the token (401 otherwise), its query counted against its client's
    budgets: `PARTNER_QUERIES_PER_MINUTE` in the clock minute and `PARTNER_QUERIES_PER_DAY` in
    the city's day, counted in the database by every replica alike. Past either, 429 with
    `Retry-After`, raised: nothing of the request is written (nor counted). Every route a
    partner asks with its token starts here."""
    client = await authenticated_partner(authorization)
    settings = get_settings()
    overdrawn = await ratelimit.spend_in_minute_and_day(
        f"partner-client:{client.client_id}",
        settings.partner_queries_per_minute,
        settings.partner_queries_per_day,
    )
    if overdrawn is None:
        return client
    daily = overdrawn.window.kind == "day"
    raise QueryBudgetSpent(
        QUERIES_TODAY if daily else QUERIES_THIS_MINUTE,
        retry_after=overdrawn.retry_after,
        limit=overdrawn.limit,
        seconds=overdrawn.retry_after,
    )
