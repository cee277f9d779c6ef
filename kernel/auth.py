"""Who is calling: JWT access tokens (EdDSA, `kid`), rotating refresh tokens, roles and scope."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt
from starlette.requests import Request

from kernel import authcache
from kernel.errors import Forbidden, Unauthenticated
from kernel.i18n import N_, NamedList
from kernel.ids import new_id
from kernel.keys import get_keyring
from kernel.models import RefreshToken
from kernel.settings import get_settings

Role = Literal["resident", "worker", "district_admin", "platform_admin", "unit_staff", "evaluator"]
STAFF_ROLES: tuple[Role, ...] = ("worker", "district_admin", "platform_admin")
# Accounts of the overseen: a unit's own staff, and external evaluators limited to the
# inspections assigned to them. They sign in like staff but are not staff of the district.
PARTNER_ROLES: tuple[Role, ...] = ("unit_staff", "evaluator")
ROLE_NAMES: dict[str, str] = {
    "worker": N_("Community worker"),
    "district_admin": N_("District administrator"),
    "platform_admin": N_("Platform administrator"),
    "resident": N_("Resident"),
    "unit_staff": N_("Unit staff"),
    "evaluator": N_("External evaluator"),
}
ALGORITHMS = ["EdDSA"]
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud", "jti"]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: their role, district and communities (facts; what they may
    see is decided by the domains' scope modules, from these)."""

    kind: Literal["resident", "staff"]
    id: str
    role: Role
    district_id: str | None = None
    community_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def subject(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def is_partner(self) -> bool:
        """An account of the overseen (`PARTNER_ROLES`), not staff of the district."""
        return self.role in PARTNER_ROLES

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(
                N_("This needs one of the roles: {roles}."), roles=NamedList(roles, ROLE_NAMES)
            )


# (kind, id, session) -> the Principal, or None when the account is gone or disabled or the
# login `session` (a refresh family; None for a token of no login) is revoked: `REVOKED`.
PrincipalLoader = Callable[[str, str, str | None], Awaitable["Principal | None"]]
_principal_loader: PrincipalLoader | None = None
# What "the login was revoked" means, as a condition a loader's one statement includes (`:session`
# the refresh family): any token of the family revoked (`revoke_session` revokes them all).
REVOKED = (
    "EXISTS (SELECT 1 FROM refresh_token t WHERE t.family = :session AND t.revoked_at IS NOT NULL)"
)


def register_principal_loader(loader: PrincipalLoader) -> None:
    """`accounts` tells the kernel how to turn a token's subject into a Principal: in one
    statement, refusing a revoked login by `REVOKED`."""
    global _principal_loader
    _principal_loader = loader


async def authenticate(request: Request) -> Principal:
    claims = decode_access_token(bearer_token(request))
    subject, sid = str(claims["sub"]), claims.get("sid")
    session = str(sid) if sid is not None else None
    principal = await authcache.cached_principal(
        subject, session, lambda: current_principal(subject, session)
    )
    if principal is None:
        raise Unauthenticated(N_("The account behind this token no longer exists or is disabled."))
    return principal


async def current_principal(subject: str, session: str | None) -> Principal | None:
    """The caller behind a valid token, or None when its login (`sid`, the refresh family)
    was revoked or its account is gone or disabled.

    This is the one check made on every request: a cache of principals wraps this function
    and must forget a subject whenever `revoke_session` or `revoke_sessions_of` runs."""
    if _principal_loader is None:
        raise RuntimeError("no principal loader registered")
    kind, _, subject_id = subject.partition(":")
    return await _principal_loader(kind, subject_id, session)


def issue_access_token(subject: str, role: Role, *, session: str | None = None) -> tuple[str, int]:
    """An access token; `session` is the refresh family of the login it belongs to, so that
    revoking the login ends the access token at once."""
    settings = get_settings()
    key = get_keyring().current
    now = datetime.now(UTC)
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "role": role,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(seconds=settings.access_token_seconds),
        "jti": new_id(),
    }
    if session is not None:
        claims["sid"] = session
    token = jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid})
    return token, settings.access_token_seconds


def decode_access_token(token: str) -> dict[str, Any]:
    """The token's claims once its signature, issuer, audience and times are checked; a token
    seen before is looked up (by its hash) instead of verified again, its expiry checked."""
    key = authcache.token_key(token)
    claims = authcache.cached_claims(key)
    if claims is None:
        claims = _verify_access_token(token)
        authcache.remember_claims(key, claims)
    return claims


def _verify_access_token(token: str) -> dict[str, Any]:
    settings = get_settings()
    ring = get_keyring()
    try:
        header = jwt.get_unverified_header(token)
        key = ring.by_kid.get(str(header.get("kid")))
        if key is None:
            raise Unauthenticated(N_("The token was signed by an unknown key."))
        claims: dict[str, Any] = jwt.decode(
            token,
            key.public,
            algorithms=ALGORITHMS,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated(N_("The access token has expired; refresh it.")) from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated(N_("The access token is not valid.")) from exc
    return claims


def bearer_token(request: Request) -> str:
    header = ""
    for name, value in request.scope["headers"]:  # (the raw list: no `Headers` built for one)
        if name == b"authorization":
            header = value.decode("latin-1")
            break
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(N_("Send `Authorization: Bearer <access_token>`."))
    return token.strip()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_refresh_token(subject: str, family: str | None = None) -> tuple[str, str]:
    """A new refresh token of `family` (a new login when None): returns (token, family)."""
    token = secrets.token_urlsafe(32)
    family = family or new_id()
    await RefreshToken.create(
        token_hash=_hash(token),
        family=family,
        subject=subject,
        expires_at=datetime.now(UTC) + timedelta(days=get_settings().refresh_token_days),
    )
    return token, family


REFRESH_REUSED = N_("The refresh token was already used; every session of it is ended.")


async def rotate_refresh_token(token: str) -> tuple[str, str, str] | None:
    """Spends a refresh token: returns (subject, new token, family).

    A token that was already spent means it leaked: the whole family is revoked and None is
    returned, so the caller commits the revocation before refusing."""
    now = datetime.now(UTC)
    row = await RefreshToken.get_or_none(token_hash=_hash(token))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise Unauthenticated(N_("The refresh token is not valid; log in again."))
    spent = await RefreshToken.filter(id=row.id, used_at__isnull=True).update(used_at=now)
    if not spent:
        await revoke_session(row.family)
        return None
    new_token, family = await issue_refresh_token(row.subject, family=row.family)
    return row.subject, new_token, family


async def revoke_session(family: str) -> None:
    """Ends one login: its refresh tokens and the access tokens issued with them."""
    authcache.forget(f"session:{family}")
    await RefreshToken.filter(family=family, revoked_at__isnull=True).update(
        revoked_at=datetime.now(UTC)
    )


async def revoke_sessions_of(subject: str) -> None:
    """Ends every login of `subject` (`staff:<id>`), e.g. when the account is disabled."""
    authcache.forget(f"subject:{subject}")
    await RefreshToken.filter(subject=subject, revoked_at__isnull=True).update(
        revoked_at=datetime.now(UTC)
    )
