"""The ten actions carry how they are verified as data (activities/verification.py)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

RULES = {
    "family-tradition": "self_report_with_evidence",
    "zebra-crossing": "self_report",
    "serving-chopsticks": "self_report_with_evidence",
    "volunteering": "check_in_only",
    "keep-promises": "attestation_only",
    "waste-sorting": "self_report",
    "neighbourly-harmony": "self_report",
    "caring-kitchen": "check_in_only",
    "frugal-banquets": "event_filing",
    "finish-your-water": "self_report",
}


class Migration(migrations.Migration):
    dependencies = [("models", "0015_api_walk_ins_inbox_places")]

    initial = False

    operations = [
        ops.AddField(
            model_name="CivilityAction",
            name="verification_rule",
            field=fields.CharField(null=True, default="self_report", max_length=32),
        ),
        ops.RunSQL(
            [
                f"UPDATE civility_action SET verification_rule = '{rule}' "
                f"WHERE district_id IS NULL AND code = '{code}'"
                for code, rule in RULES.items()
            ],
            reverse_sql="SELECT 1",
        ),
    ]
