"""A district's scoring standard for the moral assessment, versioned as the district's rules
are (`accounts.versions`): in force from a moment, never changed in the past, and each
assessment keeps the version it was opened under."""

from __future__ import annotations

from datetime import UTC, datetime

from accounts.models import District
from accounts.versions import Versions, effective_from
from kernel.auth import Principal
from kernel.i18n import N_
from moralbank.assessment_errors import NoStandard
from moralbank.assessment_models import AssessmentStandard
from moralbank.assessment_schemas import AssessmentRules, AssessmentStandardIn

STANDARDS = Versions(AssessmentStandard)


async def define_standard(
    district: District, body: AssessmentStandardIn, *, by: Principal, history: bool = False
) -> AssessmentStandard:
    """A new version of the district's standard, in force from `effective_from` (now by
    default; never in the past, except for `history`, the demo's and tests' past)."""
    start = effective_from(
        body.effective_from,
        now=datetime.now(UTC),
        detail=N_("A standard dated in the past would change assessments made under another."),
        history=history,
    )
    rules = AssessmentRules.model_validate(body.model_dump(exclude={"effective_from"}))
    return await AssessmentStandard.create(
        district_id=district.id,
        effective_from=start,
        created_by=by.subject,
        standard=rules.model_dump(mode="json"),
    )


async def standard_in_force(district_id: str, at: datetime) -> AssessmentStandard:
    found = await STANDARDS.version_at(district_id, at)
    if found is None:
        raise NoStandard(N_("The district has not defined its scoring standard yet."))
    return found


async def rules_of(standard_id: str) -> AssessmentRules:
    """The rules of one version (an assessment's own)."""
    standard = await AssessmentStandard.get(id=standard_id)
    return AssessmentRules.model_validate(standard.standard)
