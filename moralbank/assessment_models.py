"""The quarterly moral assessment of households: a district's scoring standard (versioned),
each household's assessment of a period, the marks its members and neighbours give, the
community's reviews, and objections to a published result."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from kernel.ids import new_id
from kernel.objections import ObjectionShape


class AssessmentStandard(Model):
    """One version of the scoring standard of a district, in force from `effective_from`."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    effective_from = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)
    created_by = fields.CharField(max_length=64)
    standard: Any = fields.JSONField()

    class Meta:
        table = "assessment_standard"
        indexes = (("district_id", "effective_from"),)


class Assessment(Model):
    """The assessment of one household for one quarter, under the standard version in force
    when the period was opened: open → reviewed → published (objections) → standing."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    community_id = fields.CharField(max_length=26)
    household_id = fields.CharField(max_length=26, db_index=True)
    period = fields.CharField(max_length=8)
    standard_id = fields.CharField(max_length=26)
    status = fields.CharField(max_length=16, default="open")
    score = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    vetoed = fields.BooleanField(default=False)
    opened_by = fields.CharField(max_length=64)
    opened_at = fields.DatetimeField(auto_now_add=True)
    reviewed_at = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True)
    published_by = fields.CharField(max_length=64, null=True)
    objection_deadline = fields.DatetimeField(null=True)
    stood_at = fields.DatetimeField(null=True)
    credits = fields.DecimalField(max_digits=12, decimal_places=2, null=True)

    class Meta:
        table = "assessment"
        unique_together = (("household_id", "period"),)
        indexes = (("district_id", "community_id", "period"),)


class AssessmentMark(Model):
    """Points per item given by a household to itself (self) or to a neighbour, by one of its
    members. One per assessing household and assessment."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    assessment_id = fields.CharField(max_length=26, db_index=True)
    district_id = fields.CharField(max_length=26)
    period = fields.CharField(max_length=8)
    kind = fields.CharField(max_length=16)  # self, neighbour
    by_household_id = fields.CharField(max_length=26)
    by_resident_id = fields.CharField(max_length=26)
    points: Any = fields.JSONField()
    total = fields.DecimalField(max_digits=6, decimal_places=2)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "assessment_mark"
        unique_together = (("assessment_id", "by_household_id"),)
        indexes = (("by_household_id", "period"),)


class AssessmentReview(Model):
    """The score the community gives an assessment, item by item: the points of each item with
    the reason for any deduction, the vetoes with theirs. The latest review is the result; a
    review after an objection says so (`cause`)."""

    id = fields.BigIntField(primary_key=True)
    assessment_id = fields.CharField(max_length=26, db_index=True)
    district_id = fields.CharField(max_length=26)
    items: Any = fields.JSONField()
    vetoes: Any = fields.JSONField()
    score = fields.DecimalField(max_digits=6, decimal_places=2)
    cause = fields.CharField(max_length=16)  # review, objection
    by = fields.CharField(max_length=64)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "assessment_review"


class AssessmentObjection(ObjectionShape):
    """An objection (异议) by a member of the household to its published result, and the
    decision of the community: uphold (the result stays) or revise (a new review, cause
    objection)."""

    assessment_id = fields.CharField(max_length=26, db_index=True)
    household_id = fields.CharField(max_length=26)

    class Meta:
        table = "assessment_objection"
