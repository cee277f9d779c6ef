from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0024_console_dashboard_rollup')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Resident',
            name='phone_cipher',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Resident',
            name='phone_masked',
            field=fields.CharField(null=True, max_length=16),
        ),
    ]
