"""A partner bank's contact (联系方式), which PIPL art. 23 has the household told before it
consents, and who last changed the bank's name or contact (issue 22). Nullable: a bank
registered before has none until its district adds one; a new registration requires it."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0037_green_card_rule")]

    initial = False

    operations = [
        ops.AddField(
            model_name="PartnerBank",
            name="contact",
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name="PartnerBank",
            name="changed_by",
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name="PartnerBank",
            name="changed_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
