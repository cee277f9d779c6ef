"""Staff are disabled at a time (`disabled_at`) instead of by a flag, and usernames are one
account whatever their case: existing ones are lowered, and an index on `lower(username)`
keeps any path that writes the table honest."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0010_redemption_reminder")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Staff",
            name="disabled_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunSQL(
            "UPDATE staff SET disabled_at = CURRENT_TIMESTAMP WHERE is_active = FALSE",
            reverse_sql="SELECT 1",
        ),
        ops.RemoveField(model_name="Staff", name="is_active"),
        ops.RunSQL(
            [
                "UPDATE staff SET username = LOWER(username)",
                "CREATE UNIQUE INDEX staff_username_lower ON staff (LOWER(username))",
            ],
            reverse_sql="DROP INDEX staff_username_lower",
        ),
    ]
