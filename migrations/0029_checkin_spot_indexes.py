from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0028_api_real_name_checks")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="Attendance",
            index=Index(fields=["activity_id", "check_in_lat", "check_in_lng"]),
        ),
        ops.AddIndex(
            model_name="Attendance",
            index=Index(fields=["activity_id", "device"]),
        ),
    ]
