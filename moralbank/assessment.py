"""The quarterly moral assessment of households: a period opened for a community, households'
self-assessment and their neighbours', the community's review item by item, publication with
objections, and the standing result posted to the household's account. `standing` is what the
partner banks read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from accounts.models import Community, Household, Resident
from credits import ledger
from credits.models import to_units
from kernel import localtime, objections
from kernel.auth import Principal
from kernel.i18n import N_
from kernel.validation import FieldMessage
from moralbank import assessment_notices as notices
from moralbank.assessment_errors import (
    AlreadyAssessed,
    AssessmentClosed,
    InvalidPoints,
    NoSuchAssessment,
    NoSuchAssessmentObjection,
    NotAssessor,
    ObjectionDecided,
    ObjectionNotTaken,
    PeriodNotBegun,
    QuotaReached,
)
from moralbank.assessment_models import (
    Assessment,
    AssessmentMark,
    AssessmentObjection,
    AssessmentReview,
)
from moralbank.assessment_schemas import (
    AssessmentDetailOut,
    AssessmentObjectionOut,
    AssessmentOut,
    AssessmentReviewIn,
    AssessmentRules,
)
from moralbank.assessment_scope import (
    assessable_assessments,
    decidable_assessment_objections,
    objections_showing_photos,
    readable_assessments,
)
from moralbank.assessment_standards import STANDARDS, rules_of, standard_in_force
from oversight.photos import ensure_own_photos

ZERO = Decimal(0)


async def get_assessment(assessment_id: str, *, who: Principal) -> Assessment:
    found = await readable_assessments(who).rows().get_or_none(id=assessment_id)
    if found is None:
        raise NoSuchAssessment(N_("No such assessment."))
    return found


async def get_objection(objection_id: str, *, who: Principal) -> AssessmentObjection:
    """An objection the caller may decide (404 otherwise)."""
    found = await decidable_assessment_objections(who).rows().get_or_none(id=objection_id)
    if found is None:
        raise NoSuchAssessmentObjection(N_("No such objection."))
    return found


# --- the period ------------------------------------------------------------------------------


async def open_period(community: Community, period: str, *, by: Principal) -> dict[str, Any]:
    """Opens the quarter for every household of the community (those opened before are kept,
    with the standard version they were opened under)."""
    now = datetime.now(UTC)
    if localtime.quarter_bounds(period)[0] > now:
        raise PeriodNotBegun(N_("The quarter has not begun."))
    standard = await standard_in_force(community.district_id, now)
    households = await Household.filter(community_id=community.id).values_list("id", flat=True)
    opened = set(
        await Assessment.filter(household_id__in=households, period=period).values_list(
            "household_id", flat=True
        )
    )
    new = [
        Assessment(
            district_id=community.district_id,
            community_id=community.id,
            household_id=household_id,
            period=period,
            standard_id=standard.id,
            opened_by=by.subject,
        )
        for household_id in households
        if household_id not in opened
    ]
    if new:
        await Assessment.bulk_create(new, ignore_conflicts=True)
    return {
        "community_id": community.id,
        "period": period,
        "standard_id": standard.id,
        "households": len(households),
        "opened": len(new),
    }


# --- marks: self and neighbours --------------------------------------------------------------


def _checked_points(rules: AssessmentRules, points: dict[str, Decimal]) -> Decimal:
    """Every item of the standard scored once, within its maximum; the total."""
    items = rules.items()
    errors = [
        {"field": f"points.{code}", "message": N_("not an item of the standard")}
        for code in points
        if code not in items
    ]
    errors += [
        {"field": f"points.{code}", "message": N_("required")}
        for code in items
        if code not in points
    ]
    errors += [
        {
            "field": f"points.{code}",
            "message": FieldMessage(
                N_("at most {max_points} points"), max_points=f"{item.max_points.normalize():f}"
            ),
        }
        for code, item in items.items()
        if points.get(code, ZERO) > item.max_points
    ]
    if errors:
        raise InvalidPoints(
            N_("Score every item of the standard, within its points."), errors=errors
        )
    return sum(points.values(), ZERO)


async def mark(assessment_id: str, *, who: Principal, points: dict[str, Decimal]) -> AssessmentMark:
    """A member marks their own household (self-assessment, which they may give again while
    the period is open) or, real-name verified, a neighbouring household of their community
    (once, and no more households than the standard allows)."""
    assessment = await assessable_assessments(who).rows().get_or_none(id=assessment_id)
    if assessment is None:
        raise NoSuchAssessment(N_("No such assessment."))
    resident = await Resident.get(id=who.id)
    if resident.household_id is None:
        raise NotAssessor(N_("Join a household before assessing."))
    rules = await rules_of(assessment.standard_id)
    total = _checked_points(rules, points)
    stored = {code: str(value) for code, value in points.items()}
    if resident.household_id == assessment.household_id:
        found = await AssessmentMark.filter(
            assessment_id=assessment.id, by_household_id=resident.household_id
        ).update(points=stored, total=total, by_resident_id=resident.id)
        if found:
            return await AssessmentMark.get(
                assessment_id=assessment.id, by_household_id=resident.household_id
            )
        kind = "self"
    else:
        await _may_assess_neighbour(resident, assessment, quota=rules.neighbour_quota)
        kind = "neighbour"
    return await AssessmentMark.create(
        assessment_id=assessment.id,
        district_id=assessment.district_id,
        period=assessment.period,
        kind=kind,
        by_household_id=resident.household_id,
        by_resident_id=resident.id,
        points=stored,
        total=total,
    )


async def _may_assess_neighbour(resident: Resident, assessment: Assessment, *, quota: int) -> None:
    if not resident.real_name_verified:
        raise NotAssessor(N_("Neighbours assess under their verified real name."))
    # The assessing household's row is locked until the request commits, so two marks racing
    # from one household count each other against its quota (SQLite serialises writes anyway).
    own = await Household.select_for_update().get(id=resident.household_id)
    if own.community_id != assessment.community_id:
        raise NotAssessor(N_("Only households of the same community assess each other."))
    given = AssessmentMark.filter(
        by_household_id=own.id, period=assessment.period, kind="neighbour"
    )
    if await given.filter(assessment_id=assessment.id).exists():
        raise AlreadyAssessed(N_("Your household has assessed this household already."))
    if await given.count() >= quota:
        raise QuotaReached(
            N_("Each household assesses at most {quota} others a quarter."), quota=quota
        )


async def neighbour_assessments(who: Principal, period: str) -> QuerySet[Assessment]:
    """The open assessments of the caller's community that their household may mark (its own
    is the self-assessment, never listed): the route pages them like every list."""
    resident = await Resident.get(id=who.id)
    found = assessable_assessments(who).rows().filter(period=period)
    if resident.household_id is not None:
        found = found.exclude(household_id=resident.household_id)
    return found


async def neighbours(
    who: Principal, period: str, found: QuerySet[Assessment], rows: list[Assessment]
) -> dict[str, Any]:
    """The household's quota of neighbour marks in the period and how much of it is used, and
    `rows` (a page of `found`) with whether the household marked each — never a score."""
    resident = await Resident.get(id=who.id)
    given = {
        str(assessment_id)
        for assessment_id in await AssessmentMark.filter(
            by_household_id=resident.household_id or "", period=period, kind="neighbour"
        ).values_list("assessment_id", flat=True)
    }
    first = rows[0] if rows else await found.first()
    quota = (await rules_of(first.standard_id)).neighbour_quota if first else 0
    names = await household_names([row.household_id for row in rows])
    return {
        "period": period,
        "quota": quota,
        "used": len(given),
        "items": [
            {
                "assessment_id": row.id,
                "household_id": row.household_id,
                "household_name": names.get(row.household_id, ""),
                "period": row.period,
                "assessed": row.id in given,
            }
            for row in rows
        ],
    }


# --- the community's review ------------------------------------------------------------------


def _score(
    rules: AssessmentRules, review: AssessmentReviewIn
) -> tuple[list[dict[str, Any]], Decimal]:
    """The review's items as stored, and the score: their points, zero when a veto is found.
    Every item is scored; a deduction and a veto each need their reason."""
    items = rules.items()
    vetoes = {v.code for v in rules.vetoes}
    points = {item.code: item.points for item in review.items}
    errors: list[dict[str, Any]] = []
    if len(points) != len(review.items):
        errors.append({"field": "items", "message": N_("each item once")})
    try:
        _checked_points(rules, points)
    except InvalidPoints as refused:
        errors += refused.errors or []
    errors += [
        {"field": f"items.{item.code}.reason", "message": N_("a deduction needs its reason")}
        for item in review.items
        if item.code in items and item.points < items[item.code].max_points and not item.reason
    ]
    errors += [
        {"field": f"vetoes.{veto.code}", "message": N_("not a veto item of the standard")}
        for veto in review.vetoes
        if veto.code not in vetoes
    ]
    if errors:
        raise InvalidPoints(
            N_("Score every item of the standard, within its points."), errors=errors
        )
    stored = [
        {"code": item.code, "points": str(item.points), "reason": item.reason}
        for item in review.items
    ]
    return stored, ZERO if review.vetoes else sum(points.values(), ZERO)


async def review(
    assessment: Assessment, review_in: AssessmentReviewIn, *, by: Principal, cause: str = "review"
) -> Assessment:
    """The community scores the household item by item. Before publication it may review
    again; after, only a decision on an objection revises (`cause` objection)."""
    allowed = ("published",) if cause == "objection" else ("open", "reviewed")
    if assessment.status not in allowed:
        raise AssessmentClosed(N_("This assessment was published; an objection may revise it."))
    items, score = _score(await rules_of(assessment.standard_id), review_in)
    await AssessmentReview.create(
        assessment_id=assessment.id,
        district_id=assessment.district_id,
        items=items,
        vetoes=[veto.model_dump() for veto in review_in.vetoes],
        score=score,
        cause=cause,
        by=by.subject,
    )
    changes: dict[str, Any] = {
        "score": score,
        "vetoed": bool(review_in.vetoes),
        "reviewed_at": datetime.now(UTC),
    }
    if cause == "review":
        changes["status"] = "reviewed"
    moved = await Assessment.filter(id=assessment.id, status__in=allowed).update(**changes)
    if not moved:
        raise AssessmentClosed(N_("This assessment was published; an objection may revise it."))
    await assessment.refresh_from_db()
    return assessment


async def publish(assessment: Assessment, *, by: Principal) -> Assessment:
    """Publishes (公示) the reviewed result: the household may object until the deadline."""
    rules = await rules_of(assessment.standard_id)
    now = datetime.now(UTC)
    moved = await Assessment.filter(id=assessment.id, status="reviewed").update(
        status="published",
        published_at=now,
        published_by=by.subject,
        objection_deadline=now + timedelta(days=rules.objection_days),
    )
    if not moved:
        raise AssessmentClosed(N_("Only a reviewed assessment not yet published is published."))
    await assessment.refresh_from_db()
    await notices.published(assessment)
    return assessment


# --- objections ------------------------------------------------------------------------------


async def object_to(
    assessment: Assessment, *, who: Principal, statement: str, photos: list[str]
) -> AssessmentObjection:
    """A member of the household objects to its published result within the window, with
    photos they uploaded (oversight's photo store)."""
    if assessment.status != "published" or not objections.window_open(
        assessment.objection_deadline
    ):
        raise ObjectionNotTaken(N_("The time to object has passed."))
    if await AssessmentObjection.exists(assessment_id=assessment.id, decision__isnull=True):
        raise ObjectionNotTaken(N_("An objection to this result waits for a decision."))
    photos = await ensure_own_photos(photos, who=who, field="photos")
    return await AssessmentObjection.create(
        assessment_id=assessment.id,
        household_id=assessment.household_id,
        district_id=assessment.district_id,
        statement=statement,
        photos=photos,
        submitted_by=who.subject,
    )


async def decide(
    objection: AssessmentObjection,
    *,
    by: Principal,
    decision: str,
    reason: str,
    revision: AssessmentReviewIn | None,
) -> AssessmentObjection:
    """`uphold` keeps the result; `revise` scores it again (a review of cause objection)."""
    if not await objections.decide_once(objection, by=by.subject, decision=decision, reason=reason):
        raise ObjectionDecided(N_("This objection was decided already."))
    assessment = await Assessment.get(id=objection.assessment_id)
    if decision == "revise" and revision is not None:
        await review(assessment, revision, by=by, cause="objection")
    await notices.objection_decided(assessment, decision, reason)
    return objection


# --- standing and posting --------------------------------------------------------------------


async def stand_due(now: datetime) -> dict[str, int]:
    """Every published result whose window has closed with no objection waiting stands, and
    its credits (score × the standard's credits per point) post to the household's account,
    once: the status moves by a conditional update and the ledger takes one posting per
    assessment."""
    pending = AssessmentObjection.filter(decision__isnull=True).values("assessment_id")
    due = await Assessment.filter(status="published", objection_deadline__lte=now).exclude(
        id__in=Subquery(pending)
    )
    stood = posted = 0
    for assessment in due:
        rules = await rules_of(assessment.standard_id)
        amount = ((assessment.score or ZERO) * rules.credits_per_point).quantize(Decimal("0.01"))
        moved = await Assessment.filter(id=assessment.id, status="published").update(
            status="standing", stood_at=now, credits=amount
        )
        if not moved:
            continue
        stood += 1
        if amount > 0 and await _post(assessment, amount):
            posted += 1
        await notices.standing(assessment, amount)
    return {"due": len(due), "stood": stood, "posted": posted}


async def _post(assessment: Assessment, amount: Decimal) -> bool:
    units = to_units(amount)
    household = ledger.AccountKey(
        "household", assessment.household_id, assessment.district_id, "available", "credits"
    )
    done = await ledger.post(
        district_id=assessment.district_id,
        kind="assessment",
        ref_type="assessment",
        ref_id=assessment.id,
        legs=[
            ledger.Leg(household, units),
            ledger.Leg(ledger.district_account(assessment.district_id, "issuance"), -units),
        ],
        actor="job:assessment-standing",
        memo=f"{localtime.period_name(assessment.period)} 道德评议",
    )
    return done is not None


async def standing(household_id: str) -> tuple[Decimal, str, str] | None:
    """The household's latest standing result (published, its objections' time over):
    (score, period, standard version id); None when it has none."""
    found = (
        await Assessment.filter(household_id=household_id, status="standing")
        .order_by("-period")
        .first()
    )
    if found is None or found.score is None:
        return None
    return found.score, found.period, found.standard_id


# --- stars -----------------------------------------------------------------------------------


async def stars(communities: list[Community], period: str) -> list[dict[str, Any]]:
    """道德之星 of each community: for a quarter, its best standing households; for a year
    (`2026Y`), the best by the mean of the year's four quarters (a quarter without a standing
    result counts zero). Never a household vetoed in the period; at least the standard's
    minimum score; the standard's number of stars, and those tied with the last. The standard
    is the district's in force at the period's end."""
    quarters = [f"{period[:4]}Q{n}" for n in range(1, 5)] if period.endswith("Y") else [period]
    rows = await Assessment.filter(
        community_id__in=[c.id for c in communities], period__in=quarters, status="standing"
    ).values("community_id", "household_id", "score", "vetoed")
    totals: dict[str, dict[str, Decimal]] = {}
    vetoed: set[str] = set()
    for row in rows:
        of_community = totals.setdefault(row["community_id"], {})
        household = row["household_id"]
        of_community[household] = of_community.get(household, ZERO) + (row["score"] or ZERO)
        if row["vetoed"]:
            vetoed.add(household)
    end = min(localtime.quarter_bounds(quarters[-1])[1], datetime.now(UTC))
    rules: dict[str, AssessmentRules | None] = {}
    for district_id in {c.district_id for c in communities if c.id in totals}:
        found = await STANDARDS.version_at(district_id, end)
        rules[district_id] = AssessmentRules.model_validate(found.standard) if found else None
    names = await household_names([h for of_community in totals.values() for h in of_community])
    return [
        {
            "community_id": community.id,
            "community_name": community.name,
            "stars": _ranked(
                {h: t for h, t in totals.get(community.id, {}).items() if h not in vetoed},
                len(quarters),
                rules.get(community.district_id),
                names,
            ),
        }
        for community in communities
    ]


def _ranked(
    totals: dict[str, Decimal],
    quarters: int,
    rules: AssessmentRules | None,
    names: dict[str, str],
) -> list[dict[str, Any]]:
    if rules is None or rules.stars_per_community == 0:
        return []
    scores = sorted(
        (
            ((total / quarters).quantize(Decimal("0.01")), household)
            for household, total in totals.items()
        ),
        key=lambda pair: (-pair[0], pair[1]),
    )
    scores = [pair for pair in scores if pair[0] >= rules.star_min_score]
    if len(scores) > rules.stars_per_community:
        last = scores[rules.stars_per_community - 1][0]
        scores = [pair for pair in scores if pair[0] >= last]
    return [
        {
            "household_id": household,
            "household_name": names.get(household, ""),
            "score": score,
            "rank": 1 + sum(1 for other, _h in scores if other > score),
        }
        for score, household in scores
    ]


# --- reading ---------------------------------------------------------------------------------


async def household_names(household_ids: list[str]) -> dict[str, str]:
    return dict(await Household.filter(id__in=household_ids).values_list("id", "name"))


async def with_names(assessments: list[Assessment]) -> list[AssessmentOut]:
    names = await household_names([a.household_id for a in assessments])
    return [
        AssessmentOut.from_model(a, household_name=names.get(a.household_id, ""))
        for a in assessments
    ]


async def quarter(community: Community, period: str, *, who: Principal) -> list[dict[str, Any]]:
    """A community's households in a quarter as the caller reads them: each assessment with
    its household's name, whether it self-assessed and how many neighbours marked it."""
    found = await (
        readable_assessments(who)
        .rows()
        .filter(community_id=community.id, period=period)
        .order_by("household_id")
    )
    marks = await AssessmentMark.filter(assessment_id__in=[a.id for a in found]).values(
        "assessment_id", "kind"
    )
    rows = []
    for shown in await with_names(found):
        kinds = [m["kind"] for m in marks if m["assessment_id"] == shown.id]
        rows.append({"a": shown, "self": "self" in kinds, "neighbours": kinds.count("neighbour")})
    return rows


async def detail(assessment: Assessment, *, who: Principal) -> AssessmentDetailOut:
    """An assessment with its standard, the marks (per kind, their mean per item: a neighbour
    is never named), the community's reviews and the objections (their photos for those who
    read them: the objector, the staff who may decide)."""
    rules = await rules_of(assessment.standard_id)
    marks = await AssessmentMark.filter(assessment_id=assessment.id)
    summaries = []
    for kind in ("self", "neighbour"):
        of_kind = [m for m in marks if m.kind == kind]
        if not of_kind:
            continue
        mean = {
            code: (
                sum((Decimal(m.points.get(code, "0")) for m in of_kind), ZERO) / len(of_kind)
            ).quantize(Decimal("0.1"))
            for code in rules.items()
        }
        summaries.append(
            {
                "kind": kind,
                "count": len(of_kind),
                "points": mean,
                "total": sum(mean.values(), ZERO),
            }
        )
    reviews = await AssessmentReview.filter(assessment_id=assessment.id).order_by("id")
    objections_of = await AssessmentObjection.filter(assessment_id=assessment.id).order_by(
        "submitted_at"
    )
    shown = objections_showing_photos(who).rows().filter(assessment_id=assessment.id)
    showing = {o.id for o in await shown.only("id")}
    names = await household_names([assessment.household_id])
    return AssessmentDetailOut.from_model(
        assessment,
        household_name=names.get(assessment.household_id, ""),
        standard=rules,
        marks=summaries,
        reviews=reviews,
        objections=[
            AssessmentObjectionOut.from_model(o, photos=o.photos if o.id in showing else [])
            for o in objections_of
        ],
    )
