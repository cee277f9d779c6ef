"""Staff passwords, hashed with argon2id off the event loop, a bounded number at a time."""

from __future__ import annotations

import asyncio
import weakref

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kernel.settings import get_settings

_hasher = PasswordHasher()
# Verified when the username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a password of anyone")
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _argon2_slots() -> asyncio.Semaphore:
    """Argon2 costs ~0.3 s of a core and 64 MB: more at once than cores only queues in threads."""
    loop = asyncio.get_running_loop()
    if loop not in _slots:
        _slots[loop] = asyncio.Semaphore(get_settings().password_hash_concurrency)
    return _slots[loop]


async def hash_password(password: str) -> str:
    async with _argon2_slots():
        return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    async with _argon2_slots():
        try:
            hashed = password_hash or _DUMMY_HASH
            matches = await asyncio.to_thread(_hasher.verify, hashed, password)
        except (VerificationError, InvalidHashError):
            return False
    return matches and password_hash is not None
