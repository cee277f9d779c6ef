"""An inspection's item results carry their district, so scope reads them without the join.
Results recorded before take their inspection's district: the column is added empty, filled
from the inspection, and only then made NOT NULL (a NOT NULL column added to a table with
rows needs a value for them)."""

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
            field=fields.CharField(null=True, max_length=26),
        ),
        ops.RunSQL(
            "UPDATE oversight_inspection_result SET district_id = (SELECT i.district_id "
            "FROM oversight_inspection i WHERE i.id = oversight_inspection_result.inspection_id)",
            reverse_sql="SELECT 1",
        ),
        ops.AlterField(
            model_name='InspectionResult',
            name='district_id',
            field=fields.CharField(max_length=26),
        ),
    ]
