from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from kernel.ids import new_id
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [("models", "0021_oversight_accountability")]

    initial = False

    operations = [
        ops.CreateModel(
            name='ConsoleSession',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('staff_id', fields.CharField(db_index=True, max_length=26)),
                ('csrf_token', fields.CharField(max_length=64)),
                ('refresh_family', fields.CharField(null=True, max_length=26)),
                ('flash', fields.TextField(null=True, unique=False)),
                ('flash_error', fields.BooleanField(default=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'console_session', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A signed-in member of staff in a browser. The cookie carries a random token, and only'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DashboardSnapshot',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('scope', fields.CharField(unique=True, max_length=64)),
                ('period_from', fields.DateField()),
                ('period_to', fields.DateField()),
                ('data', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'console_dashboard_snapshot', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The dashboard of a district or a community over the last twelve months, as computed by'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ExportLog',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('staff_id', fields.CharField(db_index=True, max_length=26)),
                ('district_id', fields.CharField(null=True, db_index=True, max_length=26)),
                ('communities', fields.TextField(default='', unique=False)),
                ('kind', fields.CharField(max_length=32)),
                ('format', fields.CharField(max_length=8)),
                ('date_from', fields.DateField()),
                ('date_to', fields.DateField()),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'console_export_log', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Who exported what, of which period, and when.'},
            bases=['Model'],
        ),
    ]
