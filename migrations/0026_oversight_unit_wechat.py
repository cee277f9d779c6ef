from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0025_console_resident_phone')]

    initial = False

    operations = [
        ops.AddField(
            model_name='UnitAccount',
            name='wechat_openid',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
    ]
