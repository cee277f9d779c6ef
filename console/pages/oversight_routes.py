"""The console's oversight routes, under /console/oversight (added to the console's routes)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from console.pages import oversight as units_and_reports
from console.pages import oversight_lists as lists
from console.pages import oversight_work as work
from console.pages.oversight import DISTRICT, EVERYONE, INSPECTORS, TRIAGE, UNIT
from console.web import Handler, page
from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Role

P = "/oversight"
RECORD_READERS: tuple[Role, ...] = (*STAFF, "unit_staff")
TASK_READERS: tuple[Role, ...] = (*TRIAGE, "platform_admin", "unit_staff")


def _get(path: str, handler: Handler, roles: tuple[Role, ...]) -> Route:
    return Route(P + path, page(handler, roles=roles), methods=["GET"])


def _post(path: str, handler: Handler, roles: tuple[Role, ...]) -> Route:
    return Route(P + path, page(handler, roles=roles), methods=["POST"])


routes: list[BaseRoute] = [
    _get("/photos/{id}", units_and_reports.photo, EVERYONE),
    _get("/reports", units_and_reports.reports_page, (*TRIAGE, "platform_admin")),
    _post("/reports/{id}/{action}", units_and_reports.report_action, TRIAGE),
    _get("/units", units_and_reports.units_page, STAFF),
    _post("/units/import", units_and_reports.import_units, DISTRICT),
    _get("/units/import-template", units_and_reports.import_template, DISTRICT),
    _get("/units/{id}/record", lists.record_page, RECORD_READERS),
    _get("/units/{id}/record/export", lists.record_export, RECORD_READERS),
    _get("/checklists", units_and_reports.checklists_page, STAFF),
    _post("/checklists", units_and_reports.create_checklist, DISTRICT),
    _get("/inspections", work.inspections_page, (*INSPECTORS, "platform_admin")),
    _post("/inspections", work.plan_inspection, TRIAGE),
    _get("/inspections/{id}", work.inspection_detail, (*INSPECTORS, "platform_admin")),
    _post("/inspections/{id}/record", work.record_inspection, INSPECTORS),
    _post("/inspections/{id}/reinspect", work.reinspect, TRIAGE),
    _get("/tasks", work.tasks_page, TASK_READERS),
    _get("/tasks/{id}", work.task_detail, TASK_READERS),
    _post("/tasks/{id}/evidence", work.submit_evidence, (*TRIAGE, "unit_staff")),
    _post("/tasks/{id}/review", work.review_task, TRIAGE),
    _get("/my-unit", work.my_unit, UNIT),
    _post("/entries/{id}/withdrawal", lists.withdraw_entry, DISTRICT),
    _post("/entries/{id}/{kind}", work.appeal, UNIT),
    _get("/lists", lists.lists_page, STAFF),
    _post("/lists/compute", lists.compute, DISTRICT),
    _get("/lists/preview", lists.preview_page, TRIAGE),
    _get("/lists/{id}", lists.list_detail, STAFF),
    _post("/lists/{id}/{action}", lists.list_action, DISTRICT),
    _post("/{kind}/{id}/decision", lists.decide, DISTRICT),
    _get("/dashboard", lists.dashboard_page, STAFF),
]
