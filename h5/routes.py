"""The resident's web pages, mounted at /h5: each a server-rendered page of labels and empty
templates, filled by its script from the JSON API with the resident's access token. The
mini-program hands the token over in the address's fragment (`#access_token=…`), which the
browser never sends: it reaches no server, proxy or log (docs/moral-bank-partners.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from kernel import localtime
from kernel.i18n import N_, current_locale, translate
from kernel.pages import page_environment
from kernel.settings import get_settings
from moralbank import consents
from moralbank.partner_errors import PARTNER_QUERY_OUTCOMES

HERE = Path(__file__).parent
# Only this service's script, style and API; nothing inline, no form the browser posts by
# itself (the script sends them), never framed (the web-view opens the page, it does not
# frame it). The address holds the token for a moment: no referrer, no cache, no index.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Robots-Tag": "noindex",
}
# What the script shows by a code of the API: a consent's state (a partner's answer:
# `PARTNER_QUERY_OUTCOMES`).
CONSENT_STATES = {
    "live": N_("In force"),
    "expired": N_("Lapsed"),
    "withdrawn": N_("Withdrawn by the household"),
}
# What the script says when it cannot show the household.
MESSAGES = {
    "no_token": N_(
        "We could not tell who you are. Please open this page again from the mini-program."
    ),
    "expired": N_("Your sign-in has expired. Please open this page again from the mini-program."),
    "not_resident": N_("This page is for residents. Please open it again from the mini-program."),
    "offline": N_("The network is not answering. Please try again later."),
    "failed": N_("Something went wrong. Please try again later."),
    "choose_purpose": N_("Choose what the bank may use it for."),
    "choose_until": N_("Choose the last day of the consent, at most a year from today."),
    "agree_first": N_("Tick the box to say you have read this and consent separately."),
    "given": N_("Consent given."),
    "withdrawn": N_("Consent withdrawn."),
    "no_contact": N_(
        "Not given yet: the district has not entered the bank's contact. Ask your community "
        "before you consent."
    ),
}


ENV = page_environment(HERE / "templates")


def render(template: str, **context: Any) -> HTMLResponse:
    lang = "en" if current_locale() == "en" else "zh-CN"
    page = ENV.get_template(template).render(lang=lang, **context)
    return HTMLResponse(page, headers=PAGE_HEADERS)


def _names(codes: dict[str, str]) -> dict[str, str]:
    return {code: translate(name) for code, name in codes.items()}


async def household_consents(request: Request) -> HTMLResponse:
    """The household's consents to the district's partner banks (PIPL art. 23): each bank's
    terms and the household's place in them, the consents given, the separate consent to
    give one (the head), withdrawal, and who asked about the household."""
    today = localtime.today()
    latest: date = today + consents.LONGEST
    return render(
        "household_consents.html",
        purposes=_names(consents.PURPOSES),
        today=today.isoformat(),
        latest=latest.isoformat(),
        script={
            "zone": get_settings().local_timezone,
            "states": _names(CONSENT_STATES),
            "outcomes": _names(PARTNER_QUERY_OUTCOMES),
            "messages": _names(MESSAGES),
        },
    )


routes: list[BaseRoute] = [
    Route("/household/consents", household_consents, methods=["GET"]),
    Mount("/static", StaticFiles(directory=HERE / "static"), name="h5_static"),
]
