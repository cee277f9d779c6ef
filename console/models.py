"""Tables of the console: staff sessions held by a cookie, check-in screens, dashboard
snapshots and rollups (the log of exports is the kernel's: `kernel.models.ExportLog`)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from kernel.ids import new_id


class ConsoleSession(Model):
    """A signed-in member of staff in a browser. The cookie carries a random token, and only
    its hash is stored. It ends `CONSOLE_IDLE_MINUTES` after the person's last request or
    `CONSOLE_SESSION_HOURS` after signing in, whichever comes first; signing out deletes it.
    An ended row is kept until an hour past its absolute end, so that the login page can say
    why and a form the browser posts afterwards is shown again, filled in, once the same
    person signs in again (docs/console.md, "Session")."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    token_hash = fields.CharField(max_length=64, unique=True)
    staff_id = fields.CharField(max_length=26, db_index=True)
    csrf_token = fields.CharField(max_length=64)
    refresh_family = fields.CharField(max_length=26, null=True)
    # Where it was signed in from, for the person's list of their sessions.
    address = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=300, default="")
    flash = fields.TextField(null=True)
    flash_error = fields.BooleanField(default=False)
    # A form to show again on the next page: its action, the values typed (never a password
    # or a CSRF token) and what was wrong (`console.forms`); cleared when shown.
    form_state: Any = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # The person's last request, recorded at most once a minute.
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()  # the absolute limit
    ended_at = fields.DatetimeField(null=True)
    ended_reason = fields.CharField(max_length=16, null=True)  # timeout | ended

    class Meta:
        table = "console_session"


class CheckinScreen(Model):
    """A check-in screen opened from the console: a credential of its own, held by a cookie
    scoped to the screen's address, that serves one activity's rotating codes and arrivals and
    nothing else, until the activity's end plus a grace. Its login (a refresh family of the
    staff account, never handed out) ends with the account's other logins when the account
    is disabled or its password reset."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    token_hash = fields.CharField(max_length=64, unique=True)
    activity_id = fields.CharField(max_length=26, db_index=True)
    staff_id = fields.CharField(max_length=26, db_index=True)
    refresh_family = fields.CharField(max_length=26)
    address = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()  # the activity's end plus the grace, as last seen

    class Meta:
        table = "console_checkin_screen"


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
