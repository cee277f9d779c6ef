"""Errors of the regulations quiz, each with its HTTP status."""

from __future__ import annotations

from kernel.errors import Conflict, Invalid, NotFound
from kernel.i18n import N_


class NoSuchQuestion(NotFound):
    code, title = "question_not_found", N_("No such question")


class NoSuchQuiz(NotFound):
    code, title = "quiz_not_found", N_("No such quiz")


class NoSuchAttempt(NotFound):
    code, title = "attempt_not_found", N_("No such quiz attempt")


class QuizTaken(Conflict):
    code, title = "quiz_already_taken", N_("You have taken this quiz already")


class AttemptSubmitted(Conflict):
    code, title = "attempt_already_submitted", N_("The answers were submitted already")


class QuizClosed(Conflict):
    code, title = "quiz_closed", N_("The quiz is closed")


class QuizNotOpen(Conflict):
    code, title = "quiz_not_open", N_("The quiz is not open yet")


class NotEnoughQuestions(Conflict):
    code, title = "not_enough_questions", N_("The question bank has too few questions")


class QuizNeedsCommunity(Conflict):
    code, title = "quiz_needs_community", N_("Join a community to take quizzes")


class InvalidAnswers(Invalid):
    code, title = "invalid_answers", N_("The answers do not fit the questions")


class InvalidQuestion(Invalid):
    code, title = "invalid_question", N_("The question is not valid")


class InvalidQuiz(Invalid):
    code, title = "invalid_quiz", N_("The quiz is not valid")
