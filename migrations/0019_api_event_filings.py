from tortoise import migrations
from tortoise.migrations import operations as ops
from kernel.ids import new_id
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [("models", "0018_api_verification_rules")]

    initial = False

    operations = [
        ops.CreateModel(
            name='EventFiling',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district_id', fields.CharField(db_index=True, max_length=26)),
                ('community_id', fields.CharField(db_index=True, max_length=26)),
                ('resident_id', fields.CharField(db_index=True, max_length=26)),
                ('action', fields.CharField(max_length=64)),
                ('description', fields.TextField(unique=False)),
                ('planned_on', fields.DateField()),
                ('status', fields.CharField(default='filed', db_index=True, max_length=16)),
                ('decided_by', fields.CharField(null=True, max_length=64)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decision_reason', fields.TextField(null=True, unique=False)),
                ('deed_id', fields.CharField(null=True, max_length=26)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'event_filing', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An event filed in advance (移风易俗: a family files a banquet before it), confirmed or'},
            bases=['Model'],
        ),
    ]
