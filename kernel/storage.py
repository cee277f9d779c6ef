"""Where uploaded images (`kernel/uploads.py`) and certificate PDFs are kept: a small
interface, local disk by default, so an object store can take its place without touching the
rules."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Protocol

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
