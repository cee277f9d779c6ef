"""Request budgets counted per subject and window (a partner client's queries a minute and a
day), and the index a partner's questions are paged by, newest first."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0039_column_defaults")]

    initial = False

    operations = [
        ops.CreateModel(
            name="RequestCount",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("subject", fields.CharField(max_length=150)),
                ("span", fields.CharField(max_length=32)),
                ("ends_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("used", fields.IntField()),
            ],
            options={
                "table": "request_count",
                "app": "models",
                "unique_together": (("subject", "span"),),
                "pk_attr": "id",
                "table_description": "Requests of one subject counted in one fixed window of a budget (`kernel.ratelimit.spend`):",
            },
            bases=["Model"],
        ),
        ops.AddIndex(
            model_name="PartnerQuery",
            index=Index(fields=["partner_id", "id"]),
        ),
    ]
