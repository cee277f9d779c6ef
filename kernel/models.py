"""Kernel tables: refresh tokens, login failures, request budgets, idempotency, job runs, the
notification outbox, the log of exports."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from kernel.ids import new_id


class RefreshToken(Model):
    """One refresh token, a family is one login. Reusing a used token revokes the family."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    token_hash = fields.CharField(max_length=64, unique=True)
    family = fields.CharField(max_length=26, db_index=True)
    subject = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "refresh_token"


class LoginFailure(Model):
    """A failed login, counted per account and per client address to rate-limit guessing."""

    id = fields.BigIntField(primary_key=True)
    account = fields.CharField(max_length=150, db_index=True)
    address = fields.CharField(max_length=64, db_index=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "login_failure"


class RequestCount(Model):
    """Requests of one subject counted in one fixed window of a budget (`kernel.ratelimit.spend`):
    one row per (subject, window), its count raised in the request's own transaction."""

    id = fields.BigIntField(primary_key=True)
    subject = fields.CharField(max_length=150)
    # The window by its kind and its start, e.g. `minute:202612070326` or `day:2026-12-07`.
    span = fields.CharField(max_length=32)
    ends_at = fields.DatetimeField()
    used = fields.IntField()

    class Meta:
        table = "request_count"
        unique_together = (("subject", "span"),)


class IdempotencyRecord(Model):
    """The first response to a value-moving request, replayed for retries with the same key."""

    id = fields.BigIntField(primary_key=True)
    principal = fields.CharField(max_length=64)
    key = fields.CharField(max_length=200)
    request_hash = fields.CharField(max_length=64)
    status_code = fields.IntField()
    response_body: Any = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("principal", "key"),)


class JobRun(Model):
    """One run of a scheduled job for one time slot, the unique pair makes replicas take turns."""

    id = fields.BigIntField(primary_key=True)
    job = fields.CharField(max_length=64)
    slot = fields.CharField(max_length=40)
    status = fields.CharField(max_length=16)  # running, succeeded, failed
    trigger = fields.CharField(max_length=16)  # schedule, manual
    runner = fields.CharField(max_length=120)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    stats: Any = fields.JSONField(default=dict)
    error = fields.TextField(null=True)

    class Meta:
        table = "job_run"
        unique_together = (("job", "slot"),)


class Notification(Model):
    """The outbox: written in the transaction of the event, `dispatch-notifications` sends it."""

    id = fields.BigIntField(primary_key=True)
    recipient_kind = fields.CharField(max_length=16)  # resident, staff
    recipient_id = fields.CharField(max_length=26, db_index=True)
    topic = fields.CharField(max_length=64)
    payload: Any = fields.JSONField(default=dict)
    status = fields.CharField(max_length=16, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)
    # The resident's inbox shows every notice, sent as a subscribe message or not.
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        indexes = (("recipient_kind", "recipient_id", "id"),)


# Every export, from the console or the API, is recorded once its last byte has gone out
# (`kernel.tabular.logged`).
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
