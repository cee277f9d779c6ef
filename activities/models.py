"""Tables of the activities domain: actions, activities, enrolments, attendance, service
records, deeds, uploads, corrections and certificates."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from kernel.ids import new_id
from kernel.uploads import StoredImage


class CivilityAction(Model):
    """A civility action. The ten of the city have no district and are never edited."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, null=True, db_index=True)
    code = fields.CharField(max_length=64)
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    verification = fields.CharField(max_length=200, default="")
    # How it is verified (activities.verification.RULES), applied by the deed endpoints.
    verification_rule = fields.CharField(max_length=32, null=True, default="self_report")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "civility_action"
        unique_together = (("district_id", "code"),)


class Activity(Model):
    """A volunteering activity published by a worker for one community."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, db_index=True)
    community_id = fields.CharField(max_length=26, db_index=True)
    action = fields.CharField(max_length=64)
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()
    # Street activities take whoever turns up: a valid check-in with a free seat enrols.
    walk_ins = fields.BooleanField(default=False, db_default=False)
    enrolled_count = fields.IntField(default=0)  # seats taken (a no-show keeps its seat)
    # The enrolments at it now by status, kept by every statement that changes one (enrol,
    # cancel, promotion, walk-in, no-show), so the list reads them instead of counting.
    enrolled_now = fields.IntField(default=0, db_default=0)
    waitlisted_now = fields.IntField(default=0, db_default=0)
    lat = fields.FloatField()
    lng = fields.FloatField()
    radius_m = fields.IntField()
    address = fields.CharField(max_length=300, default="")
    status = fields.CharField(max_length=16, default="published", db_index=True)
    cancel_reason = fields.TextField(null=True)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "activity"


class Enrollment(Model):
    """A resident's place in an activity: enrolled, waitlisted, cancelled or no-show."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    activity_id = fields.CharField(max_length=26, db_index=True)
    resident_id = fields.CharField(max_length=26, db_index=True)
    status = fields.CharField(max_length=16)
    queued_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "enrollment"
        unique_together = (("activity_id", "resident_id"),)


class Attendance(Model):
    """A resident's presence at an activity, live (checked in on site) or back-filled."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, db_index=True)
    community_id = fields.CharField(max_length=26, db_index=True)
    activity_id = fields.CharField(max_length=26, db_index=True)
    resident_id = fields.CharField(max_length=26, db_index=True)
    source = fields.CharField(max_length=16)
    status = fields.CharField(max_length=16, db_index=True)
    checked_in_at = fields.DatetimeField()
    checked_out_at = fields.DatetimeField(null=True)
    hours = fields.DecimalField(max_digits=6, decimal_places=1, null=True)
    check_in_lat = fields.FloatField(null=True)
    check_in_lng = fields.FloatField(null=True)
    check_out_lat = fields.FloatField(null=True)
    check_out_lng = fields.FloatField(null=True)
    device = fields.CharField(max_length=128, null=True)
    note = fields.TextField(default="")
    flags: Any = fields.JSONField(default=list)
    recorded_by = fields.CharField(max_length=64)
    decided_by = fields.CharField(max_length=64, null=True)
    decided_at = fields.DatetimeField(null=True)
    decision_reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "attendance"
        unique_together = (("activity_id", "resident_id"),)
        # The shared-spot check reads the check-ins near one spot or from one device at an
        # activity (a few rows), not all of a city-wide activity's attendances.
        indexes = (("activity_id", "check_in_lat", "check_in_lng"), ("activity_id", "device"))


class ServiceRecord(Model):
    """A verified service record. Never edited: a correction adds a record or a reversal."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, db_index=True)
    community_id = fields.CharField(max_length=26)
    resident_id = fields.CharField(max_length=26, db_index=True)
    activity_id = fields.CharField(max_length=26, db_index=True)
    attendance_id = fields.CharField(max_length=26, null=True, unique=True)
    kind = fields.CharField(max_length=16, default="record")
    reverses_id = fields.CharField(max_length=26, null=True, unique=True)
    correction_id = fields.CharField(max_length=26, null=True)
    action = fields.CharField(max_length=64)
    content = fields.CharField(max_length=200)
    organiser = fields.CharField(max_length=200)
    hours = fields.DecimalField(max_digits=6, decimal_places=1)
    served_on = fields.DateField(db_index=True)
    backfill = fields.BooleanField(default=False)
    reason = fields.TextField(default="")
    verified_by = fields.CharField(max_length=64)
    verified_at = fields.DatetimeField()

    class Meta:
        table = "service_record"


class Upload(StoredImage):
    """An uploaded image, kept by the storage under `storage_key`."""

    folder = "evidence"
    # A resident's evidence belongs to their community (its workers read it); staff's to none.
    community_id = fields.CharField(max_length=26, null=True)

    class Meta:
        table = "upload"


class Deed(Model):
    """A good deed: reported by the resident, or attested by a worker (in proxy mode too)."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, db_index=True)
    community_id = fields.CharField(max_length=26, db_index=True)
    resident_id = fields.CharField(max_length=26, db_index=True)
    action = fields.CharField(max_length=64)
    description = fields.TextField()
    occurred_at = fields.DatetimeField()
    occurred_on = fields.DateField()
    lat = fields.FloatField(null=True)
    lng = fields.FloatField(null=True)
    evidence: Any = fields.JSONField(default=list)
    mode = fields.CharField(max_length=16)
    consent = fields.TextField(null=True)
    status = fields.CharField(max_length=16, db_index=True)
    flags: Any = fields.JSONField(default=list)
    reported_by = fields.CharField(max_length=64)
    reviewed_by = fields.CharField(max_length=64, null=True)
    reviewed_at = fields.DatetimeField(null=True)
    review_reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "deed"
        indexes = (("resident_id", "action", "occurred_on"),)


class EventFiling(Model):
    """An event filed in advance (移风易俗: a family files a banquet before it), confirmed or
    declined by a worker afterwards; confirmation records an approved deed, which earns."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, db_index=True)
    community_id = fields.CharField(max_length=26, db_index=True)
    resident_id = fields.CharField(max_length=26, db_index=True)
    action = fields.CharField(max_length=64)
    description = fields.TextField()
    planned_on = fields.DateField()
    status = fields.CharField(max_length=16, default="filed", db_index=True)
    decided_by = fields.CharField(max_length=64, null=True)
    decided_at = fields.DatetimeField(null=True)
    decision_reason = fields.TextField(null=True)
    deed_id = fields.CharField(max_length=26, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "event_filing"


class Correction(Model):
    """A resident's request to correct a wrong record or add a missing one, and its decision."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, db_index=True)
    community_id = fields.CharField(max_length=26, db_index=True)
    resident_id = fields.CharField(max_length=26, db_index=True)
    record_id = fields.CharField(max_length=26, null=True)
    activity_id = fields.CharField(max_length=26, null=True)
    hours = fields.DecimalField(max_digits=6, decimal_places=1, null=True)
    reason = fields.TextField()
    status = fields.CharField(max_length=16, default="pending")
    decided_by = fields.CharField(max_length=64, null=True)
    decided_at = fields.DatetimeField(null=True)
    decision_reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "correction"


class Certificate(Model):
    """A certificate of service: what it stated when issued, checkable by its number."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    number = fields.CharField(max_length=32, unique=True)
    district_id = fields.CharField(max_length=26, db_index=True)
    resident_id = fields.CharField(max_length=26, db_index=True)
    holder_masked = fields.CharField(max_length=64)
    hours = fields.DecimalField(max_digits=10, decimal_places=1)
    record_count = fields.IntField()
    issuer = fields.CharField(max_length=200)
    storage_key = fields.CharField(max_length=200)
    issued_at = fields.DatetimeField()
    # A revoked certificate stays checkable: `/verify` says it was revoked, when and why.
    revoked_at = fields.DatetimeField(null=True)
    revoked_by = fields.CharField(max_length=64, null=True)
    revoke_reason = fields.TextField(null=True)

    class Meta:
        table = "certificate"
