"""The moral assessment in the console: a community's households for a quarter with their
status, and the review screen of one household (item by item, a reason for every deduction and
veto; 390 px wide works), publication and decisions on objections. Added to the console's
routes by `routes` below."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.scope import served_communities
from console.web import Ctx, Handler, form_data, page, redirect
from kernel import localtime
from kernel.auth import STAFF_ROLES, Role
from kernel.errors import Invalid
from kernel.http import parse
from kernel.i18n import N_, translate
from moralbank import assessment
from moralbank.assessment_errors import MARK_KIND_NAMES, OBJECTION_DECISION_NAMES
from moralbank.assessment_schemas import (
    AssessmentDetailOut,
    AssessmentReviewIn,
    AssessmentReviewOut,
    AssessmentRules,
)
from moralbank.assessment_scope import REVIEWERS
from moralbank.assessment_standards import rules_of

P = "/assessment"


def _periods() -> list[str]:
    """The quarter under way and the four before it, newest first."""
    found = [localtime.quarter_of(localtime.now())]
    for _ in range(4):
        found.append(localtime.previous_quarter(found[-1]))
    return found


async def households_page(ctx: Ctx) -> Response:
    periods = _periods()
    period = ctx.request.query_params.get("period") or periods[0]
    if period not in periods:
        period = periods[0]
    communities = await served_communities(ctx.who).rows().order_by("code")
    chosen = ctx.request.query_params.get("community") or (
        communities[0].code if communities else ""
    )
    community = next((c for c in communities if c.code == chosen), None)
    rows = await assessment.quarter(community, period, who=ctx.who) if community else []
    stars = await assessment.stars([community], period) if community else []
    return ctx.render(
        "assessment/households.html",
        periods=periods,
        period=period,
        communities=communities,
        community=community,
        rows=rows,
        stars=stars[0]["stars"] if stars else [],
        reviewer=ctx.who.role in REVIEWERS,
    )


async def open_period(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    community = next(
        (
            c
            for c in await served_communities(ctx.who).rows()
            if c.code == values.get("community", "")
        ),
        None,
    )
    period = values.get("period", "")
    if community is None or period not in _periods():
        raise Invalid(N_("Choose a community you serve and a quarter."))
    done = await assessment.open_period(community, period, by=ctx.who)
    await ctx.say(
        translate(
            "{period}: {count} household(s) opened for assessment.",
            period=localtime.period_name(period),
            count=done["opened"],
        )
    )
    return redirect(f"/console{P}?period={period}&community={community.code}")


def _item_rows(
    rules: AssessmentRules, detail: AssessmentDetailOut, review: AssessmentReviewOut | None
) -> list[dict[str, Any]]:
    """Each category with its items: the household's own and the neighbours' mean points as
    reference, and the community's points and reason so far (full points by default)."""
    marks = {m.kind: m.points for m in detail.marks}
    given = {i.code: i for i in (review.items if review else [])}
    return [
        {
            "category": category,
            "lines": [
                {
                    "item": item,
                    "self": marks.get("self", {}).get(item.code),
                    "neighbours": marks.get("neighbour", {}).get(item.code),
                    "points": given[item.code].points if item.code in given else item.max_points,
                    "reason": given[item.code].reason if item.code in given else "",
                }
                for item in category.items
            ],
        }
        for category in rules.categories
    ]


async def review_page(ctx: Ctx) -> Response:
    found = await assessment.get_assessment(ctx.request.path_params["id"], who=ctx.who)
    detail = await assessment.detail(found, who=ctx.who)
    latest = detail.reviews[-1] if detail.reviews else None
    vetoed = {v.code: v.reason for v in (latest.vetoes if latest else [])}
    pending = next((o for o in detail.objections if o.decision is None), None)
    editable = ctx.who.role in REVIEWERS and (
        found.status in ("open", "reviewed") or (found.status == "published" and pending)
    )
    return ctx.render(
        "assessment/review.html",
        a=detail,
        categories=_item_rows(detail.standard, detail, latest),
        vetoes=[{"veto": v, "reason": vetoed.get(v.code)} for v in detail.standard.vetoes],
        marks=[
            {"kind": translate(MARK_KIND_NAMES[m.kind]), "count": m.count, "total": m.total}
            for m in detail.marks
        ],
        objections=[
            {
                "o": o,
                "decision": translate(OBJECTION_DECISION_NAMES[o.decision]) if o.decision else "",
            }
            for o in detail.objections
        ],
        pending=pending,
        editable=editable,
        reviewer=ctx.who.role in REVIEWERS,
        total=detail.standard.total,
    )


def _review_body(rules: AssessmentRules, values: dict[str, str]) -> AssessmentReviewIn:
    items = []
    for code in rules.items():
        raw = values.get(f"points-{code}", "").strip()
        try:
            points = Decimal(raw)
        except InvalidOperation:
            raise Invalid(
                N_("Some fields are missing or wrong; see `errors`."),
                errors=[{"field": f"points-{code}", "message": N_("must be a number")}],
            ) from None
        items.append({"code": code, "points": points, "reason": values.get(f"reason-{code}", "")})
    vetoes = [
        {"code": v.code, "reason": values.get(f"veto-reason-{v.code}", "")}
        for v in rules.vetoes
        if values.get(f"veto-{v.code}")
    ]
    body = parse(AssessmentReviewIn, {"items": items, "vetoes": vetoes})
    assert isinstance(body, AssessmentReviewIn)
    return body


async def review(ctx: Ctx) -> Response:
    found = await assessment.get_assessment(ctx.request.path_params["id"], who=ctx.who)
    values = await form_data(ctx)
    body = _review_body(await rules_of(found.standard_id), values)
    pending = values.get("objection", "")
    if pending:
        _reason_given(values.get("decision_reason", ""), "decision_reason")
        objection = await assessment.get_objection(pending, who=ctx.who)
        await assessment.decide(
            objection,
            by=ctx.who,
            decision="revise",
            reason=values.get("decision_reason", "").strip(),
            revision=body,
        )
        await ctx.say(translate("The result is revised; the objection is decided."))
    else:
        await assessment.review(found, body, by=ctx.who)
        await ctx.say(translate("The review is saved."))
    return redirect(f"/console{P}/{found.id}")


async def publish(ctx: Ctx) -> Response:
    found = await assessment.get_assessment(ctx.request.path_params["id"], who=ctx.who)
    await assessment.publish(found, by=ctx.who)
    await ctx.say(translate("The result is published; the household may object."))
    return redirect(f"/console{P}/{found.id}")


async def uphold(ctx: Ctx) -> Response:
    objection = await assessment.get_objection(ctx.request.path_params["id"], who=ctx.who)
    values = await form_data(ctx)
    _reason_given(values.get("reason", ""), "reason")
    await assessment.decide(
        objection,
        by=ctx.who,
        decision="uphold",
        reason=values.get("reason", "").strip(),
        revision=None,
    )
    await ctx.say(translate("The result is upheld; the objection is decided."))
    return redirect(f"/console{P}/{objection.assessment_id}")


def _reason_given(reason: str, field: str) -> None:
    if not reason.strip():
        raise Invalid(
            N_("Some fields are missing or wrong; see `errors`."),
            errors=[{"field": field, "message": N_("required")}],
        )


def _get(path: str, handler: Handler, roles: tuple[Role, ...]) -> Route:
    return Route(P + path, page(handler, roles=roles), methods=["GET"])


def _post(path: str, handler: Handler, roles: tuple[Role, ...]) -> Route:
    return Route(P + path, page(handler, roles=roles), methods=["POST"])


routes: list[BaseRoute] = [
    _get("", households_page, STAFF_ROLES),
    _post("/open", open_period, REVIEWERS),
    _get("/{id}", review_page, STAFF_ROLES),
    _post("/{id}/review", review, REVIEWERS),
    _post("/{id}/publish", publish, REVIEWERS),
    _post("/objections/{id}/uphold", uphold, REVIEWERS),
]
