"""Who may see what of the moral assessment: one `Scope` per resource. Staff read the
assessments of the places they serve; a resident reads their own household's, and may assess
the open assessments of their community's households (never reading their scores). An
objection's photos are read by the objector and by the staff who may decide it."""

from __future__ import annotations

from accounts.models import Resident
from accounts.scope import own_district, served_places
from kernel.auth import STAFF_ROLES, Principal, Role
from kernel.scope import NEVER, Condition, Scope, eq, within
from moralbank.assessment_models import Assessment, AssessmentObjection, AssessmentStandard
from moralbank.scope import member_of
from oversight.scope import photos_named_by

# The staff who review, publish and decide: the community's workers and the district's
# administrators.
REVIEWERS: tuple[Role, ...] = ("worker", "district_admin")


def _by_place_or_household(who: Principal) -> Condition:
    if who.role in STAFF_ROLES:
        return served_places(who).where()
    if who.role == "resident":
        return member_of(who.id)
    return NEVER


def readable_assessments(who: Principal) -> Scope[Assessment]:
    return Scope(Assessment, _by_place_or_household(who))


def assessable_assessments(who: Principal) -> Scope[Assessment]:
    """The open assessments of the caller's community: those a resident may mark (their own
    household's as a self-assessment, the others' as a neighbour)."""
    if who.role != "resident":
        return Scope(Assessment, NEVER)
    community = within("community_id", Resident, "community_id", eq("id", who.id))
    return Scope(Assessment, community & eq("status", "open"))


def decidable_assessment_objections(who: Principal) -> Scope[AssessmentObjection]:
    """The objections the caller may decide: a reviewer's, of the places they serve."""
    if who.role not in REVIEWERS:
        return Scope(AssessmentObjection, NEVER)
    return Scope(
        AssessmentObjection,
        within("assessment_id", Assessment, "id", served_places(who).where()),
    )


def objections_showing_photos(who: Principal) -> Scope[AssessmentObjection]:
    """The objections whose photos the caller reads: their own (they uploaded the photos) and
    those they may decide, as the photos' scope says (`photos_named_by` below)."""
    own = eq("submitted_by", who.subject)
    return Scope(AssessmentObjection, own | decidable_assessment_objections(who).where)


def readable_standards(who: Principal) -> Scope[AssessmentStandard]:
    """A district's standard is read by its staff and residents (the items they score)."""
    if who.role in (*STAFF_ROLES, "resident"):
        return Scope(AssessmentStandard, own_district(who))
    return Scope(AssessmentStandard, NEVER)


# An objection's photos are oversight's (uploaded with `POST /api/v1/oversight/photos`): besides
# their owner, the staff who may decide the objection read them.
photos_named_by(AssessmentObjection, decidable_assessment_objections)
