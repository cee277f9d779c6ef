"""No list, page, export or dashboard figure shows another community's or district's rows.

The walker plants recognisable rows in community c1 of district d1 (their texts and the
residents' nicknames carry `MARKER`) through the API, as `test_scope_matrix` does, then reads,
as each outsider below, every list operation of the OpenAPI document (every GET without a path
parameter) and every console page (from the app's routes; a page taking an id is given the
planted object's id). A list or page must not show the marker; a page taking an id answers 404
(403 for a role it refuses); a dashboard, the home page and the exports (`FIGURES`) answer the
same before the rows were planted and after. An operation or page missing from `LISTS` or
`PAGES` fails the test, so a new one is classified when it is added."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.routing import Mount, Route

from app.main import all_endpoints
from kernel.db import transaction
from tests.conftest import Actor, World
from tests.moralbank_partners.scope_objects import mark_partner_rows
from tests.security import assessment_scope_cases
from tests.security.console_session import console_client
from tests.security.test_scope_matrix import _objects, _outsiders

MARKER = "MARK7Q"
# The district's own business (checklists) carries another marker: its staff read it.
DISTRICT_MARKER = "DMARK9"
DISTRICT_STAFF = ("worker_of_other_community", "evaluator_not_assigned")
SHANGHAI = ZoneInfo("Asia/Shanghai")
DISTRICT_WIDE_ACTIVITIES = "an activity is open to every resident of its district"
DISTRICT_WIDE_LISTS = "red/black lists are the business of all the district's staff"
DISTRICT_CAMPAIGN = "a district's campaign is followed by all its staff (their own communities)"
DISTRICT_QUIZ_BANK = "a district's question bank is its workers' to read"


@dataclass(frozen=True)
class Case:
    """How to read one list or page: its query string; `sees` names the outsiders that see
    the planted rows by design, with the reason; `district_figures` the parts of a figure
    answer (JSON keys, table ids) that are the district's business, which its staff of another
    community see change, with the reason."""

    query: dict[str, str] = field(default_factory=dict)
    sees: dict[str, str] = field(default_factory=dict)
    district_figures: dict[str, str] = field(default_factory=dict)


# Every GET operation of the OpenAPI document without a path parameter.
LISTS: dict[str, Case] = {
    "/api/v1/me": Case(),
    "/api/v1/me/notifications": Case(),
    "/api/v1/onboarding/communities": Case(),
    "/api/v1/districts/open": Case(),
    "/api/v1/districts": Case(),
    "/api/v1/staff": Case(),
    "/api/v1/jobs": Case(),
    "/api/v1/actions": Case(),
    "/api/v1/activities": Case(sees={"resident_of_other_community": DISTRICT_WIDE_ACTIVITIES}),
    "/api/v1/me/enrollments": Case(),
    "/api/v1/me/attendances": Case(),
    "/api/v1/deeds": Case(),
    "/api/v1/me/filings": Case(),
    "/api/v1/filings": Case(),
    "/api/v1/me/summary": Case(),
    "/api/v1/me/service-records": Case(),
    "/api/v1/me/corrections": Case(),
    "/api/v1/corrections": Case(),
    "/api/v1/me/certificates": Case(),
    "/api/v1/rewards": Case(),
    "/api/v1/me/redemptions": Case(),
    "/api/v1/redemptions": Case(),
    "/api/v1/credits/adjustments": Case(),
    "/api/v1/me/credits": Case(),
    "/api/v1/me/credits/transactions": Case(),
    "/api/v1/badges": Case(),
    "/api/v1/me/badges": Case(),
    "/api/v1/badge-awards": Case(),
    "/issuers": Case(),
    "/api/v1/me/badges/progress": Case(),
    "/api/v1/oversight/checklists": Case(),
    "/api/v1/oversight/inspections": Case(),
    "/api/v1/oversight/scores": Case(query={"period": "2020Q1"}),
    "/api/v1/oversight/lists": Case(),
    "/api/v1/oversight/list-entries": Case(sees={"worker_of_other_community": DISTRICT_WIDE_LISTS}),
    "/api/v1/oversight/objections": Case(sees={"worker_of_other_community": DISTRICT_WIDE_LISTS}),
    "/api/v1/oversight/repairs": Case(sees={"worker_of_other_community": DISTRICT_WIDE_LISTS}),
    "/api/v1/oversight/dashboard": Case(district_figures={"list_movement": DISTRICT_WIDE_LISTS}),
    "/api/v1/oversight/tasks": Case(),
    "/api/v1/oversight/notices": Case(),
    "/api/v1/oversight/reports": Case(),
    "/api/v1/oversight/rules": Case(),
    "/api/v1/oversight/categories": Case(),
    "/api/v1/oversight/units": Case(),
    "/api/v1/oversight/units/import-template": Case(query={"format": "csv"}),
    "/api/v1/households": Case(),
    "/api/v1/me/household": Case(),
    "/api/v1/green-cards": Case(),
    "/api/v1/me/green-cards": Case(),
    "/api/v1/campaigns": Case(),
    "/api/v1/quiz/questions": Case(sees={"worker_of_other_community": DISTRICT_QUIZ_BANK}),
    "/api/v1/quiz/questions/import-template": Case(query={"format": "csv"}),
    "/api/v1/me/quiz/attempts": Case(),
    "/api/v1/quiz/specials": Case(),
    "/api/v1/quiz/stats": Case(),
    "/api/v1/partners": Case(),
    "/api/v1/green-card-merchants": Case(),
    "/api/v1/me/green-card-merchants": Case(),
    "/api/v1/me/household/partners": Case(
        sees={"resident_of_other_community": "a district's partner banks are offered to all"}
    ),
    "/api/v1/me/household/consents": Case(),
    "/api/v1/me/household/partner-queries": Case(),
    "/api/v1/events": Case(),
}
LISTS.update(assessment_scope_cases.lists(Case))


def _period() -> dict[str, str]:
    """A period that is not the dashboards' default: computed live, never a kept snapshot."""
    today = datetime.now(SHANGHAI).date()
    return {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()}


# Every GET page of the console (paths under /console); `{id}` is filled with `IDS[path]`.
PAGES: dict[str, Case] = {
    "/": Case(),
    "/activities": Case(),
    "/activities/new": Case(),
    "/activities/{id}": Case(),
    "/activities/{id}/edit": Case(),
    "/activities/{id}/checkin": Case(),
    # The check-in screen answers only the browser holding that activity's screen credential.
    "/screen/{id}": Case(),
    "/screen/{id}/code": Case(),
    "/sessions": Case(),
    "/uploads/{id}": Case(),
    "/deeds": Case(),
    "/deeds/attest": Case(),
    "/corrections": Case(),
    "/handover": Case(),
    "/dashboard": Case(query=_period()),
    "/exports": Case(),
    "/exports/{kind}": Case(query={**_period(), "format": "csv"}),
    "/settings": Case(),
    "/staff": Case(),
    "/rewards": Case(),
    "/badges": Case(),
    "/honour-roll": Case(),
    "/jobs": Case(),
    "/oversight/photos/{id}": Case(),
    "/oversight/reports": Case(),
    "/oversight/units": Case(),
    "/oversight/units/import-template": Case(query={"format": "csv"}),
    "/oversight/units/{id}/record": Case(),
    "/oversight/units/{id}/record/export": Case(),
    "/oversight/checklists": Case(),
    "/oversight/inspections": Case(),
    "/oversight/inspections/{id}": Case(),
    "/oversight/tasks": Case(),
    "/oversight/tasks/{id}": Case(),
    "/oversight/my-unit": Case(),
    "/oversight/lists": Case(),
    "/oversight/lists/preview": Case(sees={"worker_of_other_community": DISTRICT_WIDE_LISTS}),
    "/oversight/lists/{id}": Case(sees={"worker_of_other_community": DISTRICT_WIDE_LISTS}),
    "/quiz/questions": Case(sees={"worker_of_other_community": DISTRICT_QUIZ_BANK}),
    "/quiz/questions/import-template": Case(query={"format": "csv"}),
    "/quiz/specials": Case(),
    "/quiz/stats": Case(),
    "/oversight/dashboard": Case(district_figures={"movement-table": DISTRICT_WIDE_LISTS}),
    "/households": Case(),
    "/households/{id}": Case(),
    "/moral-bank/green-cards": Case(),
    "/moral-bank/green-cards/{id}": Case(),
    "/campaigns": Case(),
    "/campaigns/{id}": Case(sees={"worker_of_other_community": DISTRICT_CAMPAIGN}),
    "/campaigns/{id}/export": Case(sees={"worker_of_other_community": DISTRICT_CAMPAIGN}),
    "/event-zones/{id}/gate": Case(sees={"worker_of_other_community": DISTRICT_CAMPAIGN}),
    "/moral-bank/partners": Case(),
    "/moral-bank/merchants": Case(),
    "/moral-bank/merchants/{id}": Case(),
    "/moral-bank/partners/{id}": Case(),
    "/moral-bank/partners/{id}/queries": Case(),
}
# The planted object each page taking an id is given (by the name `_objects` knows it by).
PAGE_IDS = {
    "/activities/{id}": "activity_id",
    "/activities/{id}/edit": "activity_id",
    "/activities/{id}/checkin": "activity_id",
    "/screen/{id}": "activity_id",
    "/screen/{id}/code": "activity_id",
    "/uploads/{id}": "upload_id",
    "/oversight/photos/{id}": "report_photo_id",
    "/oversight/units/{id}/record": "unit_id",
    "/oversight/units/{id}/record/export": "unit_id",
    "/oversight/inspections/{id}": "inspection_id",
    "/oversight/tasks/{id}": "task_id",
    "/oversight/lists/{id}": "list_id",
    "/households/{id}": "household_id",
    "/moral-bank/green-cards/{id}": "card_id",
    "/campaigns/{id}": "campaign_id",
    "/campaigns/{id}/export": "campaign_id",
    "/event-zones/{id}/gate": "zone_id",
    "/moral-bank/partners/{id}": "partner_id",
    "/moral-bank/partners/{id}/queries": "partner_id",
    "/moral-bank/merchants/{id}": "merchant_id",
}
PAGES.update(assessment_scope_cases.pages(Case))
PAGE_IDS.update(assessment_scope_cases.PAGE_IDS)
EXPORT_KINDS = ("service-records", "attendances", "deeds", "ledger")
# Answers of figures: the same before and after the rows were planted.
FIGURES = {
    "/api/v1/oversight/dashboard",
    "/api/v1/me/summary",
    "/",
    "/dashboard",
    "/exports/{kind}",
    "/oversight/dashboard",
}
# Outsiders of c1 (`test_scope_matrix._outsiders`, and a resident of c2).
API_OUTSIDERS = (
    "resident_of_other_community",
    "resident_of_other_district",
    "worker_of_other_community",
    "worker_of_other_district",
    "staff_of_another_unit",
    "admin_of_other_district",
    "evaluator_not_assigned",
)
CONSOLE_LOGINS = {
    "worker_of_other_community": ("c2-worker", "staff-password-123"),
    "staff_of_another_unit": ("c2-shop", "unit-password-123"),
    "admin_of_other_district": ("d2-admin", "staff-password-123"),
    "evaluator_not_assigned": ("d1-evaluator", "staff-password-123"),
}


def _list_operations(document: dict[str, Any]) -> list[str]:
    return [
        path
        for path, operations in document["paths"].items()
        if "{" not in path and "get" in operations
    ]


def _console_pages(app: Any) -> list[str]:
    console = next(r for r in app.routes if isinstance(r, Mount) and r.path == "/console")
    return [
        route.path
        for route in console.routes
        if isinstance(route, Route) and "GET" in (route.methods or ()) and route.path != "/login"
    ]


def _normalised(text: str) -> str:
    """A page without what changes from one request to the next (tokens, nonces)."""
    return re.sub(r'(csrf|nonce|value)="[^"]*"', "", text)


def _figure_parts(status: int, text: str) -> dict[str, str]:
    """A figure answer by its parts: a JSON object's keys, a page's tables (by id: each chart
    has its numbers as a table), or the whole answer."""
    if text.startswith("{"):
        return {key: json.dumps(value) for key, value in json.loads(text).items()}
    tables = re.findall(r'<table id="([^"]+)".*?</table>', text, flags=re.S)
    if tables:
        return {
            m.group(1): m.group(0)
            for m in re.finditer(r'<table id="([^"]+)".*?</table>', text, flags=re.S)
        }
    return {"": f"{status} {_normalised(text)}"}


def _page_urls(path: str, ids: dict[str, str]) -> list[str]:
    if path == "/exports/{kind}":
        return [f"/console/exports/{kind}" for kind in EXPORT_KINDS]
    if "{id}" in path:
        return ["/console" + path.replace("{id}", ids[PAGE_IDS[path]])]
    return ["/console" + path]


def _shown(name: str, what: str, text: str, case: Case) -> list[str]:
    """What of the planted rows an answer shows that the outsider should not see."""
    found = []
    if MARKER in text and name not in case.sees:
        found.append(f"{name} {what} shows a planted row of c1")
    if DISTRICT_MARKER in text and name not in DISTRICT_STAFF:
        found.append(f"{name} {what} shows the business of d1")
    return found


async def _mark(world: World) -> None:
    """Tags the texts of c1's rows: the residents' nicknames, titles, descriptions, names."""
    from accounts.models import Household, Resident, Staff
    from activities.models import Activity, Correction, Deed, EventFiling
    from credits.models import Reward
    from oversight.models import Checklist, ProblemReport, RectificationTask, Unit
    from quiz.models import QuestionVersion

    c1, d1 = world.community_id, world.district_id
    async with transaction():
        await Resident.filter(community_id=c1).update(nickname=f"居民{MARKER}")
        await Staff.filter(id=world.worker.id).update(display_name=f"社工{MARKER}")
        await Activity.filter(community_id=c1).update(title=f"活动{MARKER}")
        await Reward.filter(district_id=d1).update(title=f"奖品{MARKER}")
        await Deed.filter(community_id=c1).update(description=f"好事{MARKER}")
        await Correction.filter(community_id=c1).update(reason=f"更正{MARKER}")
        await EventFiling.filter(community_id=c1).update(description=f"报备{MARKER}")
        await ProblemReport.filter(community_id=c1).update(description=f"问题{MARKER}")
        await RectificationTask.filter(community_id=c1).update(instructions=f"整改{MARKER}")
        await Unit.filter(community_id=c1).update(name=f"单位{MARKER}")
        await Checklist.filter(district_id=d1).update(name=f"清单{DISTRICT_MARKER}")
        await Household.filter(community_id=c1).update(name=f"家庭{MARKER}")
        await assessment_scope_cases.mark(world, MARKER)
        await mark_partner_rows(world, MARKER)
        await QuestionVersion.filter(district_id=d1).update(text=f"题目{MARKER}")


async def _report_photo(world: World, ids: dict[str, str]) -> str:
    """A photo the resident attached to a report of c1 (the report the walker reads)."""
    from tests.oversight.conftest import PNG

    photo = await world.resident.client.post(
        "/api/v1/oversight/photos", files={"file": ("p.png", PNG, "image/png")}
    )
    assert photo.status_code == 201, photo.text
    report = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={
            "category": "litter",
            "description": "垃圾",
            "unit": ids["unit_id"],
            "photos": [photo.json()["id"]],
        },
    )
    assert report.status_code == 201, report.text
    return str(photo.json()["id"])


async def _figures(
    document: dict[str, Any], outsiders: dict[str, Actor], app: Any
) -> dict[tuple[str, str, str], str]:
    """Every part of every figure answer, per outsider, URL and part; parts that are the
    district's business (`Case.district_figures`) are left out for its staff."""
    answers: dict[tuple[str, str, str], str] = {}

    def keep(name: str, url: str, case: Case, status: int, text: str) -> None:
        for part, value in _figure_parts(status, text).items():
            if not (name in DISTRICT_STAFF and part in case.district_figures):
                answers[name, url, part] = value

    for path in _list_operations(document):
        if path in FIGURES:
            for name in API_OUTSIDERS:
                got = await outsiders[name].client.get(path, params=LISTS[path].query)
                keep(name, path, LISTS[path], got.status_code, got.text)
    for name, (username, password) in CONSOLE_LOGINS.items():
        async with console_client(app, username, password) as client:
            for path in PAGES:
                if path in FIGURES:
                    for url in _page_urls(path, {}):
                        got = await client.get(url, params=PAGES[path].query)
                        keep(name, url, PAGES[path], got.status_code, got.text)
    return answers


async def test_every_list_and_page_is_classified(app, client):
    document = (await client.get("/openapi.json")).json()
    assert sorted(set(_list_operations(document)) - set(LISTS)) == [], "add these to LISTS"
    assert sorted(set(LISTS) - set(_list_operations(document))) == []
    pages = _console_pages(app)
    assert sorted(set(pages) - set(PAGES)) == [], "add these to PAGES"
    assert sorted(set(PAGES) - set(pages)) == []
    assert sorted(p for p in pages if "{id}" in p) == sorted(PAGE_IDS)


async def test_no_list_page_export_or_figure_shows_another_places_rows(world, client, app):
    document = (await client.get("/openapi.json")).json()
    roles = {(e.method, e.path): e.roles for e in all_endpoints()}
    outsiders = await _outsiders(world)
    outsiders["resident_of_other_community"] = await world.new_resident("o-c2", "d1/c2")
    before = await _figures(document, outsiders, app)
    objects = await _objects(world)
    ids = {**objects.ids, "report_photo_id": await _report_photo(world, objects.ids)}
    await _mark(world)
    leaks: list[str] = []
    for path in _list_operations(document):
        case = LISTS[path]
        admitted = roles.get(("GET", path))
        for name in API_OUTSIDERS:
            got = await outsiders[name].client.get(path, params=case.query)
            role = outsiders[name].role
            if admitted is not None and role not in admitted:
                if got.status_code != 403:
                    leaks.append(f"{name} GET {path}: {got.status_code}, not 403")
                continue
            if got.status_code != 200:
                leaks.append(f"{name} GET {path}: {got.status_code} {got.text[:200]}")
            else:
                leaks += _shown(name, f"GET {path}", got.text, case)
    for name, (username, password) in CONSOLE_LOGINS.items():
        async with console_client(app, username, password) as browser:
            for path, case in PAGES.items():
                for url in _page_urls(path, ids):
                    got = await browser.get(url, params=case.query)
                    if got.status_code >= 500:
                        leaks.append(f"{name} {url}: {got.status_code}")
                    elif name in case.sees:
                        continue
                    elif "{id}" in path and got.status_code not in (403, 404):
                        leaks.append(f"{name} {url}: {got.status_code}, not 404")
                    else:
                        leaks += _shown(name, url, got.text, case)
    after = await _figures(document, outsiders, app)
    for (name, url, part), answer in after.items():
        if answer != before.get((name, url, part)):
            leaks.append(f"{name} {url} {part}: a figure changed when c1's rows were planted")
    assert leaks == [], "\n".join(leaks)
