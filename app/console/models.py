"""Tables of the console: staff sessions held by a cookie, and the log of exports."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from app.core.ids import new_id


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


class ExportLog(Model):
    """Who exported what, of which period, and when."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    staff_id = fields.CharField(max_length=26, db_index=True)
    district_id = fields.CharField(max_length=26, null=True, db_index=True)
    # The communities a worker's export covered (comma-separated), empty for a district.
    communities = fields.TextField(default="")
    kind = fields.CharField(max_length=32)
    format = fields.CharField(max_length=8)
    date_from = fields.DateField()
    date_to = fields.DateField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "console_export_log"


class DashboardSnapshot(Model):
    """The dashboard of a district or a community over the last twelve months, as computed by
    the `console-dashboards` job (or the last page view that computed it): a year of records
    takes seconds to add up, a snapshot milliseconds to show."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    scope = fields.CharField(max_length=64, unique=True)  # district:<id> or community:<id>
    period_from = fields.DateField()
    period_to = fields.DateField()
    data: Any = fields.JSONField()
    computed_at = fields.DatetimeField()

    class Meta:
        table = "console_dashboard_snapshot"
