"""Problem reports (随手拍): reporting, following, triage (reject, merge, confirm)."""

from __future__ import annotations

from typing import Any

from kernel.auth import Principal
from kernel.http import Page, paginate
from oversight import reports
from oversight.errors import (
    CannotMergeIntoItself,
    DeadlineInPast,
    InvalidTaskTarget,
    NoSuchReport,
    ReportNotOpen,
    UnknownCategory,
    UnknownCommunity,
    UnknownPhoto,
    UnknownUnit,
)
from oversight.routes._shared import TRIAGE, api
from oversight.schemas import (
    CategoryList,
    DuplicateOut,
    MergeIn,
    RejectIn,
    ReportIn,
    ReportOut,
    ReportQuery,
    TaskOpenIn,
)
from oversight.scope import (
    readable_reports,
)

# --- problem reports -----------------------------------------------------------------------


@api.get(
    "/api/v1/oversight/categories",
    roles=("resident", *TRIAGE),
    response=CategoryList,
    errors=(UnknownCommunity,),
)
async def list_categories(who: Principal) -> CategoryList:
    """The problem categories of the caller's district in force (code and name), to report
    under; the rules' own list, so a mini-program need not keep a copy."""
    return CategoryList(items=await reports.report_categories(who=who))


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
    found = readable_reports(who).rows()
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
