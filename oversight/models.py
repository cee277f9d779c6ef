"""Tables of the accountability half: units, problem reports, inspections, rectification,
red and black lists with objections and credit repair. Decisions are rows of their own:
nothing published or decided is edited in place."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from kernel.i18n import N_
from kernel.ids import new_id
from kernel.objections import ObjectionShape
from kernel.uploads import StoredImage

# The kinds of unit a district oversees, by their names (translated where shown).
UNIT_TYPE_NAMES = {
    "shop": N_("Shop"),
    "restaurant": N_("Restaurant"),
    "farmers_market": N_("Farmers' market"),
    "property_service": N_("Property service"),
    "school": N_("School"),
    "public_venue": N_("Public venue"),
}
UNIT_TYPES = tuple(UNIT_TYPE_NAMES)
# Why a unit is on a list (`ListEntry.reason_category`), by their names.
REASON_NAMES = {
    "high_score": N_("High score"),
    "failed_inspection": N_("Failed inspection"),
    "confirmed_reports": N_("Confirmed problem reports"),
    "low_score": N_("Low score"),
}


class Unit(Model):
    """A business or organisation the district oversees."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, db_index=True)
    community_id = fields.CharField(max_length=26, db_index=True)
    code = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    type = fields.CharField(max_length=32)
    address = fields.CharField(max_length=300, default="")
    lat = fields.FloatField(null=True)
    lng = fields.FloatField(null=True)
    responsible_name = fields.CharField(max_length=64, default="")
    responsible_phone = fields.CharField(max_length=32, default="")
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oversight_unit"
        unique_together = (("district_id", "code"),)
        indexes = (("district_id", "type"),)


class UnitAccount(Model):
    """Which unit a `unit_staff` login speaks for."""

    id = fields.BigIntField(primary_key=True)
    staff_id = fields.CharField(max_length=26, unique=True)
    unit_id = fields.CharField(max_length=26, db_index=True)
    # The WeChat account (mini-program openid) that may sign in as this login, once bound.
    wechat_openid = fields.CharField(max_length=64, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oversight_unit_account"


class OversightRulesVersion(Model):
    """A district's oversight rules from `effective_from` on (categories, duplicates, scoring,
    lists). A change adds a version; a score names the version it was computed by."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    effective_from = fields.DatetimeField()
    rules: Any = fields.JSONField()
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oversight_rules_version"
        indexes = (("district_id", "effective_from"),)


class Photo(StoredImage):
    """An image kept as evidence: of a problem, a failed checklist item, a rectification."""

    folder = "oversight"

    class Meta:
        table = "oversight_photo"


class ProblemReport(Model):
    """A resident's report of an uncivil problem (随手拍)."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    community_id = fields.CharField(max_length=26)
    reporter_id = fields.CharField(max_length=26, db_index=True)
    unit_id = fields.CharField(max_length=26, null=True, db_index=True)
    category = fields.CharField(max_length=64)
    description = fields.TextField()
    address = fields.CharField(max_length=300, default="")
    lat = fields.FloatField(null=True)
    lng = fields.FloatField(null=True)
    photos: Any = fields.JSONField(default=list)
    # submitted → rejected | merged | confirmed → resolved
    status = fields.CharField(max_length=16, default="submitted")
    merged_into_id = fields.CharField(max_length=26, null=True)
    task_id = fields.CharField(max_length=26, null=True)
    reported_on = fields.DateField()
    decided_by = fields.CharField(max_length=64, null=True)
    decided_at = fields.DatetimeField(null=True)
    decision_reason = fields.TextField(null=True)
    credits_posted = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oversight_problem_report"
        indexes = (("district_id", "status", "category"), ("community_id", "status"))


class Checklist(Model):
    """An inspection checklist for one unit type. Never edited: a new one supersedes it."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, db_index=True)
    unit_type = fields.CharField(max_length=32)
    name = fields.CharField(max_length=200)
    pass_mark = fields.DecimalField(max_digits=5, decimal_places=2)
    supersedes_id = fields.CharField(max_length=26, null=True)
    retired_at = fields.DatetimeField(null=True)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oversight_checklist"


class ChecklistItem(Model):
    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    checklist_id = fields.CharField(max_length=26, db_index=True)
    code = fields.CharField(max_length=64)
    text = fields.CharField(max_length=300)
    weight = fields.IntField()
    max_score = fields.IntField()
    position = fields.IntField()

    class Meta:
        table = "oversight_checklist_item"
        unique_together = (("checklist_id", "code"),)


class Inspection(Model):
    """An inspection of a unit by a checklist: planned (assigned), then recorded on site."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    community_id = fields.CharField(max_length=26)
    unit_id = fields.CharField(max_length=26, db_index=True)
    checklist_id = fields.CharField(max_length=26)
    assigned_to = fields.CharField(max_length=26, null=True, db_index=True)
    reinspection_of_id = fields.CharField(max_length=26, null=True)
    status = fields.CharField(max_length=16, default="assigned")  # assigned, recorded
    score = fields.DecimalField(max_digits=5, decimal_places=2, null=True)
    passed = fields.BooleanField(null=True)
    lat = fields.FloatField(null=True)
    lng = fields.FloatField(null=True)
    inspected_by = fields.CharField(max_length=64, null=True)
    inspected_at = fields.DatetimeField(null=True)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oversight_inspection"
        indexes = (("district_id", "inspected_at"),)


class InspectionResult(Model):
    """One checklist item's score in one inspection."""

    id = fields.BigIntField(primary_key=True)
    district_id = fields.CharField(max_length=26)
    inspection_id = fields.CharField(max_length=26, db_index=True)
    item_id = fields.CharField(max_length=26)
    score = fields.IntField()
    photos: Any = fields.JSONField(default=list)
    note = fields.TextField(default="")

    class Meta:
        table = "oversight_inspection_result"
        unique_together = (("inspection_id", "item_id"),)


class Notice(Model):
    """A notice (通报) to a unit: a failed inspection, a black-list draft, a decision."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    unit_id = fields.CharField(max_length=26, db_index=True)
    kind = fields.CharField(max_length=32)
    subject_id = fields.CharField(max_length=26)
    text = fields.TextField()
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oversight_notice"


class RectificationTask(Model):
    """A task to put a problem right (整改), for a unit or a department, by a deadline."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    community_id = fields.CharField(max_length=26, db_index=True)
    unit_id = fields.CharField(max_length=26, null=True, db_index=True)
    department = fields.CharField(max_length=100, null=True)
    source = fields.CharField(max_length=16)  # report, inspection
    source_id = fields.CharField(max_length=26)
    instructions = fields.TextField()
    deadline = fields.DatetimeField()
    # open → submitted → (open again | accepted) → closed; escalated when overdue or re-failed
    status = fields.CharField(max_length=16, default="open")
    escalation_level = fields.IntField(default=0)
    reminded_before_at = fields.DatetimeField(null=True)
    overdue_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oversight_rectification_task"
        indexes = (("status", "deadline"),)


class TaskStep(Model):
    """Every step of a rectification: who, when, what (opened, evidence, review, reminder, …)."""

    id = fields.BigIntField(primary_key=True)
    task_id = fields.CharField(max_length=26, db_index=True)
    district_id = fields.CharField(max_length=26)
    kind = fields.CharField(max_length=32)
    actor = fields.CharField(max_length=64)
    note = fields.TextField(default="")
    photos: Any = fields.JSONField(default=list)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oversight_task_step"


class UnitScore(Model):
    """A unit's score for one period, computed by the list job under one rules version."""

    id = fields.BigIntField(primary_key=True)
    district_id = fields.CharField(max_length=26)
    unit_id = fields.CharField(max_length=26)
    unit_type = fields.CharField(max_length=32)
    period = fields.CharField(max_length=8)
    score = fields.DecimalField(max_digits=6, decimal_places=2)
    inspections = fields.IntField()
    failed_inspections = fields.IntField()
    confirmed_reports = fields.IntField()
    rules_version_id = fields.CharField(max_length=26, null=True)
    computed_at = fields.DatetimeField()

    class Meta:
        table = "oversight_unit_score"
        unique_together = (("unit_id", "period"),)
        indexes = (("district_id", "period", "unit_type"),)


class UnitList(Model):
    """A red/black list (红黑榜) of one district, unit type and period:
    draft → noticed (objection window) → published."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    unit_type = fields.CharField(max_length=32)
    period = fields.CharField(max_length=8)
    status = fields.CharField(max_length=16, default="draft")
    objection_deadline = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField()
    rules_version_id = fields.CharField(max_length=26, null=True)
    computed_at = fields.DatetimeField()
    noticed_at = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True)
    published_by = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "oversight_unit_list"
        unique_together = (("district_id", "unit_type", "period"),)


class ListEntry(Model):
    """A unit on a list. Its removal (objection upheld, withdrawal, repair) is a row of
    `ListEntryRemoval`; the entry itself never changes."""

    id = fields.BigIntField(primary_key=True)
    list_id = fields.CharField(max_length=26, db_index=True)
    district_id = fields.CharField(max_length=26)
    unit_id = fields.CharField(max_length=26, db_index=True)
    colour = fields.CharField(max_length=8)  # red, black
    score = fields.DecimalField(max_digits=6, decimal_places=2)
    reason_category = fields.CharField(max_length=32)

    class Meta:
        table = "oversight_list_entry"
        unique_together = (("list_id", "unit_id"),)


class ListEntryRemoval(Model):
    id = fields.BigIntField(primary_key=True)
    entry_id = fields.BigIntField(unique=True)
    district_id = fields.CharField(max_length=26)
    kind = fields.CharField(max_length=16)  # objection, withdrawal, repair
    reason = fields.TextField()
    by = fields.CharField(max_length=64)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oversight_list_entry_removal"


class ListPublication(Model):
    """What was published when: a snapshot of the public entries at each publication."""

    id = fields.BigIntField(primary_key=True)
    list_id = fields.CharField(max_length=26, db_index=True)
    district_id = fields.CharField(max_length=26)
    entries: Any = fields.JSONField()
    reason = fields.TextField(default="")
    by = fields.CharField(max_length=64)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oversight_list_publication"


class Appeal(ObjectionShape):
    """A unit's statement against its black-list entry, and the district's decision on it:
    an objection (异议) while the list is noticed, or credit repair (信用修复) once it is
    published. Two tables of the objections' shape (`kernel.objections`)."""

    entry_id = fields.BigIntField(db_index=True)
    unit_id = fields.CharField(max_length=26, db_index=True)

    class Meta:
        abstract = True


class Objection(Appeal):
    """A unit's objection (异议) to its black-list entry, and the district's decision."""

    # decision: uphold (the listing stays) or remove (a ListEntryRemoval of kind objection)

    class Meta:
        table = "oversight_objection"


class CreditRepair(Appeal):
    """A unit's application for credit repair (信用修复) after rectification, and the decision."""

    # decision: grant (the entry is withdrawn, kind repair) or refuse

    class Meta:
        table = "oversight_credit_repair"
