"""Honour rolls are reviewed and published by a district administrator; rolls taken before
this review existed had been shown to residents, so they count as published."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [("models", "0015_api_reward_changes")]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='HonourRoll',
            options={'table': 'honour_roll', 'app': 'models', 'unique_together': (('district_id', 'period'),), 'pk_attr': 'id', 'table_description': 'A district honour roll for one month: a draft the job or an administrator takes, which'},
        ),
        ops.AddField(
            model_name='HonourRoll',
            name='published_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='HonourRoll',
            name='published_by',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='HonourRoll',
            name='status',
            field=fields.CharField(default='draft', db_default='draft', max_length=16),
        ),
        ops.AddField(
            model_name='HonourRollEntry',
            name='removed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='HonourRollEntry',
            name='removed_by',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='HonourRollEntry',
            name='removed_reason',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.RunSQL(
            "UPDATE honour_roll SET status = 'published', published_at = taken_at, "
            "published_by = 'system:before-review'",
            reverse_sql="SELECT 1",
        ),
    ]
