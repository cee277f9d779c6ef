"""On-site check-in: rotating signed codes bound to an activity, the QR that shows them,
the geofence, and the hours a stay counts for."""

from __future__ import annotations

import base64
import hmac
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import qrcode

from activities.errors import CheckinTokenExpired, CheckinTokenInvalid
from kernel.i18n import N_
from kernel.keys import get_keyring
from kernel.settings import get_settings

# A code is `{activity}.{window}.{mac}`: the activity's id, the 30-second window it was made
# in (base 36) and 10 base-32 characters of a keyed MAC of both (50 bits). It is accepted in
# its window and the next, so it lives 30 to 60 seconds; the worker's screen rotates it.
WINDOW_SECONDS = 30
MAC_CHARS = 10
CODE_PURPOSE = "checkin"
# GPS fixes drift and phones clocks differ: a little slack at the edges of a stay.
TIME_SLACK = timedelta(minutes=30)
_CODE = re.compile(r"^([0-9A-Za-z]{26})\.([0-9a-z]{1,10})\.([A-Z2-7]{10})$")


def _mac(activity_id: str, window: int) -> str:
    digest = get_keyring().tag(CODE_PURPOSE, f"{activity_id}.{window}")
    return base64.b32encode(digest).decode()[:MAC_CHARS]


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def issue_checkin_token(activity_id: str, now: datetime | None = None) -> tuple[str, datetime]:
    """A short code (about 45 characters) bound to one activity, valid 30 to 60 seconds."""
    now = now or datetime.now(UTC)
    window = int(now.timestamp()) // WINDOW_SECONDS
    expires_at = datetime.fromtimestamp((window + 2) * WINDOW_SECONDS, UTC)
    return f"{activity_id}.{_base36(window)}.{_mac(activity_id, window)}", expires_at


def checkin_link(code: str) -> str:
    """What the QR holds: the link (or mini-program path) the mini-program turns into the
    check-in call with the code."""
    base = get_settings().checkin_link_base or f"{get_settings().public_base_url.rstrip('/')}/c/"
    return f"{base}{code}"


def _parse(token: str) -> tuple[str, int, str] | None:
    """The activity, window and MAC of a code (or of a scanned link ending in one)."""
    found = _CODE.match(re.split(r"[/=]", token.strip())[-1])
    if found is None:
        return None
    code_activity, window_text, mac = found.groups()
    return code_activity, int(window_text, 36), mac


def _genuine(code_activity: str, window: int, mac: str) -> bool:
    return hmac.compare_digest(mac, _mac(code_activity, window))


def _in_time(window: int) -> bool:
    current = int(datetime.now(UTC).timestamp()) // WINDOW_SECONDS
    return current - 1 <= window <= current


def check_checkin_token(token: str, activity_id: str) -> None:
    """Accepts the code, or the whole scanned link ending in it."""
    parsed = _parse(token)
    if parsed is None:
        raise CheckinTokenInvalid(N_("This is not a check-in code of this service."))
    if not _genuine(*parsed):
        raise CheckinTokenInvalid(N_("This code was not made by this service."))
    code_activity, window, _mac_text = parsed
    if code_activity != activity_id:
        raise CheckinTokenInvalid(N_("This code belongs to another activity."))
    if not _in_time(window):
        raise CheckinTokenExpired(N_("The code has changed; scan the screen again."))


def checkin_code_state(code: str) -> Literal["current", "expired", "invalid"]:
    """What a scanned code is, without using it: made by this service and in its time,
    made by it but past its time, or not one of its codes."""
    parsed = _parse(code)
    if parsed is None or not _genuine(*parsed):
        return "invalid"
    return "current" if _in_time(parsed[1]) else "expired"


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
