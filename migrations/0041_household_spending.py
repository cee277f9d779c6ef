"""A redemption from a household's credits by its head (issue 22, household spending): the
household whose accounts hold and pay it, and whose members see it. Null: the resident's own."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0040_partner_queries")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Redemption",
            name="household_id",
            field=fields.CharField(null=True, db_index=True, max_length=26),
        ),
    ]
