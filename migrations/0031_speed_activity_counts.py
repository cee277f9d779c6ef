"""An activity keeps its enrolments' counts by status (`enrolled_now`, `waitlisted_now`),
changed by the statements that change an enrolment; filled here from the enrolments."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0030_console_session_limits")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Activity",
            name="enrolled_now",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name="Activity",
            name="waitlisted_now",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.RunSQL(
            "UPDATE activity SET "
            "enrolled_now = (SELECT COUNT(*) FROM enrollment n "
            "WHERE n.activity_id = activity.id AND n.status = 'enrolled'), "
            "waitlisted_now = (SELECT COUNT(*) FROM enrollment n "
            "WHERE n.activity_id = activity.id AND n.status = 'waitlisted')",
            reverse_sql="SELECT 1",
        ),
    ]
