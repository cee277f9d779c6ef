"""The regulations quiz (issue 23): a question bank in versions, special quizzes, attempts and
the answers given to the version each was shown."""

from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from kernel.ids import new_id


class Migration(migrations.Migration):
    dependencies = [("models", "0035_campaigns")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Answer",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("attempt_id", fields.CharField(db_index=True, max_length=26)),
                ("district_id", fields.CharField(max_length=26)),
                ("community_id", fields.CharField(null=True, max_length=26)),
                ("resident_id", fields.CharField(max_length=26)),
                ("question_id", fields.CharField(db_index=True, max_length=26)),
                ("version_id", fields.CharField(max_length=26)),
                ("position", fields.IntField()),
                ("chosen", fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ("is_correct", fields.BooleanField(null=True)),
                ("shown_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "quiz_answer",
                "app": "models",
                "unique_together": (("attempt_id", "position"),),
                "indexes": [Index(fields=["resident_id", "shown_at"])],
                "pk_attr": "id",
                "table_description": "A question as an attempt showed it (its version) and, once submitted, what was chosen.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Attempt",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("district_id", fields.CharField(max_length=26)),
                ("community_id", fields.CharField(null=True, max_length=26)),
                ("resident_id", fields.CharField(max_length=26)),
                ("kind", fields.CharField(max_length=16)),
                ("slot", fields.CharField(max_length=40)),
                ("special_id", fields.CharField(null=True, db_index=True, max_length=26)),
                ("started_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "submitted_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("seconds", fields.IntField(null=True)),
                ("correct", fields.IntField(default=0)),
                ("points", fields.IntField(default=0)),
            ],
            options={
                "table": "quiz_attempt",
                "app": "models",
                "unique_together": (("resident_id", "slot"),),
                "indexes": [
                    Index(fields=["district_id", "submitted_at"]),
                    Index(fields=["resident_id", "started_at"]),
                ],
                "pk_attr": "id",
                "table_description": "The one attempt of a resident at a quiz: the daily one or a special one.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Question",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("district_id", fields.CharField(db_index=True, max_length=26)),
                ("regulation", fields.CharField(max_length=32)),
                ("version", fields.IntField(default=1)),
                ("retired_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_by", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "quiz_question",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A question of the bank of a district: what stays when its text changes (its versions).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="QuestionVersion",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("district_id", fields.CharField(max_length=26)),
                ("question_id", fields.CharField(db_index=True, max_length=26)),
                ("number", fields.IntField()),
                ("kind", fields.CharField(max_length=16)),
                ("text", fields.CharField(max_length=500)),
                ("options", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ("answer", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ("explanation", fields.CharField(max_length=1000)),
                ("article", fields.CharField(max_length=100)),
                ("created_by", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "quiz_question_version",
                "app": "models",
                "unique_together": (("question_id", "number"),),
                "pk_attr": "id",
                "table_description": "One wording of a question, never changed once written: an answer points at it.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SpecialQuiz",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("district_id", fields.CharField(db_index=True, max_length=26)),
                ("title", fields.CharField(max_length=100)),
                ("opens_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("closes_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("question_ids", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                (
                    "campaign",
                    fields.ForeignKeyField(
                        "models.Campaign",
                        source_field="campaign_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="special_quizzes",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("created_by", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "quiz_special",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A quiz a district opens for a period (每周/专项答题), of questions chosen at its creation.",
            },
            bases=["Model"],
        ),
    ]
