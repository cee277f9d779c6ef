"""Tables of the regulations quiz (我知晓): questions and their versions, special quizzes, a
resident's attempts and the answers they gave (each to the question version it was shown)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from kernel.i18n import N_
from kernel.ids import new_id

if TYPE_CHECKING:
    from campaigns.models import Campaign

# The regulations a question may come from: code → its name for people.
REGULATIONS = {
    "civility": N_("Ningbo Regulations on Promoting Civilised Behaviour"),
    "dogs": N_("Ningbo Regulations on Dog Keeping"),
    "non-motor-vehicles": N_("Ningbo Regulations on Non-motorised Vehicles"),
    "household-waste": N_("Ningbo Regulations on Household Waste Sorting"),
    "construction-waste": N_("Ningbo Regulations on Construction Waste"),
    "food-markets": N_("Ningbo Regulations on Food Markets"),
    "serving-chopsticks": N_("Ningbo Provisions on Serving Chopsticks"),
}
KIND_NAMES = {
    "single": N_("Single choice"),
    "multiple": N_("Multiple choice"),
    "true_false": N_("True or false"),
}
# The options a true-or-false question shows, in this order: answer 0 is "true".
TRUE_FALSE_OPTIONS = ["正确", "错误"]


class Question(Model):
    """A question of the bank of a district: what stays when its text changes (its versions)."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, db_index=True)
    regulation = fields.CharField(max_length=32)
    # The version shown from now on (`QuestionVersion.number`).
    version = fields.IntField(default=1)
    retired_at = fields.DatetimeField(null=True)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "quiz_question"


class QuestionVersion(Model):
    """One wording of a question, never changed once written: an answer points at it."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    question_id = fields.CharField(max_length=26, db_index=True)
    number = fields.IntField()
    kind = fields.CharField(max_length=16)  # single, multiple, true_false
    text = fields.CharField(max_length=500)
    options: fields.Field[list[str]] = fields.JSONField()
    # The indexes of the right options, ascending.
    answer: fields.Field[list[int]] = fields.JSONField()
    explanation = fields.CharField(max_length=1000)
    article = fields.CharField(max_length=100)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "quiz_question_version"
        unique_together = (("question_id", "number"),)


class SpecialQuiz(Model):
    """A quiz a district opens for a period (每周/专项答题), of questions chosen at its creation."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, db_index=True)
    title = fields.CharField(max_length=100)
    opens_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()
    question_ids: fields.Field[list[str]] = fields.JSONField()
    # The campaign it counts toward (文明城市我知晓), if any: a completion is recorded for it.
    campaign: fields.ForeignKeyNullableRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="special_quizzes", null=True, on_delete=fields.RESTRICT
    )
    campaign_id: str | None
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "quiz_special"


class Attempt(Model):
    """The one attempt of a resident at a quiz: the daily one or a special one.

    `slot` is daily:<local day> or special:<id>; its uniqueness per resident is the rule of
    one attempt per quiz."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    community_id = fields.CharField(max_length=26, null=True)
    resident_id = fields.CharField(max_length=26)
    kind = fields.CharField(max_length=16)  # daily, special
    slot = fields.CharField(max_length=40)
    special_id = fields.CharField(max_length=26, null=True, db_index=True)
    started_at = fields.DatetimeField()
    submitted_at = fields.DatetimeField(null=True)
    seconds = fields.IntField(null=True)
    correct = fields.IntField(default=0)
    # Credits posted for it (hundredths, `credits.models.SCALE`), after the daily cap.
    points = fields.IntField(default=0)

    class Meta:
        table = "quiz_attempt"
        unique_together = (("resident_id", "slot"),)
        indexes = (("district_id", "submitted_at"), ("resident_id", "started_at"))


class Answer(Model):
    """A question as an attempt showed it (its version) and, once submitted, what was chosen."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    attempt_id = fields.CharField(max_length=26, db_index=True)
    district_id = fields.CharField(max_length=26)
    community_id = fields.CharField(max_length=26, null=True)
    resident_id = fields.CharField(max_length=26)
    question_id = fields.CharField(max_length=26, db_index=True)
    version_id = fields.CharField(max_length=26)
    position = fields.IntField()
    chosen: fields.Field[list[int] | None] = fields.JSONField(null=True)
    is_correct = fields.BooleanField(null=True)
    shown_at = fields.DatetimeField()

    class Meta:
        table = "quiz_answer"
        unique_together = (("attempt_id", "position"),)
        indexes = (("resident_id", "shown_at"),)
