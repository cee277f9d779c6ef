"""Request and response models of the regulations quiz. A question as a resident is shown it
(`QuestionShown`) has no answer, explanation or article: those come only with the results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, computed_field, model_validator

from credits.schemas import Units
from kernel.http import Answer, Day, Moment, PageQuery, Schema
from kernel.i18n import translate
from quiz.models import KIND_NAMES, REGULATIONS, TRUE_FALSE_OPTIONS

Regulation = Literal[
    "civility",
    "dogs",
    "non-motor-vehicles",
    "household-waste",
    "construction-waste",
    "food-markets",
    "serving-chopsticks",
]
Kind = Literal["single", "multiple", "true_false"]
Option = Annotated[str, StringConstraints(min_length=1, max_length=200)]
MAX_OPTIONS = 6


class QuestionIn(Schema):
    """A question: `answer` holds the indexes (from 0) of the right options; a true-or-false
    question has no options of its own (正确, 错误: answer 0 is true, 1 false); a multiple
    choice has at least two right options."""

    regulation: Regulation
    kind: Kind
    text: Annotated[str, StringConstraints(min_length=4, max_length=500)]
    options: list[Option] = Field(default_factory=list, max_length=MAX_OPTIONS)
    answer: list[int] = Field(min_length=1, max_length=MAX_OPTIONS)
    explanation: Annotated[str, StringConstraints(min_length=2, max_length=1000)]
    article: Annotated[str, StringConstraints(min_length=2, max_length=100)]

    @model_validator(mode="after")
    def _answer_fits_options(self) -> QuestionIn:
        if self.kind == "true_false":
            if self.options not in ([], TRUE_FALSE_OPTIONS):
                raise ValueError("a true-or-false question has no options of its own")
            self.options = list(TRUE_FALSE_OPTIONS)
        elif len(self.options) < 2:
            raise ValueError("a choice needs at least two options")
        if len(set(self.options)) != len(self.options):
            raise ValueError("two options are the same")
        if any(not 0 <= index < len(self.options) for index in self.answer):
            raise ValueError("the answer names an option the question does not have")
        self.answer = sorted(set(self.answer))
        if self.kind != "multiple" and len(self.answer) != 1:
            raise ValueError("a single choice or true-or-false question has one right answer")
        if self.kind == "multiple" and len(self.answer) < 2:
            raise ValueError("a multiple choice has at least two right options")
        return self


class _Named(Schema):
    regulation: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def regulation_name(self) -> str:
        return translate(REGULATIONS.get(self.regulation, self.regulation))


class QuestionOut(_Named):
    """A question of the bank as staff see it: its version in use, with the answer."""

    id: str
    version: int
    kind: Kind
    text: str
    options: list[str]
    answer: list[int]
    explanation: str
    article: str
    retired: bool
    created_at: datetime


class QuestionQuery(PageQuery):
    regulation: Regulation | None = None


class QuestionShown(_Named):
    """A question as an attempt shows it, before the answers are in: no key."""

    position: int
    question_id: str
    kind: Kind
    text: str
    options: list[str]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def kind_name(self) -> str:
        return translate(KIND_NAMES[self.kind])


class QuestionResult(Schema):
    """A question once the answers are in: what was chosen, the right answer and why."""

    position: int
    question_id: str
    chosen: list[int]
    answer: list[int]
    is_correct: bool
    explanation: str
    article: str


class AttemptSummary(Schema):
    id: str
    kind: Literal["daily", "special"]
    title: str
    started_at: datetime
    submitted_at: datetime | None
    seconds: int | None = Field(description="from the questions shown to the answers submitted")
    correct: int
    total: int
    points: Units = Field(description="credits posted for it, after the daily cap")


class AttemptOut(AttemptSummary):
    """An attempt: its questions, and once submitted, the results (null before)."""

    questions: list[QuestionShown]
    results: list[QuestionResult] | None


class AnswerIn(Schema):
    position: int = Field(ge=0, le=100)
    chosen: list[int] = Field(max_length=MAX_OPTIONS)


class SubmissionIn(Schema):
    """The chosen options (indexes from 0) by question position; a question left out counts
    as wrong."""

    answers: list[AnswerIn] = Field(max_length=50)


class SpecialQuizIn(Schema):
    title: Annotated[str, StringConstraints(min_length=2, max_length=100)]
    opens_at: Moment
    closes_at: Moment
    questions: int = Field(ge=1, le=50, description="how many questions it draws from the bank")
    regulation: Regulation | None = Field(default=None, description="all regulations when null")
    campaign_id: str | None = Field(
        default=None,
        pattern=r"^[0-9a-z]{26}$",
        description="a campaign of the district (or the city's) it counts toward, in its period",
    )

    @model_validator(mode="after")
    def _closes_after_opening(self) -> SpecialQuizIn:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must come after opens_at")
        return self


class SpecialQuizOut(Answer):
    id: str
    title: str
    opens_at: datetime
    closes_at: datetime
    questions: int
    status: Literal["upcoming", "open", "closed"]
    campaign_id: str | None


class StatsQuery(Schema):
    regulation: Regulation | None = None
    since: Day | None = Field(default=None, description="local day, inclusive (30 days ago)")
    until: Day | None = Field(default=None, description="local day, inclusive (today)")


class QuestionStats(_Named):
    """How residents of a community answered a question: most often wrong first."""

    question_id: str
    text: str
    article: str
    community: str
    community_name: str
    answered: int
    correct: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def correct_rate(self) -> float:
        return round(self.correct / self.answered, 3) if self.answered else 0.0


class StatsOut(Answer):
    since: date
    until: date
    items: list[QuestionStats]


class ImportOut(Answer):
    created: int
