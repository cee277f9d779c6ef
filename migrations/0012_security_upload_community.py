"""An upload belongs to its resident's community, so workers see only their communities'
evidence; existing uploads take their owner's community."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0011_security_staff_disabled_at")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Upload",
            name="community_id",
            field=fields.CharField(null=True, max_length=26),
        ),
        ops.RunSQL(
            "UPDATE upload SET community_id = (SELECT resident.community_id FROM resident "
            "WHERE 'resident:' || resident.id = upload.owner) WHERE owner LIKE 'resident:%'",
            reverse_sql="SELECT 1",
        ),
    ]
