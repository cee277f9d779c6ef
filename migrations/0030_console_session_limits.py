"""Console sessions end after an idle and an absolute limit, record where they come from and
can keep a form for after the next login; check-in screens get a credential of their own.
Sessions signed in before this (30-day ones) end: everyone signs in again under the limits."""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from kernel.ids import new_id


class Migration(migrations.Migration):
    dependencies = [("models", "0029_checkin_spot_indexes")]

    initial = False

    operations = [
        ops.RunSQL("DELETE FROM console_session", reverse_sql="SELECT 1"),
        ops.CreateModel(
            name="CheckinScreen",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("activity_id", fields.CharField(db_index=True, max_length=26)),
                ("staff_id", fields.CharField(db_index=True, max_length=26)),
                ("refresh_family", fields.CharField(max_length=26)),
                ("address", fields.CharField(default="", max_length=64)),
                ("user_agent", fields.CharField(default="", max_length=300)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "console_checkin_screen",
                "app": "models",
                "pk_attr": "id",
                "table_description": (
                    "A check-in screen opened from the console: a credential of its own, held by"
                    " a cookie"
                ),
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="ConsoleSession",
            name="address",
            field=fields.CharField(default="", max_length=64),
        ),
        ops.AddField(
            model_name="ConsoleSession",
            name="ended_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="ConsoleSession",
            name="ended_reason",
            field=fields.CharField(null=True, max_length=16),
        ),
        ops.AddField(
            model_name="ConsoleSession",
            name="form_state",
            field=fields.JSONField(
                null=True,
                encoder=functools.partial(dumps, separators=(",", ":")),
                decoder=loads,
            ),
        ),
        ops.AddField(
            model_name="ConsoleSession",
            name="last_seen_at",
            field=fields.DatetimeField(auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="ConsoleSession",
            name="user_agent",
            field=fields.CharField(default="", max_length=300),
        ),
    ]
