from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [("models", "0017_api_event_filings")]

    initial = False

    operations = [
        ops.AddField(
            model_name='Certificate',
            name='revoke_reason',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Certificate',
            name='revoked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Certificate',
            name='revoked_by',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='Resident',
            name='real_name_verified_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Resident',
            name='real_name_verified_by',
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
