"""HTTP endpoints of the accountability domain: thin adapters over its services."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse

from app.accounts.errors import RetroactiveRulesChange, UsernameTaken
from app.accounts.models import Community, District
from app.core import tabular
from app.core.auth import Principal, Role
from app.core.errors import BadRequest, Invalid, NotFound, UnsupportedMediaType
from app.core.http import Api, Page, PageQuery, paginate
from app.core.i18n import N_, _
from app.core.settings import get_settings
from oversight import dashboard as figures
from oversight import inspections, lists, photos, record, rectification, reports, rules, units
from oversight.errors import (
    AlreadyDecided,
    CannotMergeIntoItself,
    DeadlineInPast,
    EntryRemoved,
    ImportRejected,
    InspectionNotFailed,
    InspectionRecorded,
    InvalidTaskTarget,
    ListNotDraft,
    ListNotNoticed,
    ListNotPublished,
    MissingChecklistItem,
    NoSuchChecklist,
    NoSuchEntry,
    NoSuchInspection,
    NoSuchList,
    NoSuchObjection,
    NoSuchPhoto,
    NoSuchRepair,
    NoSuchReport,
    NoSuchTask,
    NoSuchUnit,
    NotAnImage,
    NotBlackListed,
    ObjectionsPending,
    ObjectionWindowClosed,
    ObjectionWindowOpen,
    PhotoRequired,
    ReasonRequired,
    RectificationOutstanding,
    RepairPending,
    ReportNotOpen,
    ScoreOutOfRange,
    TaskNotOpen,
    TaskNotSubmitted,
    TooFarFromUnit,
    UnitExists,
    UnknownCategory,
    UnknownChecklist,
    UnknownChecklistItem,
    UnknownCommunity,
    UnknownEvaluator,
    UnknownPeriod,
    UnknownPhoto,
    UnknownUnit,
    UploadTooLarge,
)
from oversight.models import ListEntry, ListPublication, Unit, UnitList
from oversight.schemas import (
    ChecklistIn,
    ChecklistOut,
    ComputeIn,
    ComputeOut,
    DashboardOut,
    DashboardQuery,
    DecisionReason,
    DuplicateOut,
    EntryOut,
    EvidenceIn,
    ImportOut,
    InspectionOut,
    InspectionPlanIn,
    InspectionQuery,
    InspectionRecordIn,
    ListDetailOut,
    ListOut,
    ListQuery,
    MergeIn,
    NoticeOut,
    ObjectionDecisionIn,
    ObjectionIn,
    ObjectionOut,
    OversightRules,
    OversightRulesPatch,
    PhotoOut,
    PublicationOut,
    PublicListOut,
    PublicQuery,
    RecordQuery,
    ReinspectIn,
    RejectIn,
    RepairDecisionIn,
    RepairOut,
    ReportIn,
    ReportOut,
    ReportQuery,
    ScoreOut,
    ScoreQuery,
    TaskOpenIn,
    TaskOut,
    TaskQuery,
    TaskReviewIn,
    UnitAccountIn,
    UnitAccountOut,
    UnitIn,
    UnitOut,
    UnitQuery,
    UnitRecordOut,
)
from oversight.scope import (
    readable_checklists,
    readable_entries,
    readable_inspections,
    readable_lists,
    readable_notices,
    readable_objections,
    readable_repairs,
    readable_reports,
    readable_scores,
    readable_tasks,
    readable_units,
)

api = Api("oversight")

STAFF: tuple[Role, ...] = ("worker", "district_admin", "platform_admin")
TRIAGE: tuple[Role, ...] = ("worker", "district_admin")
DISTRICT: tuple[Role, ...] = ("district_admin",)
UNIT: tuple[Role, ...] = ("unit_staff",)
EVERYONE: tuple[Role, ...] = (*STAFF, "unit_staff", "evaluator", "resident")

_templates = Environment(
    loader=PackageLoader("oversight", "templates"), autoescape=select_autoescape(["html"])
)


async def _file(request: Request) -> bytes:
    """The one file of a multipart form, field `file`."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UnsupportedMediaType(_("Send the file as multipart/form-data, field `file`."))
    try:
        async with request.form(max_files=1, max_fields=5) as form:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise Invalid(
                    _("The form has no file."),
                    errors=[{"field": "file", "message": "a file is required"}],
                )
            return await file.read(get_settings().max_upload_bytes + 1)
    except MultiPartException as exc:
        raise BadRequest(f"The multipart body is not valid: {exc.message}") from exc


# --- rules ---------------------------------------------------------------------------------


@api.get("/api/v1/oversight/rules", roles=TRIAGE, response=OversightRules, errors=())
async def get_rules(who: Principal) -> OversightRules:
    """The district's oversight rules in force: categories, duplicates, scoring, lists."""
    assert who.district_id is not None
    return await rules.rules_at(who.district_id)


@api.patch(
    "/api/v1/oversight/rules",
    roles=DISTRICT,
    body=OversightRulesPatch,
    response=OversightRules,
    errors=(Invalid, RetroactiveRulesChange),
)
async def change_rules(who: Principal, body: OversightRulesPatch) -> OversightRules:
    """Changes the rules from now (or `effective_from`); earlier versions are kept."""
    assert who.district_id is not None
    return await rules.change_rules(who.district_id, body, by=who)


# --- units ---------------------------------------------------------------------------------


@api.post(
    "/api/v1/oversight/units",
    roles=TRIAGE,
    body=UnitIn,
    response=UnitOut,
    status=201,
    errors=(UnknownCommunity, UnitExists),
)
async def create_unit(who: Principal, body: UnitIn) -> Any:
    """Adds a unit the district oversees (a worker: in their communities)."""
    return await units.create_unit(body, who=who)


@api.post(
    "/api/v1/oversight/units/import",
    roles=DISTRICT,
    response=ImportOut,
    status=201,
    errors=(ImportRejected, UnsupportedMediaType),
)
async def import_units(who: Principal, request: Request) -> dict[str, int]:
    """Imports units from a CSV or XLSX file (multipart field `file`): all rows or none."""
    return {"created": await units.import_units(await _file(request), who=who)}


@api.get(
    "/api/v1/oversight/units",
    roles=(*STAFF, "unit_staff", "evaluator"),
    query=UnitQuery,
    response=Page[UnitOut],
    errors=(),
)
async def list_units(who: Principal, query: UnitQuery) -> dict[str, Any]:
    """The units the caller sees."""
    found = readable_units(who)
    if query.type:
        found = found.filter(type=query.type)
    if query.community:
        found = found.filter(community_id__in=await _community_ids(who, query.community))
    return await paginate(found, query)


async def _community_ids(who: Principal, code: str) -> list[str]:
    return [
        str(c)
        for c in await Community.filter(district_id=who.district_id or "", code=code).values_list(
            "id", flat=True
        )
    ]


@api.get(
    "/api/v1/oversight/units/{unit_id}",
    roles=(*STAFF, "unit_staff", "evaluator"),
    response=UnitOut,
    errors=(NoSuchUnit,),
)
async def get_unit(who: Principal, unit_id: str) -> Any:
    return await units.get_unit(unit_id, who=who)


@api.post(
    "/api/v1/oversight/units/{unit_id}/accounts",
    roles=DISTRICT,
    body=UnitAccountIn,
    response=UnitAccountOut,
    status=201,
    errors=(NoSuchUnit, UsernameTaken),
)
async def create_unit_account(who: Principal, unit_id: str, body: UnitAccountIn) -> dict[str, str]:
    """A password login for the unit's own staff."""
    unit = await units.get_unit(unit_id, who=who)
    staff, _account = await units.create_unit_account(unit, body)
    return {"staff_id": staff.id, "unit_id": unit.id, "username": staff.username}


@api.get(
    "/api/v1/oversight/units/{unit_id}/record",
    roles=("worker", "district_admin", "platform_admin", "unit_staff"),
    query=RecordQuery,
    response=UnitRecordOut,
    errors=(NoSuchUnit,),
)
async def unit_record(who: Principal, unit_id: str, query: RecordQuery) -> Any:
    """The unit's credit record (as the caller may see it); `format=csv|xlsx` exports it."""
    unit = await units.get_unit(unit_id, who=who)
    events = await record.unit_record(unit, who=who)
    if query.format == "json":
        return {"unit": unit, "events": events}
    name = f"unit-record-{unit.code}.{query.format}"
    body = tabular.stream(query.format, "record", record.COLUMNS, record.as_rows(events))
    return StreamingResponse(
        body,
        media_type=tabular.MEDIA_TYPES[query.format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- photos --------------------------------------------------------------------------------


@api.post(
    "/api/v1/oversight/photos",
    roles=EVERYONE,
    response=PhotoOut,
    status=201,
    errors=(NotAnImage, UploadTooLarge, UnsupportedMediaType),
)
async def upload_photo(who: Principal, request: Request) -> Any:
    """Uploads one photo (JPEG, PNG or WebP, checked by its bytes), multipart field `file`."""
    return await photos.store_photo(await _file(request), who=who)


@api.get("/api/v1/oversight/photos/{photo_id}", roles=EVERYONE, errors=(NoSuchPhoto,))
async def get_photo(who: Principal, photo_id: str) -> Response:
    """The image: for whoever uploaded it, and for the staff of its district."""
    stored, data = await photos.read_photo(photo_id, who=who)
    return Response(data, media_type=stored.content_type, headers={"Cache-Control": "private"})


# --- problem reports -----------------------------------------------------------------------


@api.post(
    "/api/v1/oversight/reports",
    roles=("resident",),
    body=ReportIn,
    response=ReportOut,
    status=201,
    errors=(UnknownCategory, UnknownUnit, UnknownPhoto, UnknownCommunity),
)
async def report_problem(who: Principal, body: ReportIn) -> Any:
    """A resident reports an uncivil problem (随手拍) at a place or a unit."""
    return await reports.report_problem(body, who=who)


@api.get(
    "/api/v1/oversight/reports",
    roles=("resident", "worker", "district_admin", "platform_admin"),
    query=ReportQuery,
    response=Page[ReportOut],
    errors=(),
)
async def list_reports(who: Principal, query: ReportQuery) -> dict[str, Any]:
    """A resident's own reports; staff the reports of their communities."""
    found = readable_reports(who)
    if query.status:
        found = found.filter(status=query.status)
    if query.category:
        found = found.filter(category=query.category)
    return await paginate(found, query)


@api.get(
    "/api/v1/oversight/reports/{report_id}",
    roles=("resident", "worker", "district_admin", "platform_admin"),
    response=ReportOut,
    errors=(NoSuchReport,),
)
async def get_report(who: Principal, report_id: str) -> Any:
    """A report and its status: the reporter follows it here."""
    return await reports.get_report(report_id, who=who)


@api.get(
    "/api/v1/oversight/reports/{report_id}/duplicates",
    roles=TRIAGE,
    response=list[DuplicateOut],
    errors=(NoSuchReport,),
)
async def suggested_duplicates(who: Principal, report_id: str) -> Any:
    """Open reports of the same category near in place and time: candidates to merge."""
    return await reports.suggested_duplicates(await reports.get_report(report_id, who=who))


@api.post(
    "/api/v1/oversight/reports/{report_id}/reject",
    roles=TRIAGE,
    body=RejectIn,
    response=ReportOut,
    errors=(NoSuchReport, ReportNotOpen),
)
async def reject_report(who: Principal, report_id: str, body: RejectIn) -> Any:
    """Rejects a report with the reason its reporter reads."""
    report = await reports.get_report(report_id, who=who)
    return await reports.reject(report, by=who, reason=body.reason)


@api.post(
    "/api/v1/oversight/reports/{report_id}/merge",
    roles=TRIAGE,
    body=MergeIn,
    response=ReportOut,
    errors=(NoSuchReport, ReportNotOpen, CannotMergeIntoItself),
)
async def merge_report(who: Principal, report_id: str, body: MergeIn) -> Any:
    """Merges a duplicate into the report it repeats."""
    report = await reports.get_report(report_id, who=who)
    return await reports.merge(report, into_id=body.into, by=who, reason=body.reason)


@api.post(
    "/api/v1/oversight/reports/{report_id}/confirm",
    roles=TRIAGE,
    body=TaskOpenIn,
    response=ReportOut,
    idempotent=True,
    errors=(NoSuchReport, ReportNotOpen, UnknownUnit, InvalidTaskTarget, DeadlineInPast),
)
async def confirm_report(who: Principal, report_id: str, body: TaskOpenIn) -> Any:
    """Confirms a report: a rectification task for a unit or a department, credits for the
    reporter (within the daily cap)."""
    report = await reports.get_report(report_id, who=who)
    return await reports.confirm(report, by=who, data=body)


# --- checklists and inspections ------------------------------------------------------------


@api.post(
    "/api/v1/oversight/checklists",
    roles=DISTRICT,
    body=ChecklistIn,
    response=ChecklistOut,
    status=201,
    errors=(UnknownChecklist,),
)
async def create_checklist(who: Principal, body: ChecklistIn) -> Any:
    """A checklist for a unit type: items with weights and maximum scores, a pass mark."""
    return await inspections.create_checklist(body, by=who)


@api.get(
    "/api/v1/oversight/checklists",
    roles=(*STAFF, "evaluator"),
    response=list[ChecklistOut],
    errors=(),
)
async def list_checklists(who: Principal) -> Any:
    """The district's current checklists."""
    found = await readable_checklists(who).filter(retired_at__isnull=True).order_by("unit_type")
    return [await inspections.get_checklist(c.id, who=who) for c in found]


@api.get(
    "/api/v1/oversight/checklists/{checklist_id}",
    roles=(*STAFF, "evaluator"),
    response=ChecklistOut,
    errors=(NoSuchChecklist,),
)
async def get_checklist(who: Principal, checklist_id: str) -> Any:
    return await inspections.get_checklist(checklist_id, who=who)


@api.post(
    "/api/v1/oversight/inspections",
    roles=TRIAGE,
    body=InspectionPlanIn,
    response=InspectionOut,
    status=201,
    errors=(NoSuchUnit, UnknownChecklist, UnknownEvaluator),
)
async def plan_inspection(who: Principal, body: InspectionPlanIn) -> Any:
    """Plans an inspection of a unit, for the caller or assigned to an external evaluator."""
    inspection = await inspections.plan(
        unit_id=body.unit, checklist_id=body.checklist, evaluator_id=body.evaluator, by=who
    )
    return await inspections.view(inspection)


@api.get(
    "/api/v1/oversight/inspections",
    roles=(*STAFF, "evaluator", "unit_staff"),
    query=InspectionQuery,
    response=Page[InspectionOut],
    errors=(),
)
async def list_inspections(who: Principal, query: InspectionQuery) -> dict[str, Any]:
    """Inspections the caller sees (an evaluator: those assigned to them)."""
    found = readable_inspections(who)
    if query.unit:
        found = found.filter(unit_id=query.unit)
    if query.status:
        found = found.filter(status=query.status)
    return await paginate(found, query)


@api.get(
    "/api/v1/oversight/inspections/{inspection_id}",
    roles=(*STAFF, "evaluator", "unit_staff"),
    response=InspectionOut,
    errors=(NoSuchInspection,),
)
async def get_inspection(who: Principal, inspection_id: str) -> Any:
    return await inspections.view(await inspections.get_inspection(inspection_id, who=who))


@api.post(
    "/api/v1/oversight/inspections/{inspection_id}/record",
    roles=("worker", "district_admin", "evaluator"),
    body=InspectionRecordIn,
    response=InspectionOut,
    errors=(
        NoSuchInspection,
        InspectionRecorded,
        UnknownChecklistItem,
        MissingChecklistItem,
        ScoreOutOfRange,
        PhotoRequired,
        UnknownPhoto,
        TooFarFromUnit,
        DeadlineInPast,
    ),
)
async def record_inspection(who: Principal, inspection_id: str, body: InspectionRecordIn) -> Any:
    """Records the inspection on site: a score per item, a photo per failed item, where."""
    inspection = await inspections.get_inspection(inspection_id, who=who)
    return await inspections.record(inspection, body, by=who)


@api.post(
    "/api/v1/oversight/inspections/{inspection_id}/reinspections",
    roles=TRIAGE,
    body=ReinspectIn,
    response=InspectionOut,
    status=201,
    errors=(NoSuchInspection, InspectionNotFailed, UnknownEvaluator),
)
async def reinspect(who: Principal, inspection_id: str, body: ReinspectIn) -> Any:
    """Plans the re-inspection of a failed inspection: it closes or escalates the task."""
    inspection = await inspections.get_inspection(inspection_id, who=who)
    again = await inspections.reinspect(inspection, evaluator_id=body.evaluator, by=who)
    return await inspections.view(again)


# --- rectification -------------------------------------------------------------------------


@api.get(
    "/api/v1/oversight/tasks",
    roles=(*STAFF, "unit_staff"),
    query=TaskQuery,
    response=Page[TaskOut],
    errors=(),
)
async def list_tasks(who: Principal, query: TaskQuery) -> dict[str, Any]:
    """Rectification tasks: a unit's own, or those of the worker's communities."""
    found = readable_tasks(who)
    if query.status:
        found = found.filter(status=query.status)
    if query.unit:
        found = found.filter(unit_id=query.unit)
    return await paginate(found, query)


@api.get(
    "/api/v1/oversight/tasks/{task_id}",
    roles=(*STAFF, "unit_staff"),
    response=TaskOut,
    errors=(NoSuchTask,),
)
async def get_task(who: Principal, task_id: str) -> Any:
    """A task with every step: who, when, what."""
    task = await rectification.get_task(task_id, who=who)
    return await rectification.task_view(task, who=who)


@api.post(
    "/api/v1/oversight/tasks/{task_id}/evidence",
    roles=("unit_staff", "worker", "district_admin"),
    body=EvidenceIn,
    response=TaskOut,
    errors=(NoSuchTask, TaskNotOpen, UnknownPhoto),
)
async def submit_evidence(who: Principal, task_id: str, body: EvidenceIn) -> Any:
    """The unit says (and shows) what it put right; a department's task, its staff."""
    task = await rectification.get_task(task_id, who=who)
    task = await rectification.submit_evidence(task, who=who, note=body.note, photos=body.photos)
    return await rectification.task_view(task, who=who)


@api.post(
    "/api/v1/oversight/tasks/{task_id}/review",
    roles=TRIAGE,
    body=TaskReviewIn,
    response=TaskOut,
    errors=(NoSuchTask, TaskNotSubmitted, ReasonRequired),
)
async def review_task(who: Principal, task_id: str, body: TaskReviewIn) -> Any:
    """Accepts the evidence, or returns the task with what is missing."""
    task = await rectification.get_task(task_id, who=who)
    task = await rectification.review(task, by=who, decision=body.decision, reason=body.reason)
    return await rectification.task_view(task, who=who)


@api.get(
    "/api/v1/oversight/notices",
    roles=(*STAFF, "unit_staff"),
    query=PageQuery,
    response=Page[NoticeOut],
    errors=(),
)
async def list_notices(who: Principal, query: PageQuery) -> dict[str, Any]:
    """Notices (通报) to units: failed inspections, black-list drafts."""
    return await paginate(readable_notices(who), query)


# --- scores and lists ----------------------------------------------------------------------


@api.get(
    "/api/v1/oversight/scores",
    roles=(*STAFF, "unit_staff"),
    query=ScoreQuery,
    response=Page[ScoreOut],
    errors=(),
)
async def list_scores(who: Principal, query: ScoreQuery) -> dict[str, Any]:
    """Unit scores of a period."""
    found = readable_scores(who).filter(period=query.period)
    if query.type:
        found = found.filter(unit_type=query.type)
    return await paginate(found, query)


@api.post(
    "/api/v1/oversight/lists/compute",
    roles=DISTRICT,
    body=ComputeIn,
    response=ComputeOut,
    errors=(UnknownPeriod,),
)
async def compute_lists(who: Principal, body: ComputeIn) -> Any:
    """Scores the district's units for an ended period and drafts its lists now (the
    quarterly job does the same for every district)."""
    assert who.district_id is not None
    return await lists.compute(who.district_id, body.period)


@api.get(
    "/api/v1/oversight/lists",
    roles=STAFF,
    query=ListQuery,
    response=Page[ListOut],
    errors=(),
)
async def list_lists(who: Principal, query: ListQuery) -> dict[str, Any]:
    """The district's red/black lists."""
    found = readable_lists(who)
    if query.period:
        found = found.filter(period=query.period)
    if query.status:
        found = found.filter(status=query.status)
    return await paginate(found, query)


async def _detail(unit_list: UnitList) -> dict[str, Any]:
    detail = ListOut.model_validate(unit_list).model_dump()
    return {**detail, "entries": await lists.entries_of(unit_list)}


@api.get(
    "/api/v1/oversight/lists/{list_id}",
    roles=STAFF,
    response=ListDetailOut,
    errors=(NoSuchList,),
)
async def get_list(who: Principal, list_id: str) -> dict[str, Any]:
    """A list with its entries, and which were removed and why (kind)."""
    return await _detail(await lists.get_list(list_id, who=who))


@api.post(
    "/api/v1/oversight/lists/{list_id}/notices",
    roles=DISTRICT,
    response=ListDetailOut,
    errors=(NoSuchList, ListNotDraft),
)
async def send_list_notices(who: Principal, list_id: str) -> dict[str, Any]:
    """Tells each black-listed unit; the objection window opens."""
    unit_list = await lists.get_list(list_id, who=who)
    return await _detail(await lists.send_notices(unit_list, by=who))


@api.post(
    "/api/v1/oversight/lists/{list_id}/publication",
    roles=DISTRICT,
    response=ListDetailOut,
    errors=(NoSuchList, ListNotNoticed, ObjectionWindowOpen, ObjectionsPending),
)
async def publish_list(who: Principal, list_id: str) -> dict[str, Any]:
    """Publishes the list once the objection window has closed and every objection is decided."""
    unit_list = await lists.get_list(list_id, who=who)
    return await _detail(await lists.publish(unit_list, by=who))


@api.get(
    "/api/v1/oversight/lists/{list_id}/publications",
    roles=STAFF,
    response=list[PublicationOut],
    errors=(NoSuchList,),
)
async def list_publications(who: Principal, list_id: str) -> list[ListPublication]:
    """What was published when: each publication's snapshot, with its reason."""
    return await lists.publications(await lists.get_list(list_id, who=who))


@api.get(
    "/api/v1/oversight/list-entries",
    roles=(*STAFF, "unit_staff"),
    query=PageQuery,
    response=Page[EntryOut],
    errors=(),
)
async def list_entries(who: Principal, query: PageQuery) -> dict[str, Any]:
    """List entries the caller sees: a unit, its own."""
    page = await paginate(readable_entries(who), query)
    names = await _unit_names([e.unit_id for e in page["items"]])
    page["items"] = [{**_entry(e), "unit_name": names.get(e.unit_id, "")} for e in page["items"]]
    return page


def _entry(entry: ListEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "list_id": entry.list_id,
        "unit_id": entry.unit_id,
        "colour": entry.colour,
        "score": entry.score,
        "reason_category": entry.reason_category,
    }


async def _unit_names(unit_ids: list[str]) -> dict[str, str]:
    return dict(await Unit.filter(id__in=unit_ids).values_list("id", "name"))


@api.post(
    "/api/v1/oversight/list-entries/{entry_id}/objections",
    roles=UNIT,
    body=ObjectionIn,
    response=ObjectionOut,
    status=201,
    errors=(NoSuchEntry, NotBlackListed, ObjectionWindowClosed, EntryRemoved, AlreadyDecided),
)
async def object_to_entry(who: Principal, entry_id: str, body: ObjectionIn) -> Any:
    """A black-listed unit objects (异议) within the window."""
    entry = await lists.get_entry(entry_id, who=who)
    return await lists.object_to(entry, who=who, statement_text=body.statement, photos=body.photos)


@api.post(
    "/api/v1/oversight/list-entries/{entry_id}/withdrawal",
    roles=DISTRICT,
    body=DecisionReason,
    response=ListOut,
    errors=(NoSuchEntry, EntryRemoved),
)
async def withdraw_entry(who: Principal, entry_id: str, body: DecisionReason) -> Any:
    """Takes an entry off its list for a reason; a published list is published again."""
    entry = await lists.get_entry(entry_id, who=who)
    return await lists.withdraw(entry, by=who, reason=body.reason)


@api.post(
    "/api/v1/oversight/list-entries/{entry_id}/repairs",
    roles=UNIT,
    body=ObjectionIn,
    response=RepairOut,
    status=201,
    errors=(
        NoSuchEntry,
        NotBlackListed,
        ListNotPublished,
        EntryRemoved,
        RepairPending,
        RectificationOutstanding,
    ),
)
async def apply_for_repair(who: Principal, entry_id: str, body: ObjectionIn) -> Any:
    """After rectification, a black-listed unit applies for credit repair (信用修复)."""
    entry = await lists.get_entry(entry_id, who=who)
    return await lists.apply_for_repair(
        entry, who=who, statement_text=body.statement, photos=body.photos
    )


@api.get(
    "/api/v1/oversight/objections",
    roles=(*STAFF, "unit_staff"),
    query=PageQuery,
    response=Page[ObjectionOut],
    errors=(),
)
async def list_objections(who: Principal, query: PageQuery) -> dict[str, Any]:
    return await paginate(readable_objections(who), query)


@api.post(
    "/api/v1/oversight/objections/{objection_id}/decision",
    roles=DISTRICT,
    body=ObjectionDecisionIn,
    response=ObjectionOut,
    errors=(NoSuchObjection, AlreadyDecided),
)
async def decide_objection(who: Principal, objection_id: str, body: ObjectionDecisionIn) -> Any:
    """Upholds the listing, or removes the unit from it; the reason is kept."""
    objection = await lists.get_objection(objection_id, who=who)
    return await lists.decide_objection(
        objection, by=who, decision=body.decision, reason=body.reason
    )


@api.get(
    "/api/v1/oversight/repairs",
    roles=(*STAFF, "unit_staff"),
    query=PageQuery,
    response=Page[RepairOut],
    errors=(),
)
async def list_repairs(who: Principal, query: PageQuery) -> dict[str, Any]:
    return await paginate(readable_repairs(who), query)


@api.post(
    "/api/v1/oversight/repairs/{repair_id}/decision",
    roles=DISTRICT,
    body=RepairDecisionIn,
    response=RepairOut,
    errors=(NoSuchRepair, AlreadyDecided),
)
async def decide_repair(who: Principal, repair_id: str, body: RepairDecisionIn) -> Any:
    """Grants credit repair (the entry leaves the public list) or refuses it, with a reason."""
    repair = await lists.get_repair(repair_id, who=who)
    return await lists.decide_repair(repair, by=who, decision=body.decision, reason=body.reason)


# --- dashboard and the public list ---------------------------------------------------------


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
        zone = ZoneInfo(get_settings().local_timezone)
        since = datetime.combine(query.since, time(), tzinfo=zone).astimezone(UTC)
    return await figures.dashboard(who, since=since)


async def _public(district_code: str, query: PublicQuery) -> dict[str, Any]:
    district = await District.get_or_none(code=district_code)
    if district is None:
        raise NotFound(_("No such district."))
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
        )
    )


DISPLAY_NAMES = {
    "shop": N_("Shop"),
    "restaurant": N_("Restaurant"),
    "farmers_market": N_("Farmers' market"),
    "property_service": N_("Property service"),
    "school": N_("School"),
    "public_venue": N_("Public venue"),
    "high_score": N_("High score"),
    "failed_inspection": N_("Failed inspection"),
    "confirmed_reports": N_("Confirmed problem reports"),
    "low_score": N_("Low score"),
}


def _display(value: str) -> str:
    return _(DISPLAY_NAMES.get(value, value))
