"""The green card by a rule on stars (the stars decided, the card's basis) and the merchants
that honour the card with their courtesies (issue 22)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from kernel.ids import new_id
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0036_quiz")]

    initial = False

    operations = [
        ops.CreateModel(
            name="GreenCardMerchant",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                (
                    "district",
                    fields.ForeignKeyField(
                        "models.District",
                        source_field="district_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="green_card_merchants",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("name", fields.CharField(max_length=100)),
                ("address", fields.CharField(max_length=200)),
                ("courtesy", fields.CharField(max_length=200)),
                ("active", fields.BooleanField(default=True)),
                ("created_by", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("changed_by", fields.CharField(null=True, max_length=64)),
                ("changed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "green_card_merchant",
                "app": "models",
                "indexes": [Index(fields=["district_id", "active"])],
                "pk_attr": "id",
                "table_description": "A merchant or service of a district that honours the green card with a courtesy (礼遇).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="GreenCardStar",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("district_id", fields.CharField(max_length=26)),
                ("community_id", fields.CharField(max_length=26)),
                ("household_id", fields.CharField(max_length=26)),
                ("period", fields.CharField(max_length=16)),
                ("score", fields.DecimalField(null=True, max_digits=7, decimal_places=2)),
                ("outcome", fields.CharField(max_length=16)),
                ("resident_id", fields.CharField(null=True, max_length=26)),
                ("card_id", fields.CharField(null=True, db_index=True, max_length=26)),
                ("decided_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "green_card_star",
                "app": "models",
                "unique_together": (("household_id", "period"),),
                "indexes": [Index(fields=["district_id", "period"])],
                "pk_attr": "id",
                "table_description": "A household's star of a period as the district's green-card rule decided it, once: the",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="GreenCard",
            name="basis",
            field=fields.CharField(default="decision", db_default="decision", max_length=16),
        ),
    ]
