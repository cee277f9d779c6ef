"""Oversight's evidence photos: kept by the kernel's upload store, read by whom oversight says."""

from __future__ import annotations

from kernel.auth import Principal
from kernel.i18n import _
from kernel.uploads import image_bytes, store_image
from oversight.errors import NoSuchPhoto, UnknownPhoto
from oversight.models import Photo
from oversight.scope import readable_photo


async def store_photo(data: bytes, *, who: Principal) -> Photo:
    """Keeps an image as the caller's photo: accepted by the kernel's upload store, which
    re-encodes it, so a resident's photo shown to a unit carries no GPS, phone or markup."""
    return await store_image(Photo, data, owner=who.subject, district_id=who.district_id)


async def read_photo(photo_id: str, *, who: Principal) -> tuple[Photo, bytes]:
    """Its owner reads a photo, and the staff who read what it belongs to (`scope`)."""
    photo = await readable_photo(photo_id, who=who)
    if photo is None:
        raise NoSuchPhoto(_("No such photo."))
    return photo, await image_bytes(photo)


async def ensure_own_photos(photo_ids: list[str], *, who: Principal, field: str) -> list[str]:
    """The ids, deduplicated, once each is a photo the caller uploaded."""
    unique = list(dict.fromkeys(photo_ids))
    if unique and await Photo.filter(id__in=unique, owner=who.subject).count() != len(unique):
        raise UnknownPhoto(
            _("Photos must be images you uploaded."),
            errors=[{"field": field, "message": _("unknown photo id")}],
        )
    return unique
