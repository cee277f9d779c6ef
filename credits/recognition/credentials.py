"""Open Badges 3.0 credentials: each award as an `OpenBadgeCredential` (W3C VC data model 2.0),
secured as a VC-JWT with the issuer's Ed25519 key, and revocable through a Bitstring Status List.

Credentials are built from the award row when asked for, so awarding stays one set-based
INSERT; Ed25519 signatures are deterministic, so the same key always yields the same JWT."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import html
from datetime import UTC, datetime
from typing import Any

import jwt
from tortoise.models import Model

from accounts.models import District
from credits.recognition.errors import CredentialNotFound
from credits.recognition.models import BadgeAward, BadgeDefinition
from kernel.i18n import N_
from kernel.keys import get_keyring
from kernel.request_input import INT64_MAX
from kernel.settings import get_settings

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MEDIA_TYPE = "application/vc+jwt"
# Each status list covers this many awards (16 KiB of bits, the spec's minimum for privacy).
STATUS_LIST_SIZE = 131_072
# The last list an award's id (a 64-bit serial) can fall in: a higher number names no list
# (and its bounds would overflow the database's integers).
LAST_STATUS_LIST = INT64_MAX // STATUS_LIST_SIZE - 1
CRITERION_NARRATIVES = {
    "hours_total": "累计经核实的志愿服务时长不少于 {threshold} 小时。",
    "action_count": "「{action}」行动经核实或审核通过不少于 {threshold} 次。",
    "credits_earned": "累计获得文明积分不少于 {threshold} 分。",
    "distinct_actions": "践行不少于 {threshold} 项不同的文明行动。",
    "campaign": "在主题活动期间参与活动。",
}


def _base() -> str:
    return get_settings().public_base_url.rstrip("/")


def credential_url(public_id: str) -> str:
    return f"{_base()}/credentials/{public_id}"


def status_list_url(number: int) -> str:
    return f"{_base()}/credentials/status/{number}"


def issuer_url(district_code: str) -> str:
    return f"{_base()}/issuers/{district_code}"


def platform_issuer() -> dict[str, Any]:
    return {"id": f"{_base()}/issuers", "type": ["Profile"], "name": "文明实践积分平台"}


def issuer_profile(district: District) -> dict[str, Any]:
    return {
        "id": issuer_url(district.code),
        "type": ["Profile"],
        "name": district.name,
        "url": _base(),
    }


def _threshold_text(badge: BadgeDefinition) -> str:
    return format(badge.threshold.normalize(), "f")


def achievement(badge: BadgeDefinition) -> dict[str, Any]:
    narrative = CRITERION_NARRATIVES[badge.criterion_kind].format(
        threshold=_threshold_text(badge), action=badge.criterion_action or ""
    )
    return {
        "id": f"{_base()}/achievements/{badge.id}",
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": badge.name,
        "description": badge.description or badge.name,
        "criteria": {"narrative": narrative},
        "image": {"id": achievement_image_url(badge.id), "type": "Image"},
    }


def achievement_image_url(badge_id: str) -> str:
    return f"{_base()}/achievements/{badge_id}/image.svg"


def badge_image_svg(badge: BadgeDefinition) -> str:
    """A plain round badge with its name (and stars): every credential's image resolves."""
    name = html.escape(badge.name)
    stars = "★" * (badge.star or 0)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240">'
        '<circle cx="120" cy="120" r="112" fill="#c0392b" stroke="#f1c40f" stroke-width="10"/>'
        '<text x="120" y="128" font-size="26" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif">{name}</text>'
        '<text x="120" y="170" font-size="24" text-anchor="middle" fill="#f1c40f">'
        f"{stars}</text></svg>"
    )


def identity(award: BadgeAward) -> dict[str, Any]:
    """The subject is named by a salted hash of a secret of the platform's, never by personal
    data nor by the resident's id (which staff screens and other answers show). The hashed
    value is a keyed MAC of the resident, stable but known only to the platform, so no one
    who knows resident ids can link a public credential to one; the salt is per credential
    (a keyed hash of the award, not stored, not guessable), so two credentials of one
    resident do not share a hash either."""
    ring = get_keyring()
    salt = hmac.new(
        ring.lookup_hash("credential-salt").encode(), award.public_id.encode(), hashlib.sha256
    ).hexdigest()[:32]
    subject = ring.tag("credential-subject", award.resident_id).hex()
    digest = hashlib.sha256((subject + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityType": "identifier",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "salt": salt,
    }


_SLOT_BITS = STATUS_LIST_SIZE.bit_length() - 1  # 17: a list has 2**17 slots
_HALF_BITS = (_SLOT_BITS + 1) // 2  # a Feistel network over 18 bits, walked back into 17


def status_slot(number: int, position: int) -> int:
    """The slot of a list's `position`-th award: a keyed permutation of the list's slots
    (a Feistel network with cycle walking), so the index a credential publishes says nothing
    of when it was issued or how many were, and two awards never share a slot. The W3C
    Bitstring Status List asks for exactly this: indexes assigned at random."""
    ring = get_keyring()
    mask = (1 << _HALF_BITS) - 1
    value = position
    while True:
        left, right = value >> _HALF_BITS, value & mask
        for round_number in range(4):
            mac = ring.tag("status-slot", f"{number}:{round_number}:{right}")
            left, right = right, left ^ (int.from_bytes(mac[:4], "big") & mask)
        value = (left << _HALF_BITS) | right
        if value < STATUS_LIST_SIZE:
            return value


def status_entry(award: BadgeAward) -> dict[str, Any]:
    number, position = divmod(award.id, STATUS_LIST_SIZE)
    index = status_slot(number, position)
    return {
        "id": f"{status_list_url(number)}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": status_list_url(number),
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def build_credential(
    award: BadgeAward, badge: BadgeDefinition, district: District
) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_url(award.public_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": badge.name,
        "issuer": issuer_profile(district),
        "validFrom": _iso(award.awarded_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [identity(award)],
            "achievement": achievement(badge),
        },
        "credentialStatus": status_entry(award),
    }


def sign(credential: dict[str, Any]) -> str:
    """VC-JOSE-COSE: the JWS payload is the credential itself, typed `vc+jwt`."""
    key = get_keyring().credential_key
    return jwt.encode(
        credential,
        key.private,
        algorithm="EdDSA",
        headers={"kid": key.kid, "typ": "vc+jwt", "cty": "vc"},
    )


def encoded_status_list(revoked_indexes: list[int]) -> str:
    """The bitstring (index 0 is the left-most bit), gzipped, as multibase base64url."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


async def status_list_credential(number: int) -> dict[str, Any]:
    if not 0 <= number <= LAST_STATUS_LIST:
        raise CredentialNotFound(N_("No status list {number}."), number=number)
    return await revocation_list(BadgeAward, number, status_list_url(number))


async def revocation_list(model: type[Model], number: int, url: str) -> dict[str, Any]:
    """Status list `number`, published at `url`, of the revoked rows of `model` (integer ids
    and a `revoked_at`): the badges' lists, and the moral bank's attestations' lists."""
    first = number * STATUS_LIST_SIZE
    revoked: list[int] = await model.filter(
        id__gte=first, id__lt=first + STATUS_LIST_SIZE, revoked_at__isnull=False
    ).values_list("id", flat=True)  # type: ignore[assignment]
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": platform_issuer(),
        "validFrom": _iso(datetime.now(UTC)),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_status_list(
                [status_slot(number, found - first) for found in revoked]
            ),
        },
    }
