"""Login rate limits and request budgets, counted in the database so every replica sees the
same failures and the same requests.

Staff password failures are counted per (account, client address) and per client address,
never per account alone: guessing from one place is stopped, and nobody elsewhere can lock a
victim out by failing on purpose. WeChat login codes are WeChat's (single-use, unguessable):
there is no account to guess, and one address may be a whole carrier's NAT, so an address
is never locked out of WeChat logins. Past a budget of failures its logins must carry a
proof of work, which a resident's phone solves in a moment and which makes every further
guess cost the guesser (docs/security.md, "WeChat logins behind a shared address")."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import math
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.queryset import QuerySet

from kernel import localtime
from kernel.errors import RateLimited
from kernel.i18n import N_
from kernel.keys import get_keyring
from kernel.models import LoginFailure
from kernel.settings import get_settings
from kernel.sql import db_time, execute, query_rows
from kernel.wechat import WeChatLoginFailed

TOO_MANY = N_("Too many failed logins; wait before trying again.")
_in_flight: Counter[str] = Counter()
# A failed WeChat login is recorded under its code's hash: the address's WeChat failures are
# these rows, and a code refused once is refused again without asking WeChat.
WECHAT_CODE = "wechat-code:"


async def ensure_login_allowed(account: str, address: str) -> None:
    """A staff password login: the (account, address) and address budgets of failures."""
    settings = get_settings()
    since = _window_start()
    password_failures = LoginFailure.filter(at__gte=since).exclude(account__startswith=WECHAT_CODE)
    budgets = [
        (password_failures.filter(address=address), settings.login_max_attempts_per_address),
        (password_failures.filter(account=account, address=address), settings.login_max_failures),
    ]
    for recent, limit in budgets:
        if await recent.count() >= limit:
            raise RateLimited(TOO_MANY, retry_after=await _retry_after(recent, since))


async def record_login_failure(account: str, address: str) -> None:
    await LoginFailure.create(account=account, address=address)


def _window_start() -> datetime:
    return datetime.now(UTC) - timedelta(seconds=get_settings().login_window_seconds)


async def _retry_after(recent: QuerySet[LoginFailure], since: datetime) -> int:
    """Seconds until the oldest failure of `recent` leaves the window."""
    oldest = await recent.order_by("at").first()
    assert oldest is not None
    return int((oldest.at - since).total_seconds()) + 1


# --- WeChat logins -------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginProof:
    """A solved challenge: `nonce` such that sha256("<challenge>:<code>:<nonce>") begins with
    the challenge's number of zero bits."""

    challenge: str
    nonce: str


class LoginProofRequired(RateLimited):
    code, title = "login_proof_required", N_("Many logins from this address failed")

    def __init__(self, *, challenge: str, difficulty: int, retry_after: int) -> None:
        super().__init__(
            N_(
                "Many WeChat logins from this address failed: send the login again with the "
                "proof of work for this challenge ({difficulty} bits), or wait."
            ),
            retry_after=retry_after,
            difficulty=difficulty,
        )
        self.challenge, self.difficulty = challenge, difficulty

    def body(self) -> dict[str, Any]:
        return {**super().body(), "challenge": self.challenge, "difficulty": self.difficulty}


def _code_key(code: str) -> str:
    return WECHAT_CODE + hashlib.sha256(code.encode()).hexdigest()[:40]


def _mac(address: str, payload: str) -> str:
    tag = get_keyring().tag("login-challenge", f"{address}|{payload}")[:16]
    return base64.urlsafe_b64encode(tag).decode().rstrip("=")


def login_challenge(address: str, difficulty: int) -> str:
    """`<issued at>.<bits>.<random>.<MAC>`: signed, so only the service makes them, and bound
    to the address it was given to."""
    payload = f"{int(datetime.now(UTC).timestamp())}.{difficulty}.{secrets.token_urlsafe(9)}"
    return f"{payload}.{_mac(address, payload)}"


def zero_bits(digest: bytes) -> int:
    return len(digest) * 8 - int.from_bytes(digest, "big").bit_length()


def _proof_holds(proof: LoginProof, code: str, address: str, difficulty: int) -> bool:
    parts = proof.challenge.split(".")
    if len(parts) != 4 or not (parts[0].isdigit() and parts[1].isdigit()):
        return False
    issued, bits, _random, mac = parts
    if not hmac.compare_digest(mac, _mac(address, ".".join(parts[:3]))):
        return False
    age = datetime.now(UTC).timestamp() - int(issued)
    if not 0 <= age <= get_settings().wechat_login_proof_seconds or int(bits) < difficulty:
        return False
    digest = hashlib.sha256(f"{proof.challenge}:{code}:{proof.nonce}".encode()).digest()
    return zero_bits(digest) >= int(bits)


async def ensure_wechat_login_allowed(code: str, address: str, proof: LoginProof | None) -> None:
    """A code WeChat refused before is refused again without asking WeChat. An address with
    fewer failed WeChat logins than its budget in the window logs in freely; past it, each
    login carries a proof of work, its difficulty growing a bit with every further budget's
    worth of failures (up to a cap): a resident behind the same NAT pays a moment of their
    phone's time, a guesser pays for every guess."""
    settings = get_settings()
    since = _window_start()
    if await LoginFailure.exists(account=_code_key(code), at__gte=since):
        raise WeChatLoginFailed(N_("This login code was refused already; get a new one."))
    recent = LoginFailure.filter(address=address, account__startswith=WECHAT_CODE, at__gte=since)
    budget = settings.wechat_login_free_failures
    failures = await recent.count()
    if failures < budget:
        return
    difficulty = min(
        settings.wechat_login_proof_max_bits,
        settings.wechat_login_proof_bits + (failures - budget) // budget,
    )
    if proof is not None and _proof_holds(proof, code, address, difficulty):
        return
    raise LoginProofRequired(
        challenge=login_challenge(address, difficulty),
        difficulty=difficulty,
        retry_after=await _retry_after(recent, since),
    )


async def record_wechat_login_failure(code: str, address: str) -> None:
    await LoginFailure.create(account=_code_key(code), address=address)


async def clear_login_failures(account: str, address: str) -> None:
    """A right password from an address forgets that address's failures for the account."""
    await LoginFailure.filter(account=account, address=address).delete()


REAL_NAME_TOO_MANY = N_(
    "Too many refused real-name attempts today; try again tomorrow or ask your community office."
)


def _real_name_key(resident_id: str) -> str:
    return f"real-name:{resident_id}"


async def ensure_real_name_attempt_allowed(resident_id: str) -> None:
    """A resident may be refused a real-name verification (a wrong check digit, a number
    bound to another account) `real_name_failures_per_day` times in 24 hours: enough for
    typing mistakes, too few to probe whose ID numbers are registered."""
    since = datetime.now(UTC) - timedelta(days=1)
    recent = LoginFailure.filter(account=_real_name_key(resident_id), at__gte=since)
    if await recent.count() >= get_settings().real_name_failures_per_day:
        oldest = await recent.order_by("at").first()
        assert oldest is not None
        retry_after = int((oldest.at - since).total_seconds()) + 1
        raise RateLimited(REAL_NAME_TOO_MANY, retry_after=retry_after)


async def record_real_name_refusal(resident_id: str) -> None:
    await LoginFailure.create(account=_real_name_key(resident_id), address="")


@contextlib.asynccontextmanager
async def password_attempt(address: str) -> AsyncIterator[None]:
    """One password check at a time per client address in this process: a flood of parallel
    guesses from one address is refused at once instead of queueing for argon2 in front of
    everyone else's logins."""
    if _in_flight[address] >= get_settings().login_concurrent_per_address:
        raise RateLimited(N_("A login from this address is already being checked."), retry_after=1)
    _in_flight[address] += 1
    try:
        yield
    finally:
        _in_flight[address] -= 1
        if not _in_flight[address]:
            del _in_flight[address]


# --- request budgets -----------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A fixed window a budget is counted in: its kind (`minute`, `day`), its start's label
    and its end."""

    kind: str
    label: str
    ends_at: datetime

    @property
    def span(self) -> str:
        return f"{self.kind}:{self.label}"


def minute_window(now: datetime) -> Window:
    """The clock minute of `now`."""
    start = now.astimezone(UTC).replace(second=0, microsecond=0)
    return Window("minute", f"{start:%Y%m%d%H%M}", start + timedelta(minutes=1))


def day_window(now: datetime) -> Window:
    """The city's calendar day of `now`: a daily budget starts afresh at local midnight."""
    day = localtime.local_date(now)
    return Window("day", day.isoformat(), localtime.start_of(day + timedelta(days=1)))


@dataclass(frozen=True)
class Overdrawn:
    """The budget a request goes past: its window, its limit, and how long until it ends."""

    window: Window
    limit: int
    retry_after: int


_SPEND = (
    "INSERT INTO request_count (subject, span, ends_at, used) "
    "VALUES (:subject, :span, :ends_at, 1) "
    "ON CONFLICT (subject, span) DO UPDATE SET used = request_count.used + 1 RETURNING used"
)
_FORGET = "DELETE FROM request_count WHERE subject = :subject AND ends_at < :now"


async def spend(subject: str, budgets: Sequence[tuple[Window, int]]) -> Overdrawn | None:
    """Counts one request of `subject` in each budget's window and answers the budget it goes
    past (the one that ends last), if any. The counts are written in the caller's transaction,
    so a caller refusing the request raises and the refused request is not counted (nor is
    anything else written). On PostgreSQL the subject's requests take turns on their window's
    row until they commit: the count is exact whichever replica answers."""
    now = datetime.now(UTC)
    overdrawn: list[Overdrawn] = []
    for window, limit in budgets:
        values = {"subject": subject, "span": window.span, "ends_at": db_time(window.ends_at)}
        used = int((await query_rows(_SPEND, values))[0]["used"])
        if used == 1:  # a new window: the subject's windows that ended go
            await execute(_FORGET, {"subject": subject, "now": db_time(now)})
        if used > limit:
            wait = math.ceil((window.ends_at - now).total_seconds())
            overdrawn.append(Overdrawn(window, limit, wait))
    return max(overdrawn, key=lambda o: o.retry_after, default=None)


async def spend_in_minute_and_day(subject: str, per_minute: int, per_day: int) -> Overdrawn | None:
    """`spend` against a budget of the clock minute and one of the city's day (Beijing)."""
    now = datetime.now(UTC)
    return await spend(subject, [(minute_window(now), per_minute), (day_window(now), per_day)])
