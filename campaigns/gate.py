"""The rotating code a zone's gate shows (the signed rotating code of `activities.checkin`, for
a zone): `{zone}.{window}.{mac}`, a keyed MAC of the zone and the 30-second window, accepted
in its window and the next; the gate's screen rotates it. No seat list: the code says the zone."""

from __future__ import annotations

import base64
import hmac
import re
from datetime import UTC, datetime

from activities.checkin import MAC_CHARS, WINDOW_SECONDS, checkin_link
from campaigns.errors import ZoneCodeExpired, ZoneCodeInvalid
from kernel.i18n import N_
from kernel.keys import get_keyring

CODE_PURPOSE = "event-zone"
_CODE = re.compile(r"^([0-9a-z]{26})\.([0-9a-z]{1,10})\.([A-Z2-7]{10})$")


def _mac(zone_id: str, window: int) -> str:
    digest = get_keyring().tag(CODE_PURPOSE, f"{zone_id}.{window}")
    return base64.b32encode(digest).decode()[:MAC_CHARS]


def _window(now: datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def issue_gate_code(zone_id: str, now: datetime | None = None) -> tuple[str, datetime, str]:
    """The zone's code now, when it stops being accepted, and the link its QR holds."""
    window = _window(now or datetime.now(UTC))
    code = f"{zone_id}.{format(window, 'x')}.{_mac(zone_id, window)}"
    expires_at = datetime.fromtimestamp((window + 2) * WINDOW_SECONDS, UTC)
    return code, expires_at, checkin_link(code)


def zone_of(code: str) -> str:
    """The zone a scanned code (or link ending in one) names, if this service made it now."""
    found = _CODE.match(re.split(r"[/=]", code.strip())[-1])
    if found is None:
        raise ZoneCodeInvalid(N_("This is not a gate code of this service."))
    zone_id, window_text, mac = found.groups()
    window = int(window_text, 16)
    if not hmac.compare_digest(mac, _mac(zone_id, window)):
        raise ZoneCodeInvalid(N_("This is not a gate code of this service."))
    current = _window(datetime.now(UTC))
    if not current - 1 <= window <= current:
        raise ZoneCodeExpired(N_("The gate code has changed; scan the screen again."))
    return zone_id
