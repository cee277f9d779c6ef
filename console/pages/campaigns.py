"""The console's campaign screens: the campaigns and a new one (administrators), a campaign's
progress against its targets per community, today and over the period (read from the
rollup), and its export (`campaigns.service`, `campaigns.progress`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.models import District
from accounts.service import district_actions
from campaigns import progress, service
from campaigns.schemas import CampaignIn, CommunityProgress
from campaigns.scope import FOLLOWS_CAMPAIGNS, RUNS_CAMPAIGNS, readable_campaign
from console.pages.exports import attachment
from console.web import Ctx, page, redirect
from kernel import localtime, tabular
from kernel.http import parse
from kernel.i18n import N_, translate

FIGURES = ("participants", "hours", "deeds", "quiz_completions")
FIGURE_NAMES = {
    "participants": N_("Participants"),
    "hours": N_("Hours"),
    "deeds": N_("Deeds"),
    "quiz_completions": N_("Quizzes completed"),
}
STATUS_NAMES = {
    "upcoming": N_("Not started"),
    "running": N_("In progress"),
    "ended": N_("Ended"),
}


async def campaigns_page(ctx: Ctx) -> Response:
    found = await service.campaigns_for(ctx.who, running=False).order_by("-starts_on").limit(100)
    district_id = ctx.who.district_id
    return ctx.render(
        "campaigns/list.html",
        campaigns=await service.campaign_views(found),
        statuses=STATUS_NAMES,
        can_create=ctx.who.role in RUNS_CAMPAIGNS,
        actions=await district_actions(district_id) if district_id else await _city_actions(),
        districts=await District.all().order_by("code") if ctx.who.role == "platform_admin" else [],
        figures=FIGURE_NAMES,
        today=localtime.today(),
    )


async def _city_actions() -> dict[str, str]:
    from activities.models import CivilityAction

    return {a.code: a.name for a in await CivilityAction.filter(district_id__isnull=True)}


def _targets(form: Any, prefix: str) -> dict[str, str]:
    return {name: form.get(f"{prefix}{name}") or "0" for name in FIGURES}


async def create_campaign(ctx: Ctx) -> Response:
    form = await ctx.request.form()
    body = parse(
        CampaignIn,
        {
            "title": form.get("title", ""),
            "description": form.get("description", ""),
            "starts_on": form.get("starts_on", ""),
            "ends_on": form.get("ends_on", ""),
            "district": form.get("district") or None,
            "actions": form.getlist("actions"),
            "activity_kinds": form.getlist("activity_kinds"),
            "targets": _targets(form, "total_"),
            "community_targets": _targets(form, "community_"),
            "bonus": form.get("bonus") == "on",
        },
    )
    assert isinstance(body, CampaignIn)
    campaign = await service.create_campaign(body, by=ctx.who)
    await ctx.say(translate("The campaign {title} is created.", title=campaign.title))
    return redirect(f"/console/campaigns/{campaign.id}")


def _share(done: Decimal | int, target: Decimal | int) -> str:
    """How much of a target is done, in whole percent ("" without a target)."""
    if not target:
        return ""
    return f"{int(Decimal(done) * 100 / Decimal(target))}%"


async def campaign_page(ctx: Ctx) -> Response:
    campaign = await readable_campaign(ctx.request.path_params["id"], who=ctx.who)
    found = await progress.community_progress(campaign, who=ctx.who)
    view = (await service.campaign_views([campaign]))[0]
    return ctx.render(
        "campaigns/progress.html",
        campaign=view,
        statuses=STATUS_NAMES,
        progress=found,
        figures=FIGURE_NAMES,
        share=_share,
    )


def _line(line: CommunityProgress) -> list[Any]:
    cells: list[Any] = [line.name]
    for name in FIGURES:
        cells.append(float(getattr(line.today, name)))
    for name in FIGURES:
        done, target = getattr(line.period, name), getattr(line.targets, name)
        cells += [float(done), float(target), _share(done, target)]
    return cells


async def campaign_export(ctx: Ctx) -> Response:
    campaign = await readable_campaign(ctx.request.path_params["id"], who=ctx.who)
    found = await progress.community_progress(campaign, who=ctx.who)
    headers = [translate("Community")]
    headers += [translate("Today: {figure}", figure=translate(FIGURE_NAMES[f])) for f in FIGURES]
    for name in FIGURES:
        figure = translate(FIGURE_NAMES[name])
        headers += [
            translate("Period: {figure}", figure=figure),
            translate("Target: {figure}", figure=figure),
            translate("Done: {figure}", figure=figure),
        ]

    async def rows() -> AsyncIterator[list[list[Any]]]:
        yield [_line(line) for line in [*found.communities, found.total]]

    sheet = translate("Campaign progress")
    body = tabular.stream("xlsx", sheet, headers, rows())
    last = min(campaign.ends_on, found.day)
    filename = f"{sheet}_{campaign.title}_{found.day}.xlsx"
    return attachment(
        ctx, body, "xlsx", filename, kind="campaign-progress", period=(campaign.starts_on, last)
    )


routes: list[BaseRoute] = [
    Route("/campaigns", page(campaigns_page, roles=FOLLOWS_CAMPAIGNS), methods=["GET"]),
    Route("/campaigns", page(create_campaign, roles=RUNS_CAMPAIGNS), methods=["POST"]),
    Route("/campaigns/{id}", page(campaign_page, roles=FOLLOWS_CAMPAIGNS), methods=["GET"]),
    Route(
        "/campaigns/{id}/export", page(campaign_export, roles=FOLLOWS_CAMPAIGNS), methods=["GET"]
    ),
]
