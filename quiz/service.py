"""The quiz's rules: the bank (a question's versions), the daily quiz drawn for a resident,
special quizzes, one attempt per quiz, answers checked here only, and credits under the day's
cap. Every function runs in the caller's transaction."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from accounts.models import Community
from accounts.service import rules_at
from campaigns.models import Campaign
from campaigns.progress import count_quiz_completion
from campaigns.scope import readable_campaign
from credits.models import to_units
from credits.service import lock_resident, post_quiz_credits
from kernel import localtime
from kernel.auth import Principal
from kernel.errors import NotFound
from kernel.i18n import N_, translate
from kernel.sql import db_time, query_rows
from quiz.errors import (
    AttemptSubmitted,
    InvalidAnswers,
    InvalidQuiz,
    NotEnoughQuestions,
    QuizClosed,
    QuizNeedsCommunity,
    QuizNotOpen,
    QuizTaken,
)
from quiz.models import Answer, Attempt, Question, QuestionVersion, SpecialQuiz
from quiz.queries import ANSWERS_BY_QUESTION, POSTED_ON_DAY
from quiz.schemas import AnswerIn, QuestionIn, SpecialQuizIn, StatsQuery
from quiz.scope import counted_answers, district_bank, managed_question, own_attempt

# A daily quiz draws no question the resident was shown in these last days while the bank
# has enough others (docs/quiz.md).
RECENT_DAYS = 7
STATS_DAYS = 30


# --- the bank -------------------------------------------------------------------------------


async def add_question(data: QuestionIn, *, who: Principal) -> tuple[Question, QuestionVersion]:
    question = await Question.create(
        district_id=who.district_id, regulation=data.regulation, created_by=who.subject
    )
    return question, await _write_version(question, data, 1, who=who)


async def _write_version(
    question: Question, data: QuestionIn, number: int, *, who: Principal
) -> QuestionVersion:
    return await QuestionVersion.create(
        district_id=question.district_id,
        question_id=question.id,
        number=number,
        created_by=who.subject,
        **data.model_dump(exclude={"regulation"}),
    )


async def change_question(
    question_id: str, data: QuestionIn, *, who: Principal
) -> tuple[Question, QuestionVersion]:
    """A new version of the question, shown from now on; answers given keep the version they
    were shown."""
    question = await managed_question(question_id, who=who)
    question = await Question.select_for_update().get(id=question.id)
    version = await _write_version(question, data, question.version + 1, who=who)
    question.version, question.regulation = version.number, data.regulation
    await question.save(update_fields=["version", "regulation"])
    return question, version


async def retire_question(question_id: str, *, who: Principal) -> tuple[Question, QuestionVersion]:
    """Stops drawing the question for new quizzes (attempts already shown it keep it)."""
    question = await managed_question(question_id, who=who)
    if question.retired_at is None:
        question.retired_at = datetime.now(UTC)
        await question.save(update_fields=["retired_at"])
    return question, (await current_versions([question]))[question.id]


async def current_versions(questions: list[Question]) -> dict[str, QuestionVersion]:
    """The version in use of each question, by question id."""
    found = await QuestionVersion.filter(question_id__in=[q.id for q in questions])
    wanted = {(q.id, q.version) for q in questions}
    return {v.question_id: v for v in found if (v.question_id, v.number) in wanted}


# --- drawing and taking a quiz --------------------------------------------------------------


def _places(who: Principal) -> tuple[str, str | None]:
    if who.district_id is None:
        raise QuizNeedsCommunity(N_("Join a community of your district to take quizzes."))
    return who.district_id, next(iter(sorted(who.community_ids)), None)


async def start_daily(who: Principal) -> Attempt:
    """Today's quiz of the resident: drawn on the first call, the same questions afterwards
    until it is submitted; a second attempt of the day is refused."""
    district_id, community_id = _places(who)
    await lock_resident(who.id)
    now = datetime.now(UTC)
    day = localtime.local_date(now)
    attempt = await _open_attempt(who, f"daily:{day.isoformat()}")
    if attempt is not None:
        return attempt
    rules = await rules_at(district_id, now)
    questions = await _draw(who, district_id, rules.quiz_questions_per_day, now)
    return await _begin(
        who, district_id, community_id, "daily", f"daily:{day.isoformat()}", questions, now
    )


async def start_special(quiz: SpecialQuiz, *, who: Principal) -> Attempt:
    """The resident's attempt at a special quiz while it is open."""
    district_id, community_id = _places(who)
    await lock_resident(who.id)
    now = datetime.now(UTC)
    _ensure_open(quiz, now)
    attempt = await _open_attempt(who, f"special:{quiz.id}")
    if attempt is not None:
        return attempt
    found = {q.id: q for q in await Question.filter(id__in=quiz.question_ids)}
    questions = [found[i] for i in quiz.question_ids if i in found]
    return await _begin(
        who, district_id, community_id, "special", f"special:{quiz.id}", questions, now, quiz.id
    )


def _ensure_open(quiz: SpecialQuiz, now: datetime) -> None:
    if now < quiz.opens_at:
        raise QuizNotOpen(
            N_("`{title}` opens at {opens_at}."),
            title=quiz.title,
            opens_at=quiz.opens_at.astimezone(localtime.zone()).strftime("%Y-%m-%d %H:%M"),
        )
    if now >= quiz.closes_at:
        raise QuizClosed(N_("`{title}` has closed."), title=quiz.title)


async def _open_attempt(who: Principal, slot: str) -> Attempt | None:
    attempt = await Attempt.get_or_none(resident_id=who.id, slot=slot)
    if attempt is not None and attempt.submitted_at is not None:
        raise QuizTaken(N_("You have taken this quiz already; see it in your history."))
    return attempt


async def _draw(who: Principal, district_id: str, count: int, now: datetime) -> list[Question]:
    """`count` questions of the bank in use, none shown to the resident in the last
    RECENT_DAYS days while there are enough others; then the longest unseen."""
    bank = await Question.filter(district_id=district_id, retired_at=None)
    if not bank:
        raise NotEnoughQuestions(N_("The district has no quiz questions yet."))
    recent = await Answer.filter(
        resident_id=who.id, shown_at__gte=now - timedelta(days=RECENT_DAYS)
    ).values_list("question_id", "shown_at")
    last_shown: dict[str, datetime] = {}
    for question_id, shown_at in recent:
        last_shown[str(question_id)] = max(shown_at, last_shown.get(str(question_id), shown_at))
    fresh = [q for q in bank if q.id not in last_shown]
    picked = random.sample(fresh, min(count, len(fresh)))
    if len(picked) < count:
        seen = sorted((q for q in bank if q.id in last_shown), key=lambda q: last_shown[q.id])
        picked += seen[: count - len(picked)]
    return picked


async def _begin(
    who: Principal,
    district_id: str,
    community_id: str | None,
    kind: str,
    slot: str,
    questions: list[Question],
    now: datetime,
    special_id: str | None = None,
) -> Attempt:
    attempt = await Attempt.create(
        district_id=district_id,
        community_id=community_id,
        resident_id=who.id,
        kind=kind,
        slot=slot,
        special_id=special_id,
        started_at=now,
    )
    versions = await current_versions(questions)
    await Answer.bulk_create(
        [
            Answer(
                attempt_id=attempt.id,
                district_id=district_id,
                community_id=community_id,
                resident_id=who.id,
                question_id=question.id,
                version_id=versions[question.id].id,
                position=position,
                shown_at=now,
            )
            for position, question in enumerate(questions)
        ]
    )
    return attempt


async def submit(attempt_id: str, answers: list[AnswerIn], *, who: Principal) -> Attempt:
    """Checks the answers, records the time taken and posts the credits earned, under the
    day's cap of quiz credits. One submission per attempt; a special quiz takes none after
    it closed."""
    await lock_resident(who.id)
    attempt = await own_attempt(attempt_id, who=who)
    if attempt.submitted_at is not None:
        raise AttemptSubmitted(N_("These answers were submitted already."))
    now = datetime.now(UTC)
    special = await SpecialQuiz.get(id=attempt.special_id) if attempt.special_id else None
    if special is not None:
        _ensure_open(special, now)
    shown = await Answer.filter(attempt_id=attempt.id).order_by("position")
    versions = {v.id: v for v in await QuestionVersion.filter(id__in=[a.version_id for a in shown])}
    chosen = _chosen(answers, shown, versions)
    for answer in shown:
        answer.chosen = chosen.get(answer.position, [])
        answer.is_correct = answer.chosen == versions[answer.version_id].answer
        await answer.save(update_fields=["chosen", "is_correct"])
    correct = sum(1 for a in shown if a.is_correct)
    points = await _points(attempt, correct, now)
    updated = await Attempt.filter(id=attempt.id, submitted_at=None).update(
        submitted_at=now,
        seconds=int((now - attempt.started_at).total_seconds()),
        correct=correct,
        points=points,
    )
    if not updated:
        raise AttemptSubmitted(N_("These answers were submitted already."))
    if special is not None and special.campaign_id is not None:
        await count_quiz_completion(
            campaign_id=special.campaign_id,
            resident_id=who.id,
            attempt_id=attempt.id,
            completed_at=now,
        )
    if points > 0:
        await post_quiz_credits(
            district_id=attempt.district_id,
            resident_id=who.id,
            units=points,
            attempt_id=attempt.id,
            at=now,
            actor=who.subject,
        )
    return await Attempt.get(id=attempt.id)


def _chosen(
    answers: list[AnswerIn], shown: list[Answer], versions: dict[str, QuestionVersion]
) -> dict[int, list[int]]:
    by_position = {a.position: versions[a.version_id] for a in shown}
    chosen: dict[int, list[int]] = {}
    errors: list[dict[str, str]] = []
    for index, answer in enumerate(answers):
        version = by_position.get(answer.position)
        if version is None or answer.position in chosen:
            errors.append({"field": f"answers.{index}.position", "message": "no such question"})
            continue
        picked = sorted(set(answer.chosen))
        if any(not 0 <= i < len(version.options) for i in picked) or (
            version.kind != "multiple" and len(picked) > 1
        ):
            errors.append({"field": f"answers.{index}.chosen", "message": "not its options"})
        chosen[answer.position] = picked
    if errors:
        raise InvalidAnswers(N_("Some answers do not fit the questions shown."), errors=errors)
    return chosen


async def _points(attempt: Attempt, correct: int, now: datetime) -> int:
    """The credits (hundredths) the attempt earns: per right answer by the rules in force,
    no more than what the resident's day of quizzes has left under the cap. The caller holds
    `lock_resident`, so racing submissions read each other's points."""
    rules = await rules_at(attempt.district_id, now)
    if not rules.moral_bank_enabled:
        return 0
    earned = to_units(rules.quiz_points_per_correct) * correct
    start, end = localtime.day_bounds(localtime.local_date(now))
    found = await query_rows(
        POSTED_ON_DAY,
        {"resident": attempt.resident_id, "start": db_time(start), "end": db_time(end)},
    )
    left = to_units(rules.quiz_daily_cap) - int(found[0]["posted"] or 0)
    return max(0, min(earned, left))


# --- reading an attempt ---------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptView:
    """An attempt with what it showed (each answer's version) and its title."""

    attempt: Attempt
    title: str
    answers: list[Answer]
    versions: dict[str, QuestionVersion]
    regulations: dict[str, str]


async def views(attempts: list[Attempt]) -> list[AttemptView]:
    answers = await Answer.filter(attempt_id__in=[a.id for a in attempts]).order_by("position")
    versions = {
        v.id: v for v in await QuestionVersion.filter(id__in=list({a.version_id for a in answers}))
    }
    regulations = {
        str(q_id): str(reg)
        for q_id, reg in await Question.filter(
            id__in=list({a.question_id for a in answers})
        ).values_list("id", "regulation")
    }
    specials = {
        str(s_id): str(title)
        for s_id, title in await SpecialQuiz.filter(
            id__in=[a.special_id for a in attempts if a.special_id]
        ).values_list("id", "title")
    }
    by_attempt: dict[str, list[Answer]] = {a.id: [] for a in attempts}
    for answer in answers:
        by_attempt[answer.attempt_id].append(answer)
    return [
        AttemptView(
            attempt,
            specials.get(attempt.special_id or "", "") or _daily_title(attempt),
            by_attempt[attempt.id],
            versions,
            regulations,
        )
        for attempt in attempts
    ]


def _daily_title(attempt: Attempt) -> str:
    return translate(N_("Daily quiz of {day}"), day=attempt.slot.removeprefix("daily:"))


# --- special quizzes ------------------------------------------------------------------------


async def open_special(data: SpecialQuizIn, *, who: Principal) -> SpecialQuiz:
    """A quiz open to the district's residents for a period, of questions drawn now."""
    if data.closes_at <= datetime.now(UTC):
        raise InvalidQuiz(
            N_("A quiz must close in the future."),
            errors=[{"field": "closes_at", "message": "in the past"}],
        )
    campaign = await _campaign(data, who) if data.campaign_id else None
    bank = district_bank(who).rows().filter(retired_at=None)
    if data.regulation is not None:
        bank = bank.filter(regulation=data.regulation)
    ids = [str(i) for i in await bank.values_list("id", flat=True)]
    if len(ids) < data.questions:
        raise NotEnoughQuestions(
            N_("The bank has {found} questions for it; {wanted} were asked for."),
            found=len(ids),
            wanted=data.questions,
        )
    return await SpecialQuiz.create(
        district_id=who.district_id,
        title=data.title,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        question_ids=random.sample(ids, data.questions),
        campaign_id=campaign.id if campaign else None,
        created_by=who.subject,
    )


async def _campaign(data: SpecialQuizIn, who: Principal) -> Campaign:
    """The campaign a special quiz counts toward: one the caller reads (their district's or the
    city's), and the quiz within its period."""
    try:
        campaign = await readable_campaign(data.campaign_id or "", who=who)
    except NotFound:
        raise InvalidQuiz(
            N_("No campaign `{campaign}` of your district or the city."),
            campaign=data.campaign_id,
            errors=[{"field": "campaign_id", "message": "no such campaign"}],
        ) from None
    last_moment = data.closes_at - timedelta(microseconds=1)
    if (
        localtime.local_date(data.opens_at) < campaign.starts_on
        or localtime.local_date(last_moment) > campaign.ends_on
    ):
        raise InvalidQuiz(
            N_("The quiz must lie within the campaign's period, {starts_on} to {ends_on}."),
            starts_on=campaign.starts_on.isoformat(),
            ends_on=campaign.ends_on.isoformat(),
            errors=[{"field": "campaign_id", "message": "outside the campaign's period"}],
        )
    return campaign


def special_status(quiz: SpecialQuiz, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    if now < quiz.opens_at:
        return "upcoming"
    return "open" if now < quiz.closes_at else "closed"


# --- what residents get wrong ---------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    since: date
    until: date
    items: list[dict[str, Any]]


async def question_stats(query: StatsQuery, *, who: Principal) -> Stats:
    """Per question and community: the answers submitted in the period and how many were
    right, the most often wrong first."""
    until = query.until or localtime.today()
    since = query.since or until - timedelta(days=STATS_DAYS - 1)
    start, end = localtime.day_bounds(since, until)
    rows = await query_rows(
        ANSWERS_BY_QUESTION,
        {"since": db_time(start), "until": db_time(end)},
        counted=counted_answers(who).sql("a"),
    )
    questions = {
        q.id: q for q in await Question.filter(id__in=list({r["question_id"] for r in rows}))
    }
    versions = await current_versions(list(questions.values()))
    communities = {
        c.id: c for c in await Community.filter(id__in=list({r["community_id"] for r in rows}))
    }
    items: list[dict[str, Any]] = []
    for row in rows:
        question = questions[row["question_id"]]
        if query.regulation and question.regulation != query.regulation:
            continue
        community = communities.get(row["community_id"])
        items.append(
            {
                "question_id": question.id,
                "regulation": question.regulation,
                "text": versions[question.id].text,
                "article": versions[question.id].article,
                "community": community.code if community else "",
                "community_name": community.name if community else "",
                "answered": int(row["answered"]),
                "correct": int(row["correct"] or 0),
            }
        )
    items.sort(key=lambda i: (i["correct"] / i["answered"], -i["answered"], i["question_id"]))
    return Stats(since, until, items)
