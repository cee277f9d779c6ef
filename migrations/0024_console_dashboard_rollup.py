from tortoise import migrations
from tortoise.migrations import operations as ops
from kernel.ids import new_id
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0023_oversight_inspection_result_district')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DashboardDay',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('district_id', fields.CharField(max_length=26)),
                ('community_id', fields.CharField(null=True, max_length=26)),
                ('day', fields.DateField()),
                ('action', fields.CharField(default='', max_length=64)),
                ('records', fields.IntField(default=0)),
                ('hours_tenths', fields.BigIntField(default=0)),
                ('deeds', fields.IntField(default=0)),
                ('issued', fields.BigIntField(default=0)),
                ('redeemed', fields.BigIntField(default=0)),
                ('expired', fields.BigIntField(default=0)),
            ],
            options={'table': 'console_dashboard_day', 'app': 'models', 'indexes': [Index(fields=['district_id', 'day'])], 'pk_attr': 'id', 'table_description': "The dashboards' additive figures of one past day, per district, community and civility"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DashboardFirst',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('district_id', fields.CharField(max_length=26)),
                ('kind', fields.CharField(max_length=16)),
                ('community_id', fields.CharField(default='', max_length=26)),
                ('day', fields.DateField()),
                ('prev', fields.DateField(null=True)),
                ('residents', fields.IntField()),
            ],
            options={'table': 'console_dashboard_first', 'app': 'models', 'indexes': [Index(fields=['district_id', 'kind', 'day', 'community_id', 'prev', 'residents'])], 'pk_attr': 'id', 'table_description': 'Distinct people, made additive: for each day a resident was active and the day they'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DashboardRollup',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district_id', fields.CharField(unique=True, max_length=26)),
                ('through', fields.DateField()),
                ('entry_watermark', fields.BigIntField(default=0)),
                ('built_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'console_dashboard_rollup', 'app': 'models', 'pk_attr': 'id', 'table_description': "How far a district's rollup goes: every day before `through` is in `DashboardDay`."},
            bases=['Model'],
        ),
    ]
