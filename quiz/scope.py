"""Who may see what of the regulations quiz: a district's bank and special quizzes, a
resident's own attempts, the answers staff count (one `Scope` each), and get-by-id that
answers 404 outside them. Every route, service and statement of `quiz` asks here."""

from __future__ import annotations

from accounts.scope import own_district, served_places
from kernel.auth import Principal
from kernel.i18n import N_
from kernel.scope import Scope, eq
from quiz.errors import NoSuchAttempt, NoSuchQuestion, NoSuchQuiz
from quiz.models import Answer, Attempt, Question, QuestionVersion, SpecialQuiz


def district_bank(who: Principal) -> Scope[Question]:
    """The questions of the caller's district (staff; residents meet them in attempts)."""
    return Scope(Question, own_district(who))


def district_versions(who: Principal) -> Scope[QuestionVersion]:
    return Scope(QuestionVersion, own_district(who))


def readable_specials(who: Principal) -> Scope[SpecialQuiz]:
    """The special quizzes of the caller's district: its residents take them, its staff run
    them."""
    return Scope(SpecialQuiz, own_district(who))


def own_attempts(who: Principal) -> Scope[Attempt]:
    """A resident's own attempts."""
    return Scope(Attempt, eq("resident_id", who.id) & eq("district_id", who.district_id or ""))


def counted_answers(who: Principal) -> Scope[Answer]:
    """The answers staff count: a worker's communities', an administrator's district's."""
    return Scope(Answer, served_places(who).where())


async def managed_question(question_id: str, *, who: Principal) -> Question:
    found = await district_bank(who).rows().get_or_none(id=question_id)
    if found is None:
        raise NoSuchQuestion(N_("No question `{question}` in your district."), question=question_id)
    return found


async def readable_special(quiz_id: str, *, who: Principal) -> SpecialQuiz:
    found = await readable_specials(who).rows().get_or_none(id=quiz_id)
    if found is None:
        raise NoSuchQuiz(N_("No quiz `{quiz}` for you."), quiz=quiz_id)
    return found


async def own_attempt(attempt_id: str, *, who: Principal) -> Attempt:
    found = await own_attempts(who).rows().get_or_none(id=attempt_id)
    if found is None:
        raise NoSuchAttempt(N_("No attempt `{attempt}` of yours."), attempt=attempt_id)
    return found
