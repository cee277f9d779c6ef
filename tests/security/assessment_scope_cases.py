"""The moral assessment's part of the scope tests: its routes taking an id (for
`test_scope_matrix.ROUTES`), its lists (for `test_scope_walker.LISTS`) and the objects planted
in community c1: 甲's household, its standing assessment of a past quarter and an objection with
甲's photo (the matrix's `photo_id`: c1's staff read it, no outsider does)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kernel import localtime
from kernel.db import transaction
from moralbank.assessment_demo import YUYAO_STANDARD, full_marks
from tests.conftest import World

NEIGHBOURS = "neighbours of one community assess each other's households (互评)"
READ_BY_DISTRICT = "a district's scoring standard is read by its staff and residents"


def cases(case: Any) -> dict[tuple[str, str], Any]:
    """`case` is the matrix's `Case`."""
    return {
        ("POST", "/api/v1/districts/{code}/assessment-standards"): case(body=YUYAO_STANDARD),
        ("GET", "/api/v1/districts/{code}/assessment-standards"): case(
            sees={
                "worker_of_other_community": READ_BY_DISTRICT,
                "resident_of_same_community": READ_BY_DISTRICT,
            }
        ),
        ("GET", "/api/v1/assessments/{assessment_id}"): case(),
        ("POST", "/api/v1/assessments/{assessment_id}/marks"): case(
            body={"points": full_marks()}, sees={"resident_of_same_community": NEIGHBOURS}
        ),
        ("POST", "/api/v1/assessments/{assessment_id}/review"): case(
            body={"items": [{"code": c, "points": p} for c, p in full_marks().items()]}
        ),
        ("POST", "/api/v1/assessments/{assessment_id}/publication"): case(),
        ("POST", "/api/v1/assessments/{assessment_id}/objections"): case(
            body={"statement": "异议"}
        ),
        ("POST", "/api/v1/assessment-objections/{assessment_objection_id}/decision"): case(
            body={"decision": "uphold", "reason": "维持"}
        ),
    }


def lists(case: Any) -> dict[str, Any]:
    """`case` is the walker's `Case`."""
    period = localtime.previous_quarter(localtime.quarter_of(localtime.now()))
    return {
        "/api/v1/assessments": case(),
        "/api/v1/me/assessment-neighbours": case(query={"period": period}),
        "/api/v1/assessment-stars": case(query={"period": period}),
    }


def pages(case: Any) -> dict[str, Any]:
    """The console's assessment pages, for the walker's `PAGES`."""
    return {"/assessment": case(), "/assessment/{id}": case()}


PAGE_IDS = {"/assessment/{id}": "assessment_id"}


async def plant(world: World) -> dict[str, str]:
    """甲's household in c1, standing for the last quarter with full marks, and an objection
    with a photo 甲 uploaded."""
    from accounts.models import Household, Resident
    from moralbank.assessment_models import Assessment, AssessmentObjection, AssessmentStandard
    from tests.oversight.conftest import photo

    picture = await photo(world.resident)
    period = localtime.previous_quarter(localtime.quarter_of(localtime.now()))
    async with transaction():
        standard = await AssessmentStandard.create(
            district_id=world.district_id,
            effective_from=datetime(2001, 1, 1, tzinfo=UTC),
            created_by="staff:test",
            standard=YUYAO_STANDARD,
        )
        household = await Household.create(
            name="甲家",
            district_id=world.district_id,
            community_id=world.community_id,
            head_id=world.resident.id,
        )
        await Resident.filter(id=world.resident.id).update(household_id=household.id)
        assessment = await Assessment.create(
            district_id=world.district_id,
            community_id=world.community_id,
            household_id=household.id,
            period=period,
            standard_id=standard.id,
            status="standing",
            score=100,
            opened_by="staff:test",
            published_at=datetime.now(UTC) - timedelta(days=8),
            objection_deadline=datetime.now(UTC) - timedelta(days=1),
            stood_at=datetime.now(UTC),
        )
        objection = await AssessmentObjection.create(
            assessment_id=assessment.id,
            household_id=household.id,
            district_id=world.district_id,
            statement="异议",
            photos=[picture],
            submitted_by=f"resident:{world.resident.id}",
        )
    return {
        "assessment_id": assessment.id,
        "assessment_objection_id": objection.id,
        "photo_id": picture,
    }


async def mark(world: World, marker: str) -> None:
    """Tags c1's households' names for the walker."""
    from accounts.models import Household

    await Household.filter(community_id=world.community_id).update(name=f"家庭{marker}")


def scope_values() -> dict[str, Any]:
    """The assessment's scope values, for `test_scope_forms`."""
    from moralbank import assessment_scope as scope

    return {
        f"moralbank.assessment_scope.{name}": getattr(scope, name)
        for name in (
            "readable_assessments",
            "assessable_assessments",
            "decidable_assessment_objections",
            "objections_showing_photos",
            "readable_standards",
        )
    }


async def seed_forms(row: Any, place: Any, resident: Any, household: Any) -> None:
    """`test_scope_forms`'s rows in one community: the resident a member of the household, its
    assessment with an objection, and a standard of the district."""
    from moralbank.assessment_models import Assessment, AssessmentObjection, AssessmentStandard

    resident.household_id = household.id
    await resident.save(update_fields=["household_id"])
    at_place = {"district_id": place.district_id, "community_id": place.id}
    found = await row(Assessment, **at_place, household_id=household.id, status="open")
    await row(
        AssessmentObjection,
        district_id=place.district_id,
        assessment_id=found.id,
        household_id=household.id,
    )
    await row(AssessmentStandard, district_id=place.district_id)
