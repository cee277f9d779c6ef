"""HTTP endpoints of the regulations quiz: thin adapters over `quiz.service` and `quiz.bank`."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from kernel import tabular
from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Principal, Role
from kernel.errors import RateLimited
from kernel.http import Api, Page, PageQuery, paginate
from kernel.imports import ImportRejected, ImportTooLarge
from oversight.schemas import TemplateQuery
from quiz import bank, service
from quiz.errors import (
    AttemptSubmitted,
    InvalidAnswers,
    InvalidQuiz,
    NoSuchAttempt,
    NoSuchQuestion,
    NoSuchQuiz,
    NotEnoughQuestions,
    QuizClosed,
    QuizNeedsCommunity,
    QuizNotOpen,
    QuizTaken,
)
from quiz.models import Question, QuestionVersion, SpecialQuiz
from quiz.schemas import (
    AttemptOut,
    AttemptSummary,
    ImportOut,
    QuestionIn,
    QuestionOut,
    QuestionQuery,
    QuestionResult,
    QuestionShown,
    SpecialQuizIn,
    SpecialQuizOut,
    StatsOut,
    StatsQuery,
    SubmissionIn,
)
from quiz.scope import (
    district_bank,
    managed_question,
    own_attempt,
    own_attempts,
    readable_special,
    readable_specials,
)

api = Api("quiz")
BANK_READERS: tuple[Role, ...] = ("worker", "district_admin")
ADMIN: tuple[Role, ...] = ("district_admin",)
STATS_READERS: tuple[Role, ...] = ("worker", "district_admin", "platform_admin")
RESIDENT: tuple[Role, ...] = ("resident",)
SPECIAL_READERS: tuple[Role, ...] = ("resident", *STAFF)
START_ERRORS = (QuizNeedsCommunity, QuizTaken, NotEnoughQuestions)


def question_out(question: Question, version: QuestionVersion) -> QuestionOut:
    return QuestionOut.from_model(
        version,
        id=question.id,
        regulation=question.regulation,
        version=version.number,
        retired=question.retired_at is not None,
        created_at=question.created_at,
    )


def attempt_out(view: service.AttemptView) -> AttemptOut:
    attempt, versions = view.attempt, view.versions
    submitted = attempt.submitted_at is not None
    return AttemptOut.from_model(
        attempt,
        title=view.title,
        total=len(view.answers),
        questions=[
            QuestionShown(
                position=a.position,
                question_id=a.question_id,
                regulation=view.regulations.get(a.question_id, ""),
                kind=versions[a.version_id].kind,
                text=versions[a.version_id].text,
                options=versions[a.version_id].options,
            )
            for a in view.answers
        ],
        results=[
            QuestionResult(
                position=a.position,
                question_id=a.question_id,
                chosen=a.chosen or [],
                answer=versions[a.version_id].answer,
                is_correct=bool(a.is_correct),
                explanation=versions[a.version_id].explanation,
                article=versions[a.version_id].article,
            )
            for a in view.answers
        ]
        if submitted
        else None,
    )


def special_out(quiz: SpecialQuiz) -> SpecialQuizOut:
    return SpecialQuizOut.from_model(
        quiz, questions=len(quiz.question_ids), status=service.special_status(quiz)
    )


# --- the bank -------------------------------------------------------------------------------


@api.get(
    "/api/v1/quiz/questions", roles=BANK_READERS, query=QuestionQuery, response=Page[QuestionOut]
)
async def list_questions(who: Principal, query: QuestionQuery) -> dict[str, Any]:
    """The district's question bank, each question in the version in use."""
    found = district_bank(who).rows()
    if query.regulation:
        found = found.filter(regulation=query.regulation)
    page = await paginate(found, query)
    versions = await service.current_versions(page["items"])
    page["items"] = [question_out(q, versions[q.id]) for q in page["items"]]
    return page


@api.post(
    "/api/v1/quiz/questions",
    roles=ADMIN,
    body=QuestionIn,
    response=QuestionOut,
    status=201,
    idempotent=True,
    errors=(),
)
async def add_question(who: Principal, body: QuestionIn) -> QuestionOut:
    """Adds a question to the district's bank."""
    return question_out(*await service.add_question(body, who=who))


@api.post(
    "/api/v1/quiz/questions/import",
    roles=ADMIN,
    upload=bank.TABLE_TYPES,
    response=ImportOut,
    status=201,
    errors=(ImportRejected, ImportTooLarge, RateLimited),
)
async def import_questions(who: Principal, file: bytes) -> dict[str, int]:
    """Imports questions from an XLSX or CSV file with Chinese headers (multipart field
    `file`): all rows or none, each bad row reported by its number (docs/quiz.md)."""
    return {"created": await bank.import_questions(file, who=who)}


@api.get(
    "/api/v1/quiz/questions/import-template",
    roles=ADMIN,
    query=TemplateQuery,
    media_type=tabular.MEDIA_TYPES["xlsx"],
    alternatives={"text/csv": {"type": "string", "format": "binary"}},
    errors=(),
)
async def import_template(who: Principal, query: TemplateQuery) -> Response:
    """The file to fill in for the import (`format=xlsx`, the default, or `csv`): the Chinese
    header and an example of each type of question."""
    return tabular.Download(
        await bank.import_template(query.format),
        media_type=tabular.MEDIA_TYPES[query.format],
        headers={"Content-Disposition": bank.template_disposition(query.format)},
    )


@api.get(
    "/api/v1/quiz/questions/{question_id}",
    roles=BANK_READERS,
    response=QuestionOut,
    errors=(NoSuchQuestion,),
)
async def get_question(who: Principal, question_id: str) -> QuestionOut:
    question = await managed_question(question_id, who=who)
    return question_out(question, (await service.current_versions([question]))[question.id])


@api.post(
    "/api/v1/quiz/questions/{question_id}/versions",
    roles=ADMIN,
    body=QuestionIn,
    response=QuestionOut,
    status=201,
    idempotent=True,
    errors=(NoSuchQuestion,),
)
async def change_question(who: Principal, question_id: str, body: QuestionIn) -> QuestionOut:
    """A new version of the question, shown from now on; answers already given keep the
    version they were shown."""
    return question_out(*await service.change_question(question_id, body, who=who))


@api.post(
    "/api/v1/quiz/questions/{question_id}/retire",
    roles=ADMIN,
    response=QuestionOut,
    errors=(NoSuchQuestion,),
)
async def retire_question(who: Principal, question_id: str) -> QuestionOut:
    """No longer drawn for new quizzes."""
    return question_out(*await service.retire_question(question_id, who=who))


# --- taking quizzes -------------------------------------------------------------------------


async def _attempt_out(attempt: Any) -> AttemptOut:
    return attempt_out((await service.views([attempt]))[0])


@api.post(
    "/api/v1/quiz/daily",
    roles=RESIDENT,
    response=AttemptOut,
    status=201,
    errors=START_ERRORS,
)
async def start_daily(who: Principal) -> AttemptOut:
    """Today's quiz: drawn at the first call, the same questions until submitted (no answers
    among them); 409 once today's quiz was submitted."""
    return await _attempt_out(await service.start_daily(who))


@api.post(
    "/api/v1/quiz/attempts/{attempt_id}/submission",
    roles=RESIDENT,
    body=SubmissionIn,
    response=AttemptOut,
    idempotent=True,
    errors=(NoSuchAttempt, AttemptSubmitted, InvalidAnswers, QuizClosed),
)
async def submit(who: Principal, attempt_id: str, body: SubmissionIn) -> AttemptOut:
    """Submits the answers once: the results with the right answers and their explanations,
    and the credits posted (within the day's cap of quiz credits)."""
    return await _attempt_out(await service.submit(attempt_id, body.answers, who=who))


@api.get("/api/v1/me/quiz/attempts", roles=RESIDENT, query=PageQuery, response=Page[AttemptSummary])
async def my_attempts(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The resident's quizzes, newest first."""
    page = await paginate(own_attempts(who).rows(), query)
    page["items"] = [
        AttemptSummary.model_validate(attempt_out(v), from_attributes=True)
        for v in await service.views(page["items"])
    ]
    return page


@api.get(
    "/api/v1/me/quiz/attempts/{attempt_id}",
    roles=RESIDENT,
    response=AttemptOut,
    errors=(NoSuchAttempt,),
)
async def my_attempt(who: Principal, attempt_id: str) -> AttemptOut:
    """One of the resident's quizzes: once submitted, with the results and explanations."""
    return await _attempt_out(await own_attempt(attempt_id, who=who))


# --- special quizzes ------------------------------------------------------------------------


@api.post(
    "/api/v1/quiz/specials",
    roles=ADMIN,
    body=SpecialQuizIn,
    response=SpecialQuizOut,
    status=201,
    idempotent=True,
    errors=(InvalidQuiz, NotEnoughQuestions),
)
async def open_special(who: Principal, body: SpecialQuizIn) -> SpecialQuizOut:
    """Opens a quiz to the district's residents for a period, of questions drawn now."""
    return special_out(await service.open_special(body, who=who))


@api.get(
    "/api/v1/quiz/specials", roles=SPECIAL_READERS, query=PageQuery, response=Page[SpecialQuizOut]
)
async def list_specials(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The district's special quizzes, newest first."""
    page = await paginate(readable_specials(who).rows(), query)
    page["items"] = [special_out(q) for q in page["items"]]
    return page


@api.get(
    "/api/v1/quiz/specials/{quiz_id}",
    roles=SPECIAL_READERS,
    response=SpecialQuizOut,
    errors=(NoSuchQuiz,),
)
async def get_special(who: Principal, quiz_id: str) -> SpecialQuizOut:
    return special_out(await readable_special(quiz_id, who=who))


@api.post(
    "/api/v1/quiz/specials/{quiz_id}/attempts",
    roles=RESIDENT,
    response=AttemptOut,
    status=201,
    errors=(NoSuchQuiz, QuizNotOpen, QuizClosed, *START_ERRORS),
)
async def start_special(who: Principal, quiz_id: str) -> AttemptOut:
    """The resident's attempt at a special quiz while it is open (the same one until
    submitted; 409 once submitted or after the quiz closed)."""
    quiz = await readable_special(quiz_id, who=who)
    return await _attempt_out(await service.start_special(quiz, who=who))


# --- what residents get wrong ---------------------------------------------------------------


@api.get("/api/v1/quiz/stats", roles=STATS_READERS, query=StatsQuery, response=StatsOut)
async def stats(who: Principal, query: StatsQuery) -> service.Stats:
    """Per question and community, the answers submitted in a period and how many were right,
    the most often wrong first (a worker's communities, an administrator's district)."""
    return await service.question_stats(query, who=who)
