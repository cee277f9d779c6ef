"""How an image is accepted and kept, once for every domain: size, type by its bytes, the daily
quota, re-encoded from its pixels alone; the abstract table each domain's store inherits."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar

from PIL import Image, ImageCms, ImageOps
from starlette.responses import Response
from tortoise import fields
from tortoise.models import Model

from kernel.errors import PayloadTooLarge, Problem, RateLimited, UnsupportedMediaType
from kernel.i18n import N_
from kernel.ids import new_id
from kernel.settings import get_settings
from kernel.storage import get_storage

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
MAX_PIXELS = 40_000_000
# Bytes that make an image also a page, a script or an SVG for a browser that sniffs.
_MARKUP = re.compile(rb"(?i)<(?:!doctype|html|head|body|script|iframe|svg|\?php|\?xml)")


class UploadTooLarge(PayloadTooLarge):
    code, title = "upload_too_large", N_("The file is too large")


class NotAnImage(UnsupportedMediaType):
    code, title = "not_an_image", N_("Only JPEG, PNG or WebP images are accepted")


class UploadQuotaReached(RateLimited):
    code, title = "upload_quota_reached", N_("Too many uploads today")


# How a route serving a stored image declares its answer (`@api.get(path, **SERVES_IMAGE)`):
# the image in the type it was stored as.
SERVES_IMAGE: dict[str, Any] = {
    "media_type": IMAGE_TYPES[0],
    "alternatives": {kind: {"type": "string", "format": "binary"} for kind in IMAGE_TYPES[1:]},
}
# What accepting an image may answer besides the multipart reader's own errors, one status
# each: 413 too large, 415 not an image, 429 over the daily quota (docs/security.md).
IMAGE_ERRORS: tuple[type[Problem], ...] = (UploadTooLarge, NotAnImage, UploadQuotaReached)


class StoredImage(Model):
    """An image someone uploaded, kept by the storage under `storage_key`. A domain's store is
    a table inheriting it, naming the folder its files go to; the domain decides who reads."""

    folder: ClassVar[str]

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    owner = fields.CharField(max_length=64, db_index=True)
    district_id = fields.CharField(max_length=26, null=True)
    content_type = fields.CharField(max_length=32)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_key = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True


S = TypeVar("S", bound=StoredImage)


def _stores() -> list[type[StoredImage]]:
    """Every table of uploaded images (the concrete heirs of StoredImage)."""
    found, pending = [], list(StoredImage.__subclasses__())
    while pending:
        store = pending.pop()
        pending.extend(store.__subclasses__())
        if not store._meta.abstract:
            found.append(store)
    return found


async def store_image(store: type[S], data: bytes, *, owner: str, **columns: Any) -> S:
    """Accepts `data` as an image of `owner` and keeps it in `store`, checked in this order:
    its size (413), its type by its first bytes (415), the owner's daily quota (429), then
    decoded and written again from its pixels (415 when it is not a plain image, 413 past
    MAX_PIXELS). The domain gives the table and its own columns; it decides who reads."""
    limit = get_settings().max_upload_bytes
    if len(data) > limit:
        raise UploadTooLarge(
            N_("The file has {size} bytes; at most {limit} are accepted."),
            size=len(data),
            limit=limit,
        )
    content_type = sniff_image(data)
    if content_type is None:
        raise NotAnImage(N_("The file is not a JPEG, PNG or WebP image."))
    await ensure_under_upload_quota(owner)
    data = await asyncio.to_thread(clean_image, data, content_type)
    image_id = new_id()
    key = f"{store.folder}/{image_id[-2:]}/{image_id}.{EXTENSIONS[content_type]}"
    await get_storage().put(key, data)
    return await store.create(
        id=image_id,
        owner=owner,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
        **columns,
    )


async def image_bytes(image: StoredImage) -> bytes:
    return await get_storage().get(image.storage_key)


def image_response(image: StoredImage, data: bytes) -> Response:
    """An image as every route serves it: its own type, never rendered as a page, private."""
    name = f"{image.id}.{EXTENSIONS[image.content_type]}"
    headers = {
        "Cache-Control": "private",
        "Content-Disposition": f'attachment; filename="{name}"',
    }
    return Response(data, media_type=image.content_type, headers=headers)


# --- the checks ----------------------------------------------------------------------------


def sniff_image(data: bytes) -> str | None:
    """The image type by its first bytes, whatever the client claimed."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def clean_image(data: bytes, content_type: str) -> bytes:
    """The image written again from its pixels alone (`_pixels_only`). Files carrying markup
    are refused outright: a polyglot is an attack, not a photo."""
    if _MARKUP.search(data):
        raise NotAnImage(N_("The file holds markup beside the image."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[content_type]]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise UploadTooLarge(
                        N_("The image has {pixels} pixels; at most {limit} are accepted."),
                        pixels=image.width * image.height,
                        limit=MAX_PIXELS,
                    )
                image.load()
                pixels = _pixels_only(image, content_type)
                out = io.BytesIO()
                options = {"quality": 90} if content_type != "image/png" else {"optimize": True}
                pixels.save(out, format=_PILLOW_FORMATS[content_type], **options)
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise NotAnImage(N_("The image cannot be decoded.")) from exc
    return out.getvalue()


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _pixels_only(image: Image.Image, content_type: str) -> Image.Image:
    """The image turned upright by its EXIF orientation, in sRGB, in a mode its format
    writes, and with nothing but its pixels: no comment (Pillow writes a JPEG's comment
    again when it saves), EXIF (GPS, camera, owner), XMP, ICC profile or PNG text."""
    upright = ImageOps.exif_transpose(image)  # a copy: the opened file is left as it was
    bands = upright.getbands()
    grey = bands[0] in ("1", "L", "I", "F")
    alpha = content_type != "image/jpeg" and (
        "A" in bands or "a" in bands or "transparency" in upright.info
    )
    mode = ("LA" if grey else "RGBA") if alpha else ("L" if grey else "RGB")
    pixels: Image.Image | None = None
    if profile := upright.info.get("icc_profile"):
        # The profile says how to read the colours: they are turned into sRGB, which needs none.
        try:
            pixels = ImageCms.profileToProfile(
                upright, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _SRGB, outputMode=mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pixels = None  # a profile that cannot be read or applied: the pixels as they are
    if pixels is None:
        pixels = upright if upright.mode == mode else upright.convert(mode)
    pixels.info = {}
    return pixels


# --- the daily upload quota ---------------------------------------------------------------


async def ensure_under_upload_quota(owner: str) -> None:
    """At most `UPLOADS_PER_DAY` images a person uploads in 24 hours, whatever they are
    evidence of (a deed, a problem report, an inspection): counted in every store."""
    quota = get_settings().uploads_per_day
    since = datetime.now(UTC) - timedelta(days=1)
    uploaded = 0
    for store in _stores():
        uploaded += await store.filter(owner=owner, created_at__gte=since).count()
    if uploaded >= quota:
        raise UploadQuotaReached(
            N_("At most {quota} uploads a day; try again tomorrow."), retry_after=3600, quota=quota
        )
