"""Tables of recognition: badge definitions, awards, honour rolls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from kernel.ids import new_id

if TYPE_CHECKING:
    from accounts.models import Community, District, Resident


HONOUR_BOARDS = ("hours", "credits", "communities")


class BadgeDefinition(Model):
    """A badge and the criterion that earns it. Platform badges have no district and hold in all."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district: fields.ForeignKeyNullableRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="badges", null=True, on_delete=fields.RESTRICT
    )
    district_id: str | None
    code = fields.CharField(max_length=64)
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    # hours_total, action_count, credits_earned, distinct_actions
    criterion_kind = fields.CharField(max_length=32)
    criterion_action = fields.CharField(max_length=64, null=True)
    threshold = fields.DecimalField(max_digits=14, decimal_places=2)
    # 1 to 5 for the platform's volunteer star levels, else null.
    star = fields.SmallIntField(null=True)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "badge_definition"
        unique_together = (("district_id", "code"),)


class BadgeAward(Model):
    """A badge awarded to a resident: at most one per resident and badge, never deleted."""

    # The serial id is also the award's index in the revocation status list.
    id = fields.BigIntField(primary_key=True)
    # The credential's public id, in its URL: unguessable, unlike the serial id.
    public_id = fields.CharField(max_length=32, unique=True)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="badge_awards", on_delete=fields.RESTRICT
    )
    district_id: str
    resident: fields.ForeignKeyRelation[Resident] = fields.ForeignKeyField(
        "models.Resident", related_name="badge_awards", on_delete=fields.RESTRICT
    )
    resident_id: str
    badge: fields.ForeignKeyRelation[BadgeDefinition] = fields.ForeignKeyField(
        "models.BadgeDefinition", related_name="awards", on_delete=fields.RESTRICT
    )
    badge_id: str
    awarded_at = fields.DatetimeField()
    # The award-badges run that made it, so that run queues its notices set-based.
    awarded_run = fields.CharField(max_length=26, null=True)
    revoked_at = fields.DatetimeField(null=True)
    revocation_reason = fields.TextField(null=True)
    revoked_by = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "badge_award"
        unique_together = (("resident_id", "badge_id"),)
        indexes = (("district_id", "awarded_at"),)


class BadgeCandidate(Model):
    """A badge a resident meets, as one award-badges run found it: the run works through these."""

    id = fields.BigIntField(primary_key=True)
    run = fields.CharField(max_length=26)
    resident_id = fields.CharField(max_length=26)
    badge_id = fields.CharField(max_length=26)
    district_id = fields.CharField(max_length=26)
    created_at = fields.DatetimeField()

    class Meta:
        table = "badge_candidate"
        indexes = (("run", "resident_id", "badge_id"), ("created_at",))


class HonourRoll(Model):
    """A district honour roll for one month: a draft the job or an administrator takes, which
    an administrator reviews and publishes. Residents see published rolls only; a published
    roll is never taken again."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="honour_rolls", on_delete=fields.RESTRICT
    )
    district_id: str
    period = fields.CharField(max_length=7)  # YYYY-MM
    taken_at = fields.DatetimeField()
    # draft, published
    status = fields.CharField(max_length=16, default="draft", db_default="draft")
    published_at = fields.DatetimeField(null=True)
    published_by = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "honour_roll"
        unique_together = (("district_id", "period"),)


class HonourRollEntry(Model):
    """One line of an honour roll: a resident (masked) or a community, its rank and value."""

    id = fields.BigIntField(primary_key=True)
    roll: fields.ForeignKeyRelation[HonourRoll] = fields.ForeignKeyField(
        "models.HonourRoll", related_name="entries", on_delete=fields.RESTRICT
    )
    roll_id: str
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="honour_roll_entries", on_delete=fields.RESTRICT
    )
    district_id: str
    board = fields.CharField(max_length=16)  # hours, credits, communities
    rank = fields.IntField()
    resident: fields.ForeignKeyNullableRelation[Resident] = fields.ForeignKeyField(
        "models.Resident", related_name="honour_roll_entries", null=True, on_delete=fields.RESTRICT
    )
    resident_id: str | None
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="honour_roll_entries", null=True, on_delete=fields.RESTRICT
    )
    community_id: str | None
    display_name = fields.CharField(max_length=100)
    value = fields.DecimalField(max_digits=14, decimal_places=2)
    # Taken off the roll in review: kept, with why, who and when, and left off when published.
    removed_reason = fields.TextField(null=True)
    removed_by = fields.CharField(max_length=64, null=True)
    removed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "honour_roll_entry"
        unique_together = (("roll_id", "board", "rank"),)


__models__ = [BadgeDefinition, BadgeAward, BadgeCandidate, HonourRoll, HonourRollEntry]
