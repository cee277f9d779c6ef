from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [("models", "0016_api_honour_roll_review")]

    initial = False

    operations = [
        ops.AddField(
            model_name='Activity',
            name='walk_ins',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Community',
            name='lat',
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name='Community',
            name='lng',
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name='Notification',
            name='read_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Notification',
            index=Index(fields=['recipient_kind', 'recipient_id', 'id']),
        ),
    ]
