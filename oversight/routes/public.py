"""The oversight dashboard, and the public red/black lists (API and page)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse

from accounts.models import District
from kernel import localtime
from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Principal
from kernel.errors import NotFound
from kernel.i18n import N_, _
from oversight import dashboard as figures
from oversight import lists
from oversight.models import REASON_NAMES, UNIT_TYPE_NAMES
from oversight.routes._shared import api
from oversight.schemas import (
    DashboardOut,
    DashboardQuery,
    PublicListOut,
    PublicQuery,
)

# --- dashboard and the public list ---------------------------------------------------------

_templates = Environment(
    loader=PackageLoader("oversight", "templates"), autoescape=select_autoescape(["html"])
)


@api.get(
    "/api/v1/oversight/dashboard",
    roles=STAFF,
    query=DashboardQuery,
    response=DashboardOut,
    errors=(),
)
async def dashboard(who: Principal, query: DashboardQuery) -> dict[str, Any]:
    """Open problems by category and community, rectification on time, scores, list movement."""
    since = None
    if query.since is not None:
        since = localtime.start_of(query.since)
    return await figures.dashboard(who, since=since)


async def _public(district_code: str, query: PublicQuery) -> dict[str, Any]:
    district = await District.get_or_none(code=district_code)
    if district is None:
        raise NotFound(N_("No such district."))
    items = await lists.public_lists(district.id, now=datetime.now(UTC))
    if query.type:
        items = [i for i in items if i["unit_type"] == query.type]
    if query.colour:
        items = [i for i in items if i["colour"] == query.colour]
    return {"district": district.name, "items": items}


@api.get(
    "/api/v1/public/oversight/{district_code}/lists",
    auth=False,
    query=PublicQuery,
    response=PublicListOut,
    errors=(NotFound,),
)
async def public_lists(district_code: str, query: PublicQuery) -> dict[str, Any]:
    """The published red/black lists in force: unit name, type, community, period, reason."""
    return await _public(district_code, query)


@api.get(
    "/public/oversight/{district_code}",
    auth=False,
    query=PublicQuery,
    media_type="text/html",
    errors=(NotFound,),
)
async def public_page(district_code: str, query: PublicQuery) -> HTMLResponse:
    """The public page of the red/black lists."""
    data = await _public(district_code, query)
    template = _templates.get_template("public_lists.html")
    labels = {
        "title": _("Red and black lists"),
        "unit": _("Unit"),
        "type": _("Type"),
        "community": _("Community"),
        "period": _("Period"),
        "reason": _("Reason"),
        "red": _("Red list"),
        "black": _("Black list"),
        "empty": _("Nothing is published at present."),
    }
    return HTMLResponse(
        template.render(
            district=data["district"],
            red=[i for i in data["items"] if i["colour"] == "red"],
            black=[i for i in data["items"] if i["colour"] == "black"],
            labels=labels,
            display=_display,
            period=localtime.period_name,
        )
    )


DISPLAY_NAMES = {**UNIT_TYPE_NAMES, **REASON_NAMES}


def _display(value: str) -> str:
    return _(DISPLAY_NAMES.get(value, value))
