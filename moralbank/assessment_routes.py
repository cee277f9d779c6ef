"""The moral assessment's endpoints: the district's standard, opening a quarter, marks by
households, the community's review, publication, objections and their decisions, stars."""

from __future__ import annotations

from typing import Any

from accounts.errors import RetroactiveRulesChange
from accounts.models import Community
from accounts.scope import readable_district, served_communities, served_community
from kernel import localtime
from kernel.auth import STAFF_ROLES, Principal
from kernel.http import Api, Page, paginate
from kernel.i18n import N_
from moralbank import assessment
from moralbank.assessment_errors import (
    AlreadyAssessed,
    AssessmentClosed,
    InvalidPoints,
    NoStandard,
    NoSuchAssessment,
    NoSuchAssessmentObjection,
    NotAssessor,
    ObjectionDecided,
    ObjectionNotTaken,
    PeriodNotBegun,
    QuotaReached,
    UnknownAssessmentCommunity,
)
from moralbank.assessment_models import AssessmentStandard
from moralbank.assessment_schemas import (
    AssessmentDetailOut,
    AssessmentMarkIn,
    AssessmentMarkOut,
    AssessmentNeighbourQuery,
    AssessmentNeighboursOut,
    AssessmentObjectionDecisionIn,
    AssessmentObjectionIn,
    AssessmentObjectionOut,
    AssessmentOut,
    AssessmentPeriodIn,
    AssessmentPeriodOut,
    AssessmentQuery,
    AssessmentReviewIn,
    AssessmentStandardIn,
    AssessmentStandardOut,
    AssessmentStarQuery,
    AssessmentStarsOut,
)
from moralbank.assessment_scope import REVIEWERS, readable_assessments, readable_standards
from moralbank.assessment_standards import define_standard
from oversight.errors import UnknownPhoto

api = Api("moral-assessment")
RESIDENT = ("resident",)
READERS = (*STAFF_ROLES, "resident")


async def _community(who: Principal, ref: str) -> Community:
    found = await served_community(who, ref)
    if found is None:
        raise UnknownAssessmentCommunity(N_("No such community in your scope."))
    return found


@api.post(
    "/api/v1/districts/{code}/assessment-standards",
    roles=("district_admin",),
    body=AssessmentStandardIn,
    response=AssessmentStandardOut,
    status=201,
    errors=(RetroactiveRulesChange,),
)
async def create_standard(who: Principal, code: str, body: AssessmentStandardIn) -> Any:
    """A new version of the district's scoring standard, in force from `effective_from` (now
    by default, never in the past); assessments already opened keep theirs."""
    district = await readable_district(code, who=who)
    return await define_standard(district, body, by=who)


@api.get(
    "/api/v1/districts/{code}/assessment-standards",
    roles=READERS,
    response=list[AssessmentStandardOut],
)
async def list_standards(who: Principal, code: str) -> list[AssessmentStandard]:
    """The district's standard, every version, the newest in force first."""
    district = await readable_district(code, who=who)
    return (
        await readable_standards(who)
        .rows()
        .filter(district_id=district.id)
        .order_by("-effective_from", "-created_at")
    )


@api.post(
    "/api/v1/assessment-periods",
    roles=REVIEWERS,
    body=AssessmentPeriodIn,
    response=AssessmentPeriodOut,
    errors=(UnknownAssessmentCommunity, PeriodNotBegun, NoStandard),
)
async def open_period(who: Principal, body: AssessmentPeriodIn) -> Any:
    """Opens a quarter for every household of a community: from now on they assess."""
    community = await _community(who, body.community)
    return await assessment.open_period(community, body.period, by=who)


@api.get(
    "/api/v1/assessments",
    roles=READERS,
    query=AssessmentQuery,
    response=Page[AssessmentOut],
)
async def list_assessments(who: Principal, query: AssessmentQuery) -> dict[str, Any]:
    """Staff: the assessments of the places they serve; a resident: their household's."""
    found = readable_assessments(who).rows()
    if query.period:
        found = found.filter(period=query.period)
    if query.status:
        found = found.filter(status=query.status)
    if query.community:
        community = await served_community(who, query.community)
        found = found.filter(community_id=community.id if community else "")
    page = await paginate(found, query)
    page["items"] = await assessment.with_names(page["items"])
    return page


@api.get(
    "/api/v1/assessments/{assessment_id}",
    roles=READERS,
    response=AssessmentDetailOut,
    errors=(NoSuchAssessment,),
)
async def get_assessment(who: Principal, assessment_id: str) -> Any:
    """An assessment with its standard, the mean marks of self and neighbours, the
    community's reviews and the objections."""
    found = await assessment.get_assessment(assessment_id, who=who)
    return await assessment.detail(found, who=who)


@api.get(
    "/api/v1/me/assessment-neighbours",
    roles=RESIDENT,
    query=AssessmentNeighbourQuery,
    response=AssessmentNeighboursOut,
)
async def my_neighbours(who: Principal, query: AssessmentNeighbourQuery) -> dict[str, Any]:
    """The households of the caller's community open for assessment in a quarter (the current
    one by default), newest assessment first and paged like every list, whether the caller's
    household assessed each, and its quota."""
    period = query.period or localtime.quarter_of(localtime.now())
    found = await assessment.neighbour_assessments(who, period)
    page = await paginate(found, query)
    return {**page, **await assessment.neighbours(who, period, found, page["items"])}


@api.post(
    "/api/v1/assessments/{assessment_id}/marks",
    roles=RESIDENT,
    body=AssessmentMarkIn,
    response=AssessmentMarkOut,
    status=201,
    errors=(NoSuchAssessment, NotAssessor, AlreadyAssessed, QuotaReached, InvalidPoints),
)
async def give_mark(who: Principal, assessment_id: str, body: AssessmentMarkIn) -> Any:
    """A member marks their own household (自评) or a neighbouring one (互评)."""
    return await assessment.mark(assessment_id, who=who, points=dict(body.points))


@api.post(
    "/api/v1/assessments/{assessment_id}/review",
    roles=REVIEWERS,
    body=AssessmentReviewIn,
    response=AssessmentOut,
    errors=(NoSuchAssessment, AssessmentClosed, InvalidPoints),
)
async def review_assessment(who: Principal, assessment_id: str, body: AssessmentReviewIn) -> Any:
    """The community scores every item, with a reason for each deduction and veto."""
    found = await assessment.get_assessment(assessment_id, who=who)
    return (await assessment.with_names([await assessment.review(found, body, by=who)]))[0]


@api.post(
    "/api/v1/assessments/{assessment_id}/publication",
    roles=REVIEWERS,
    response=AssessmentOut,
    errors=(NoSuchAssessment, AssessmentClosed),
)
async def publish_assessment(who: Principal, assessment_id: str) -> Any:
    """Publishes (公示) the reviewed result; the household may object until the deadline."""
    found = await assessment.get_assessment(assessment_id, who=who)
    return (await assessment.with_names([await assessment.publish(found, by=who)]))[0]


@api.post(
    "/api/v1/assessments/{assessment_id}/objections",
    roles=RESIDENT,
    body=AssessmentObjectionIn,
    response=AssessmentObjectionOut,
    status=201,
    errors=(NoSuchAssessment, ObjectionNotTaken, UnknownPhoto),
)
async def object_to_assessment(
    who: Principal, assessment_id: str, body: AssessmentObjectionIn
) -> Any:
    """A member of the household objects (异议) to its published result, with up to nine
    photos they uploaded (`POST /api/v1/oversight/photos`)."""
    found = await assessment.get_assessment(assessment_id, who=who)
    return await assessment.object_to(found, who=who, statement=body.statement, photos=body.photos)


@api.post(
    "/api/v1/assessment-objections/{assessment_objection_id}/decision",
    roles=REVIEWERS,
    body=AssessmentObjectionDecisionIn,
    response=AssessmentObjectionOut,
    errors=(NoSuchAssessmentObjection, ObjectionDecided, AssessmentClosed, InvalidPoints),
)
async def decide_objection(
    who: Principal, assessment_objection_id: str, body: AssessmentObjectionDecisionIn
) -> Any:
    """Upholds the result, or revises it with a new review, with the reason."""
    objection = await assessment.get_objection(assessment_objection_id, who=who)
    return await assessment.decide(
        objection, by=who, decision=body.decision, reason=body.reason, revision=body.review
    )


@api.get(
    "/api/v1/assessment-stars",
    roles=READERS,
    query=AssessmentStarQuery,
    response=AssessmentStarsOut,
)
async def list_stars(who: Principal, query: AssessmentStarQuery) -> dict[str, Any]:
    """道德之星 of a quarter (`2026Q3`) or a year (`2026Y`), for each community the caller
    serves or lives in (or the one named)."""
    communities = served_communities(who).rows().order_by("code")
    if query.community:
        communities = communities.filter(code=query.community)
    found = await assessment.stars(await communities, query.period)
    return {"period": query.period, "communities": found}
