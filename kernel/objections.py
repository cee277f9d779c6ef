"""An objection (异议) to a result published for a period before it stands, as every domain that
publishes one takes it (the red/black lists, the households' moral assessment): the statement,
who made it and when, and the decision, taken once, with its reason."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise import fields
from tortoise.models import Model

from kernel.ids import new_id


class ObjectionShape(Model):
    """The columns every objection table has; a domain adds what the objection is to."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    statement = fields.TextField()
    photos: Any = fields.JSONField(default=list)
    submitted_by = fields.CharField(max_length=64)
    submitted_at = fields.DatetimeField(auto_now_add=True)
    decision = fields.CharField(max_length=16, null=True)
    decision_reason = fields.TextField(null=True)
    decided_by = fields.CharField(max_length=64, null=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        abstract = True


def window_open(deadline: datetime | None, now: datetime | None = None) -> bool:
    """Whether objections are still taken: a window was opened and has not closed."""
    return deadline is not None and (now or datetime.now(UTC)) < deadline


async def decide_once(objection: ObjectionShape, *, by: str, decision: str, reason: str) -> bool:
    """Records the decision unless one was recorded already (a conditional update, so of two
    racing decisions one wins); reads the row back. False: it was decided before."""
    decided = (
        await type(objection)
        .filter(id=objection.id, decision__isnull=True)
        .update(
            decision=decision,
            decision_reason=reason,
            decided_by=by,
            decided_at=datetime.now(UTC),
        )
    )
    await objection.refresh_from_db()
    return bool(decided)
