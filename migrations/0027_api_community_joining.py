from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0026_oversight_unit_wechat')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Community',
            name='joining_closed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Community',
            name='joining_closed_by',
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
