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

from app.core.errors import Forbidden, Unauthenticated
from app.core.i18n import N_
from app.core.ids import new_id
from app.core.keys import get_keyring
from app.core.models import RefreshToken
from app.core.settings import get_settings

Role = Literal["resident", "worker", "district_admin", "platform_admin"]
STAFF_ROLES: tuple[Role, ...] = ("worker", "district_admin", "platform_admin")
ALGORITHMS = ["EdDSA"]
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud", "jti"]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller and the part of the city they may see."""

    kind: Literal["resident", "staff"]
    id: str
    role: Role
    district_id: str | None = None
    community_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def subject(self) -> str:
        return f"{self.kind}:{self.id}"

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(N_("This needs one of the roles: {roles}."), roles=", ".join(roles))

    def sees_district(self, district_id: str | None) -> bool:
        if self.role == "platform_admin":
            return True
        return district_id is not None and district_id == self.district_id

    def sees_community(self, community_id: str | None, district_id: str | None) -> bool:
        """Workers see their communities; district admins their district; residents theirs."""
        if self.role in ("platform_admin", "district_admin"):
            return self.sees_district(district_id)
        return community_id is not None and community_id in self.community_ids


PrincipalLoader = Callable[[str, str], Awaitable["Principal | None"]]
_principal_loader: PrincipalLoader | None = None


def register_principal_loader(loader: PrincipalLoader) -> None:
    """`app.accounts` tells the kernel how to turn a token's subject into a Principal."""
    global _principal_loader
    _principal_loader = loader


async def authenticate(request: Request) -> Principal:
    claims = decode_access_token(bearer_token(request))
    session = claims.get("sid")
    principal = await current_principal(
        str(claims["sub"]), str(session) if session is not None else None
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
    if session is not None and await RefreshToken.exists(family=session, revoked_at__isnull=False):
        return None
    kind, _, subject_id = subject.partition(":")
    return await _principal_loader(kind, subject_id)


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
    header = request.headers.get("authorization", "")
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
    await RefreshToken.filter(family=family, revoked_at__isnull=True).update(
        revoked_at=datetime.now(UTC)
    )


async def revoke_sessions_of(subject: str) -> None:
    """Ends every login of `subject` (`staff:<id>`), e.g. when the account is disabled."""
    await RefreshToken.filter(subject=subject, revoked_at__isnull=True).update(
        revoked_at=datetime.now(UTC)
    )
