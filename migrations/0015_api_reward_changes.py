from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from kernel.ids import new_id
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [("models", "0014_perf_resident_totals")]

    initial = False

    operations = [
        ops.CreateModel(
            name='RewardChange',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district_id', fields.CharField(max_length=26)),
                ('reward_id', fields.CharField(db_index=True, max_length=26)),
                ('kind', fields.CharField(max_length=16)),
                ('quantity', fields.IntField(null=True)),
                ('stock_after', fields.IntField()),
                ('changes', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reason', fields.TextField(default='', unique=False)),
                ('changed_by', fields.CharField(max_length=64)),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reward_change', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The record of what staff did to a reward: an edit, a restock or its withdrawal.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Reward',
            name='withdrawn_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
