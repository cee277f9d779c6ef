"""The regulations quiz in the console: the district's question bank (added one by one or
imported from the template, retired), special quizzes opened for a period, and which
questions each community's residents get wrong. Scope is `quiz.scope`'s; the pages call the
same services as the API."""

from __future__ import annotations

from datetime import timedelta

from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from campaigns.scope import readable_campaigns
from console.web import (
    SECURITY_HEADERS,
    Ctx,
    Handler,
    form_data,
    page,
    parse_date,
    parse_local,
    redirect,
)
from kernel import localtime, tabular
from kernel.auth import Role
from kernel.errors import Invalid
from kernel.http import parse
from kernel.i18n import N_, translate
from kernel.imports import ImportRejected
from kernel.request_input import read_bounded
from quiz import bank, service
from quiz.models import KIND_NAMES, REGULATIONS
from quiz.schemas import QuestionIn, SpecialQuizIn, StatsQuery
from quiz.scope import district_bank, readable_specials

READERS: tuple[Role, ...] = ("worker", "district_admin")
ADMIN: tuple[Role, ...] = ("district_admin",)
STATS_READERS: tuple[Role, ...] = ("worker", "district_admin", "platform_admin")
LIMIT = 200
SPECIAL_STATUS_NAMES = {
    "upcoming": N_("Not open yet"),
    "open": N_("Open now"),
    "closed": N_("Ended"),
}


async def bank_page(ctx: Ctx, *, import_errors: list[dict[str, str]] | None = None) -> Response:
    shown = ctx.request.query_params.get("regulation", "")
    found = district_bank(ctx.who).rows().filter(retired_at=None)
    if shown in REGULATIONS:
        found = found.filter(regulation=shown)
    questions = list(await found.order_by("regulation", "-id").limit(LIMIT))
    versions = await service.current_versions(questions)
    return ctx.render(
        "quiz/bank.html",
        status=422 if import_errors else 200,
        rows=[(q, versions[q.id]) for q in questions],
        shown=shown,
        regulations=REGULATIONS,
        kinds=KIND_NAMES,
        # Full-width, as Chinese question papers print them.
        letters="ＡＢＣＤＥＦ",
        header="、".join(f"`{name}`" for name in bank.HEADER),
        import_errors=import_errors or [],
    )


def _question_form(values: dict[str, str]) -> QuestionIn:
    kind = values.get("kind", "")
    options = [line.strip() for line in values.get("options", "").splitlines() if line.strip()]
    body = parse(
        QuestionIn,
        {
            "regulation": values.get("regulation", ""),
            "kind": kind,
            "text": values.get("text", ""),
            "options": options if kind != "true_false" else [],
            "answer": bank.answer_of(values.get("answer", ""), kind),
            "explanation": values.get("explanation", ""),
            "article": values.get("article", ""),
        },
    )
    assert isinstance(body, QuestionIn)
    return body


async def add_question(ctx: Ctx) -> Response:
    await service.add_question(_question_form(await form_data(ctx)), who=ctx.who)
    await ctx.say(translate(N_("The question is in the bank.")))
    return redirect("/console/quiz/questions")


async def change_question(ctx: Ctx) -> Response:
    """A new version of the question; answers already given keep the one they were shown."""
    body = _question_form(await form_data(ctx))
    await service.change_question(ctx.request.path_params["id"], body, who=ctx.who)
    await ctx.say(translate(N_("The question's new version is shown from now on.")))
    return redirect("/console/quiz/questions")


async def retire_question(ctx: Ctx) -> Response:
    await service.retire_question(ctx.request.path_params["id"], who=ctx.who)
    await ctx.say(translate(N_("The question is no longer drawn.")))
    return redirect("/console/quiz/questions")


async def import_questions(ctx: Ctx) -> Response:
    form = await ctx.request.form()
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise Invalid(
            N_("Choose a CSV or XLSX file."), errors=[{"field": "file", "message": N_("required")}]
        )
    try:
        created = await bank.import_questions(await read_bounded(file), who=ctx.who)
    except ImportRejected as problem:
        # Nothing was written (every row is checked first); the page lists each bad row.
        body = problem.body()
        errors = [
            {
                "row": str(e.get("field", "")).partition(".")[0].removeprefix("row ").strip(),
                "message": str(e.get("message", "")),
            }
            for e in body.get("errors") or []
        ]
        return await bank_page(
            ctx, import_errors=errors or [{"row": "", "message": problem.detail}]
        )
    await ctx.say(translate(N_("{n} questions imported."), n=created))
    return redirect("/console/quiz/questions")


async def import_template(ctx: Ctx) -> Response:
    """The import's template to fill in (XLSX, or CSV with `?format=csv`)."""
    fmt: tabular.Format = "csv" if ctx.request.query_params.get("format") == "csv" else "xlsx"
    return tabular.Download(
        await bank.import_template(fmt),
        media_type=tabular.MEDIA_TYPES[fmt],
        headers={**SECURITY_HEADERS, "Content-Disposition": bank.template_disposition(fmt)},
    )


async def specials_page(ctx: Ctx) -> Response:
    found = await readable_specials(ctx.who).rows().order_by("-opens_at").limit(LIMIT)
    campaigns = {
        c.id: c
        for c in await readable_campaigns(ctx.who).rows().filter(ends_on__gte=localtime.today())
    }
    named = {q.campaign_id for q in found if q.campaign_id} - set(campaigns)
    campaigns |= {c.id: c for c in await readable_campaigns(ctx.who).rows().filter(id__in=named)}
    return ctx.render(
        "quiz/specials.html",
        quizzes=[(q, service.special_status(q)) for q in found],
        campaigns=campaigns,
        today=localtime.today(),
        status_names=SPECIAL_STATUS_NAMES,
        regulations=REGULATIONS,
    )


async def open_special(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    body = parse(
        SpecialQuizIn,
        {
            "title": values.get("title", ""),
            "opens_at": parse_local(values.get("opens_at", "")),
            "closes_at": parse_local(values.get("closes_at", "")),
            "questions": values.get("questions") or None,
            "regulation": values.get("regulation") or None,
            "campaign_id": values.get("campaign_id") or None,
        },
    )
    assert isinstance(body, SpecialQuizIn)
    await service.open_special(body, who=ctx.who)
    await ctx.say(translate(N_("The quiz is open to the district's residents for its period.")))
    return redirect("/console/quiz/specials")


async def stats_page(ctx: Ctx) -> Response:
    params = ctx.request.query_params
    until = parse_date(params.get("until"), field="until") or localtime.today()
    since = parse_date(params.get("since"), field="since") or until - timedelta(
        days=service.STATS_DAYS - 1
    )
    shown = params.get("regulation", "")
    query = StatsQuery(
        regulation=shown if shown in REGULATIONS else None,
        since=since,
        until=until,
    )
    stats = await service.question_stats(query, who=ctx.who)
    return ctx.render(
        "quiz/stats.html",
        stats=stats,
        shown=shown,
        regulations=REGULATIONS,
    )


P = "/quiz"


def _get(path: str, handler: Handler, roles: tuple[Role, ...]) -> Route:
    return Route(P + path, page(handler, roles=roles), methods=["GET"])


def _post(path: str, handler: Handler, roles: tuple[Role, ...]) -> Route:
    return Route(P + path, page(handler, roles=roles), methods=["POST"])


routes: list[BaseRoute] = [
    _get("/questions", bank_page, READERS),
    _post("/questions", add_question, ADMIN),
    _post("/questions/import", import_questions, ADMIN),
    _get("/questions/import-template", import_template, ADMIN),
    _post("/questions/{id}/versions", change_question, ADMIN),
    _post("/questions/{id}/retire", retire_question, ADMIN),
    _get("/specials", specials_page, READERS),
    _post("/specials", open_special, ADMIN),
    _get("/stats", stats_page, STATS_READERS),
]
