"""Photos kept as evidence: read by their bytes, never by the client's word."""

from __future__ import annotations

import asyncio
import hashlib

from kernel.auth import STAFF_ROLES, Principal
from kernel.i18n import _
from kernel.ids import new_id
from kernel.settings import get_settings
from kernel.storage import (
    UncleanImage,
    clean_image,
    ensure_under_upload_quota,
    get_storage,
    sniff_image,
)
from oversight.errors import NoSuchPhoto, NotAnImage, UnknownPhoto, UploadTooLarge
from oversight.models import Photo

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


async def store_photo(data: bytes, *, who: Principal) -> Photo:
    await ensure_under_upload_quota(who.subject)
    limit = get_settings().max_upload_bytes
    if len(data) > limit:
        raise UploadTooLarge(
            _(
                "The file has {size} bytes; at most {limit} are accepted.",
                size=len(data),
                limit=limit,
            )
        )
    content_type = sniff_image(data)
    if content_type is None:
        raise NotAnImage(_("The file is not a JPEG, PNG or WebP image."))
    # Re-encoded from its pixels as evidence uploads are: a resident's photo shown to a unit
    # must not carry the reporter's GPS or phone in its EXIF, nor markup beside the pixels.
    try:
        data = await asyncio.to_thread(clean_image, data, content_type)
    except UncleanImage as exc:
        raise NotAnImage(
            _("The file is not a plain JPEG, PNG or WebP image: {reason}.", reason=str(exc))
        ) from exc
    photo_id = new_id()
    key = f"oversight/{photo_id[-2:]}/{photo_id}.{EXTENSIONS[content_type]}"
    await get_storage().put(key, data)
    return await Photo.create(
        id=photo_id,
        owner=who.subject,
        district_id=who.district_id,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
    )


async def read_photo(photo_id: str, *, who: Principal) -> tuple[Photo, bytes]:
    """Its owner reads a photo, and the staff of its district."""
    photo = await Photo.get_or_none(id=photo_id)
    if photo is None:
        raise NoSuchPhoto(_("No such photo."))
    staff_sees = who.role in STAFF_ROLES and who.sees_district(photo.district_id)
    if photo.owner != who.subject and not staff_sees:
        raise NoSuchPhoto(_("No such photo."))
    return photo, await get_storage().get(photo.storage_key)


async def ensure_own_photos(photo_ids: list[str], *, who: Principal, field: str) -> list[str]:
    """The ids, deduplicated, once each is a photo the caller uploaded."""
    unique = list(dict.fromkeys(photo_ids))
    if unique and await Photo.filter(id__in=unique, owner=who.subject).count() != len(unique):
        raise UnknownPhoto(
            _("Photos must be images you uploaded."),
            errors=[{"field": field, "message": _("unknown photo id")}],
        )
    return unique
