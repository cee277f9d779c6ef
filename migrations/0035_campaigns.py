"""Campaigns (issue 23): campaigns, their tags, participants, rolled-up days and quiz
completions; events with zones and check-ins."""

from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.data import JSON_DUMPS
from tortoise.migrations import operations as ops

from kernel.ids import new_id


class Migration(migrations.Migration):
    dependencies = [("models", "0030_console_session_limits")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Campaign",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("district_id", fields.CharField(null=True, db_index=True, max_length=26)),
                ("title", fields.CharField(max_length=100)),
                ("description", fields.TextField(default="", unique=False)),
                ("starts_on", fields.DateField()),
                ("ends_on", fields.DateField()),
                ("actions", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                (
                    "activity_kinds",
                    fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads),
                ),
                (
                    "total_targets",
                    fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads),
                ),
                (
                    "community_targets",
                    fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads),
                ),
                ("bonus", fields.BooleanField(default=False)),
                ("badge_id", fields.CharField(null=True, max_length=26)),
                ("created_by", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "campaign",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A theme campaign of a district (or of the whole city: no district) for a period.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CampaignDay",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("campaign_id", fields.CharField(max_length=26)),
                ("district_id", fields.CharField(max_length=26)),
                ("community_id", fields.CharField(max_length=26)),
                ("day", fields.DateField()),
                ("participants", fields.IntField(default=0)),
                ("new_participants", fields.IntField(default=0)),
                ("tenths", fields.BigIntField(default=0)),
                ("deeds", fields.IntField(default=0)),
                ("quiz_completions", fields.IntField(default=0)),
            ],
            options={
                "table": "campaign_day",
                "app": "models",
                "unique_together": (("campaign_id", "community_id", "day"),),
                "pk_attr": "id",
                "table_description": "A community's progress in a campaign on one local day, as the rollup counted it.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CampaignEvent",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("campaign_id", fields.CharField(db_index=True, max_length=26)),
                ("district_id", fields.CharField(db_index=True, max_length=26)),
                ("city_wide", fields.BooleanField(default=False)),
                ("title", fields.CharField(max_length=100)),
                ("starts_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("ends_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("created_by", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "campaign_event",
                "app": "models",
                "pk_attr": "id",
                "table_description": "An event of a campaign (文明观赛): venues, zones, a check-in per resident.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CampaignParticipant",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("campaign_id", fields.CharField(max_length=26)),
                ("district_id", fields.CharField(db_index=True, max_length=26)),
                ("community_id", fields.CharField(max_length=26)),
                ("resident_id", fields.CharField(db_index=True, max_length=26)),
                ("first_day", fields.DateField()),
                ("posted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "campaign_participant",
                "app": "models",
                "unique_together": (("campaign_id", "resident_id"),),
                "pk_attr": "id",
                "table_description": "A resident who took part in a campaign, from their first counted day (the rollup",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CampaignQuizCompletion",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("campaign_id", fields.CharField(db_index=True, max_length=26)),
                ("district_id", fields.CharField(max_length=26)),
                ("community_id", fields.CharField(max_length=26)),
                ("resident_id", fields.CharField(max_length=26)),
                ("attempt_id", fields.CharField(unique=True, max_length=26)),
                ("completed_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("completed_on", fields.DateField()),
            ],
            options={
                "table": "campaign_quiz_completion",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A completed quiz counted toward a campaign (the quiz records it, once per attempt).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CampaignTag",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("campaign_id", fields.CharField(db_index=True, max_length=26)),
                ("district_id", fields.CharField(db_index=True, max_length=26)),
                ("community_id", fields.CharField(max_length=26)),
                ("activity_id", fields.CharField(null=True, max_length=26)),
                ("deed_id", fields.CharField(null=True, max_length=26)),
                ("tagged_by", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "campaign_tag",
                "app": "models",
                "unique_together": (("campaign_id", "activity_id"), ("campaign_id", "deed_id")),
                "pk_attr": "id",
                "table_description": "An activity or a deed tagged to a campaign (of its district and period).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="EventCheckin",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("event_id", fields.CharField(max_length=26)),
                ("zone_id", fields.CharField(db_index=True, max_length=26)),
                ("district_id", fields.CharField(max_length=26)),
                ("resident_id", fields.CharField(db_index=True, max_length=26)),
                ("checked_in_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "campaign_event_checkin",
                "app": "models",
                "unique_together": (("event_id", "resident_id"),),
                "pk_attr": "id",
                "table_description": "A resident's check-in at an event, by the zone whose code they scanned: once each.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="EventZone",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("event_id", fields.CharField(db_index=True, max_length=26)),
                ("district_id", fields.CharField(max_length=26)),
                ("venue", fields.CharField(max_length=100)),
                ("name", fields.CharField(max_length=100)),
            ],
            options={
                "table": "campaign_event_zone",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A zone of a venue of an event: where a gate shows its rotating code.",
            },
            bases=["Model"],
        ),
    ]
