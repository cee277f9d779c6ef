"""The page behind the check-in QR's short link (`/c/<code>`), for whoever scans it outside
the mini-program: it says to check in from the mini-program, and links there when a link is
configured. It never uses the code (no check-in, nothing written) and never logs it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from activities.checkin import checkin_code_state
from kernel.http import Api
from kernel.i18n import _, current_locale
from kernel.settings import get_settings

api = Api("activities")
_pages = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parents[1] / "templates"),
    autoescape=select_autoescape(default=True),
)
# The code is in the address: it must not travel on as a referrer nor stay in a cache; the
# page loads nothing and runs nothing.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Robots-Tag": "noindex",
}
_STATUS = {"current": 200, "expired": 410, "invalid": 404}


@api.get(
    "/c/{code}",
    auth=False,
    media_type="text/html",
    pages={
        404: "Not a check-in code of this service (a page saying so)",
        410: "A check-in code past its time (a page saying to scan again)",
    },
)
async def checkin_link_page(code: str) -> HTMLResponse:
    """Public: a check-in QR opened outside the mini-program (WeChat's camera, a phone
    browser). A page in the reader's language saying to check in from the mini-program, with
    a link to it when `CHECKIN_MINIPROGRAM_LINK` is set; 410 when the code is past its time,
    404 when it is not a code of this service. The code is not used."""
    state = checkin_code_state(code)
    settings = get_settings()
    name = settings.miniprogram_name or _("the civility mini-program")
    link = None
    if state == "current":
        heading = _("Check in from the mini-program")
        explanation = _(
            "This is an activity's check-in code. Open {name} in WeChat, tap “Scan to check "
            "in” and scan the code on the organiser's screen: check-in needs your location.",
            name=name,
        )
        if settings.checkin_miniprogram_link:
            link = settings.checkin_miniprogram_link.replace("{code}", quote(code, safe=""))
    elif state == "expired":
        heading = _("This check-in code has changed")
        explanation = _(
            "Check-in codes change every 30 seconds. Open {name} in WeChat and scan the code "
            "on the organiser's screen again.",
            name=name,
        )
    else:
        heading = _("Not a check-in code")
        explanation = _(
            "This link is not a check-in code of this service. Ask the organiser to show the "
            "check-in code, and scan it in {name}.",
            name=name,
        )
    page = _pages.get_template("checkin_link.html").render(
        lang="en" if current_locale() == "en" else "zh-CN",
        heading=heading,
        explanation=explanation,
        link=link,
        link_text=_("Open the mini-program to check in"),
    )
    return HTMLResponse(page, status_code=_STATUS[state], headers=PAGE_HEADERS)
