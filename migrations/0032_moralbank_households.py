"""Households of the moral bank (issue 22): a head, an invitation code with its expiry, the
membership history (joined and left moments, who ended it and why) and what each member's
participation earned the household (the household-rollup job)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from kernel.ids import new_id
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0031_speed_activity_counts")]

    initial = False

    operations = [
        ops.CreateModel(
            name="HouseholdMembership",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("district_id", fields.CharField(max_length=26)),
                (
                    "household",
                    fields.ForeignKeyField(
                        "models.Household",
                        source_field="household_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="memberships",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "resident",
                    fields.ForeignKeyField(
                        "models.Resident",
                        source_field="resident_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="household_memberships",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("status", fields.CharField(max_length=16)),
                (
                    "requested_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("joined_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("started_by", fields.CharField(max_length=64)),
                ("start_note", fields.CharField(default="", max_length=500)),
                ("left_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("end_kind", fields.CharField(null=True, max_length=16)),
                ("ended_by", fields.CharField(null=True, max_length=64)),
                ("end_note", fields.CharField(default="", max_length=500)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "household_membership",
                "app": "models",
                "indexes": [
                    Index(fields=["household_id", "status"]),
                    Index(fields=["resident_id", "status"]),
                ],
                "pk_attr": "id",
                "table_description": "The time of a resident in a household: asked to join (`requested`), a member from",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="HouseholdShare",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=26),
                ),
                ("district_id", fields.CharField(max_length=26)),
                ("household_id", fields.CharField(db_index=True, max_length=26)),
                ("resident_id", fields.CharField(max_length=26)),
                ("units", fields.BigIntField()),
                ("basis", fields.CharField(max_length=16)),
                ("posted_id", fields.CharField(null=True, max_length=26)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "household_share",
                "app": "models",
                "pk_attr": "id",
                "table_description": "What one participation of a member earned their household, decided once by the",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Household",
            name="head_id",
            field=fields.CharField(null=True, max_length=26),
        ),
        ops.AddField(
            model_name="Household",
            name="invite_code",
            field=fields.CharField(null=True, db_index=True, max_length=16),
        ),
        ops.AddField(
            model_name="Household",
            name="invite_expires_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name="Household",
            index=Index(fields=["district_id", "community_id"]),
        ),
    ]
