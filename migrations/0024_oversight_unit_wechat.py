from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0023_oversight_inspection_result_district')]

    initial = False

    operations = [
        ops.AddField(
            model_name='UnitAccount',
            name='wechat_openid',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
    ]
