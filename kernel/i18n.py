"""Messages people read, from gettext catalogues: Chinese first, English second.

The source text of a message (its gettext `msgid`) is English; the catalogues under
`locale/<lang>/*.po` give the other languages. Every `.po` file in a language's folder is
read (each area keeps its own file: `errors.po`, `console.po`, …), so streams of work never
edit one file. English needs no catalogue: a message is its own English rendering.

    from kernel.i18n import _, N_
    _("{code} counts at most {limit} time(s) a day", code=..., limit=...)  # now, in the
                                                                        # request's language
    TITLE = N_("No such civility action")   # marked for extraction, translated when shown

The request's language comes from `Accept-Language` (`RequestEdge`, `use_locale`); outside a request
(jobs, notifications) it is the default, Chinese. `pybabel extract -F babel.cfg` finds the
marked strings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DEFAULT_LOCALE = "zh"
SUPPORTED = ("zh", "en")

_current: ContextVar[str] = ContextVar("locale", default=DEFAULT_LOCALE)


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """msgid → translation for one language, from every `.po` file in its folder."""
    messages: dict[str, str] = {}
    folder = LOCALE_DIR / lang
    if not folder.is_dir():
        return messages
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if isinstance(message.id, str) and message.id and message.string:
                    if message.fuzzy:
                        continue
                    messages[message.id] = str(message.string)
    return messages


def current_locale() -> str:
    return _current.get()


def set_locale(lang: str) -> None:
    _current.set(lang if lang in SUPPORTED else DEFAULT_LOCALE)


def translate(message: str, lang: str | None = None, **params: Any) -> str:
    """`message` in `lang` (default: the request's), with `{name}` fields filled in."""
    lang = lang or _current.get()
    text = message if lang == "en" else catalogue(lang).get(message, message)
    return text.format(**params) if params else text


def _(message: str, **params: Any) -> str:
    return translate(message, None, **params)


def N_(message: str) -> str:
    """Marks a message for extraction without translating it yet."""
    return message


UNKNOWN = N_("Unknown")


class Named:
    """A code (a status, a role) as a message's field: shown by its name from `names` in the
    reader's language when the message is written, never as the raw code.

        raise NotHeld(N_("The redemption is {status} already."), status=Named(code, STATUSES))
    """

    def __init__(self, code: str, names: Mapping[str, str]) -> None:
        self.code, self.names = code, names

    def __format__(self, spec: str) -> str:
        return translate(self.names.get(self.code, UNKNOWN))

    def __str__(self) -> str:
        return self.__format__("")


class NamedList(Named):
    """Several codes, by their names, separated as the reader's language separates them."""

    def __init__(self, codes: tuple[str, ...], names: Mapping[str, str]) -> None:
        self.codes, self.names = codes, names

    def __format__(self, spec: str) -> str:
        separator = ", " if current_locale() == "en" else "、"
        return separator.join(translate(self.names.get(c, UNKNOWN)) for c in self.codes)


@lru_cache(maxsize=512)
def negotiate(accept_language: str | None) -> str:
    """The supported language the client prefers most; Chinese when it names none of ours.
    Remembered per header (clients send the same few), the most recently used first."""
    if not accept_language:
        return DEFAULT_LOCALE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            ranked.append((-quality, position, tag.strip()))
    for negative_quality, _position, tag in sorted(ranked):
        if negative_quality >= 0:
            continue
        try:
            language = Locale.parse(tag.replace("-", "_")).language
        except (ValueError, UnknownLocaleError):
            continue
        if language in SUPPORTED:
            return language
    return DEFAULT_LOCALE


@contextmanager
def use_locale(lang: str) -> Iterator[None]:
    """The language of what runs inside (a request's: `kernel.middleware.RequestEdge` sets it
    from `Accept-Language`)."""
    token = _current.set(lang if lang in SUPPORTED else DEFAULT_LOCALE)
    try:
        yield
    finally:
        _current.reset(token)
