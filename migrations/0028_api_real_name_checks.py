from tortoise import migrations
from tortoise.migrations import operations as ops
from kernel.ids import new_id
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0027_api_community_joining')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RealNameCheck',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('resident_id', fields.CharField(max_length=26)),
                ('service', fields.CharField(max_length=64)),
                ('result', fields.CharField(max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'real_name_check', 'app': 'models', 'indexes': [Index(fields=['resident_id', 'created_at'])], 'pk_attr': 'id', 'table_description': "One question put to the identity service about a resident's real name: who, when, which"},
            bases=['Model'],
        ),
    ]
