from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0022_console_export_log')]

    initial = False

    operations = [
        ops.AddField(
            model_name='InspectionResult',
            name='district_id',
            field=fields.CharField(max_length=26),
        ),
    ]
