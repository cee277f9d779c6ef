"""Tables of the console: staff sessions held by a cookie, dashboard snapshots and rollups
(the log of exports is the kernel's: `kernel.models.ExportLog`)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from kernel.ids import new_id


class ConsoleSession(Model):
    """A signed-in member of staff in a browser. The cookie carries a random token, and only
    its hash is stored. It lives as long as a refresh token, and signing out deletes it."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    token_hash = fields.CharField(max_length=64, unique=True)
    staff_id = fields.CharField(max_length=26, db_index=True)
    csrf_token = fields.CharField(max_length=64)
    refresh_family = fields.CharField(max_length=26, null=True)
    flash = fields.TextField(null=True)
    flash_error = fields.BooleanField(default=False)
    expires_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "console_session"


class DashboardSnapshot(Model):
    """The dashboard of a district or a community over the last twelve months, as computed by
    the `console-dashboards` job (or the last page view that computed it): a year of records
    takes seconds to add up, a snapshot milliseconds to show."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    # district:<id>, community:<id>, communities:<set key> (a worker's several) or city
    scope = fields.CharField(max_length=64, unique=True)
    period_from = fields.DateField()
    period_to = fields.DateField()
    data: Any = fields.JSONField()
    computed_at = fields.DatetimeField()

    class Meta:
        table = "console_dashboard_snapshot"


class DashboardDay(Model):
    """The dashboards' additive figures of one past day, per district, community and civility
    action (credits, which carry no action, have rows with an empty one), as the
    `console-dashboards` job added them up. A period's dashboard sums these rows and adds the
    days the rollup does not cover yet (today) live."""

    id = fields.BigIntField(primary_key=True)
    district_id = fields.CharField(max_length=26)
    community_id = fields.CharField(max_length=26, null=True)
    day = fields.DateField()
    action = fields.CharField(max_length=64, default="")
    records = fields.IntField(default=0)
    hours_tenths = fields.BigIntField(default=0)  # verified hours × 10 (hours have one decimal)
    deeds = fields.IntField(default=0)  # approved
    issued = fields.BigIntField(default=0)  # ledger units
    redeemed = fields.BigIntField(default=0)
    expired = fields.BigIntField(default=0)

    class Meta:
        table = "console_dashboard_day"
        indexes = (("district_id", "day"),)


class DashboardFirst(Model):
    """Distinct people, made additive: for each day a resident was active and the day they
    were last active before it (`prev`, none for their first), how many residents. Those
    active in a period are the rows of its days whose `prev` is before the period starts.
    `kind` is `participant` (a service record or an approved deed) or `served` (a service
    record); `community_id` is empty for the whole district."""

    id = fields.BigIntField(primary_key=True)
    district_id = fields.CharField(max_length=26)
    kind = fields.CharField(max_length=16)
    community_id = fields.CharField(max_length=26, default="")
    day = fields.DateField()
    prev = fields.DateField(null=True)
    residents = fields.IntField()

    class Meta:
        table = "console_dashboard_first"
        # Every column: a period's count reads the index alone.
        indexes = (("district_id", "kind", "day", "community_id", "prev", "residents"),)


class DashboardRollup(Model):
    """How far a district's rollup goes: every day before `through` is in `DashboardDay`."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, unique=True)
    through = fields.DateField()
    # Every ledger entry of a day after the rollup has an id above this: a dashboard adds up
    # the entries above it (a day's worth) live instead of scanning the ledger by time.
    entry_watermark = fields.BigIntField(default=0)
    built_at = fields.DatetimeField()

    class Meta:
        table = "console_dashboard_rollup"
