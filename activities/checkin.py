"""On-site check-in: rotating signed codes bound to an activity, the QR that shows them,
the geofence, and the hours a stay counts for."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import jwt
import qrcode

from activities.errors import CheckinTokenExpired, CheckinTokenInvalid
from app.core.i18n import N_
from app.core.keys import get_keyring
from app.core.settings import get_settings

TOKEN_LIFETIME = timedelta(seconds=60)
TOKEN_AUDIENCE = "civility-checkin"
# GPS fixes drift and phones clocks differ: a little slack at the edges of a stay.
TIME_SLACK = timedelta(minutes=30)


def issue_checkin_token(activity_id: str, now: datetime | None = None) -> tuple[str, datetime]:
    """A code valid for about a minute, bound to one activity; the worker's screen rotates it."""
    now = now or datetime.now(UTC)
    expires_at = now + TOKEN_LIFETIME
    key = get_keyring().current
    claims = {
        "iss": get_settings().jwt_issuer,
        "aud": TOKEN_AUDIENCE,
        "act": activity_id,
        "iat": now,
        "exp": expires_at,
    }
    token = jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid})
    return token, expires_at


def check_checkin_token(token: str, activity_id: str) -> None:
    ring = get_keyring()
    try:
        key = ring.by_kid.get(str(jwt.get_unverified_header(token).get("kid")))
        if key is None:
            raise CheckinTokenInvalid(N_("This code was not made by this service."))
        claims = jwt.decode(
            token,
            key.public,
            algorithms=["EdDSA"],
            audience=TOKEN_AUDIENCE,
            issuer=get_settings().jwt_issuer,
            options={"require": ["exp", "iat", "act"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise CheckinTokenExpired(N_("The code has changed; scan the screen again.")) from exc
    except jwt.PyJWTError as exc:
        raise CheckinTokenInvalid(N_("This is not a check-in code of this service.")) from exc
    if claims["act"] != activity_id:
        raise CheckinTokenInvalid(N_("This code belongs to another activity."))


def qr_png(text: str) -> bytes:
    image = qrcode.make(text, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def served_hours(
    checked_in_at: datetime, checked_out_at: datetime, starts_at: datetime, ends_at: datetime
) -> Decimal:
    """Hours within the activity's time only (travel never counts), rounded to 0.1 h."""
    start, end = max(checked_in_at, starts_at), min(checked_out_at, ends_at)
    seconds = max((end - start).total_seconds(), 0.0)
    return (Decimal(str(seconds)) / Decimal(3600)).quantize(Decimal("0.1"), ROUND_HALF_UP)
