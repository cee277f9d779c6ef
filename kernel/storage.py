"""Where uploaded evidence and certificate PDFs are kept: a small interface, local disk by
default, so an object store can take its place without touching the rules."""

from __future__ import annotations

import asyncio
import io
import re
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol, TypeVar

from PIL import Image, ImageOps
from tortoise.models import Model

from kernel.errors import RateLimited
from kernel.i18n import N_
from kernel.settings import get_settings

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,199}$")


class Storage(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes: ...


class LocalStorage:
    """Files under a directory; keys are relative paths made by this service."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.match(key) or ".." in key:
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    async def put(self, key: str, data: bytes) -> None:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(path.suffix + ".part")
            partial.write_bytes(data)
            partial.replace(path)

        await asyncio.to_thread(write)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)


def get_storage() -> Storage:
    return LocalStorage(get_settings().var_dir / "uploads")


def sniff_image(data: bytes) -> str | None:
    """The image type by its first bytes, whatever the client claimed."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


# Bytes that make an image also a page, a script or an SVG for a browser that sniffs.
_MARKUP = re.compile(rb"(?i)<(?:!doctype|html|head|body|script|iframe|svg|\?php|\?xml)")
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
MAX_PIXELS = 40_000_000


class UncleanImage(ValueError):
    """Not an image we keep: markup inside, undecodable, or too many pixels."""


def clean_image(data: bytes, content_type: str) -> bytes:
    """The image re-encoded from its pixels: EXIF (GPS, camera, owner) and anything appended
    or embedded beside the pixels are gone. Files carrying markup are refused outright."""
    if _MARKUP.search(data):
        raise UncleanImage("the file holds markup")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[content_type]]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise UncleanImage("too many pixels")
                image.load()
                upright = ImageOps.exif_transpose(image)
                if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    upright = upright.convert("RGB")
                if content_type == "image/jpeg" and upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                out = io.BytesIO()
                options = {"quality": 90} if content_type != "image/png" else {"optimize": True}
                upright.save(out, format=_PILLOW_FORMATS[content_type], **options)
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        if isinstance(exc, UncleanImage):
            raise
        raise UncleanImage("the image cannot be decoded") from exc
    return out.getvalue()


# --- the daily upload quota ---------------------------------------------------------------


class UploadQuotaReached(RateLimited):
    code, title = "upload_quota_reached", N_("Too many uploads today")


_UPLOAD_STORES: list[type[Model]] = []
M = TypeVar("M", bound=type[Model])


def upload_store(model: M) -> M:
    """Registers a model whose rows are files people uploaded (with `owner` and `created_at`):
    the daily quota counts a person's uploads in every such store together."""
    _UPLOAD_STORES.append(model)
    return model


async def ensure_under_upload_quota(owner: str) -> None:
    """At most `UPLOADS_PER_DAY` files a person uploads in 24 hours, whatever they are evidence
    of (a deed, a problem report, an inspection)."""
    quota = get_settings().uploads_per_day
    since = datetime.now(UTC) - timedelta(days=1)
    uploaded = 0
    for store in _UPLOAD_STORES:
        uploaded += await store.filter(owner=owner, created_at__gte=since).count()
    if uploaded >= quota:
        raise UploadQuotaReached(
            N_("At most {quota} uploads a day; try again tomorrow."), retry_after=3600, quota=quota
        )
