"""Reviews of a worker's day: deeds (with their photos), attesting a deed, correction
requests, and handing a reward over against its pickup code."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from activities import deeds, records
from activities import service as activities
from activities.models import ServiceRecord
from activities.schemas.deeds import AttestIn, ReviewIn
from activities.schemas.records import CorrectionDecisionIn
from console import lookups, scope
from console.pages.worker import find_residents
from console.scope import readable_corrections, readable_deeds
from console.web import Ctx, form_data, parse_local, redirect
from credits import rewards
from credits.models import Redemption, Reward, from_units
from credits.schemas import FulfilIn
from kernel.http import parse
from kernel.i18n import translate
from kernel.uploads import image_response

LIMIT = 50


async def upload(ctx: Ctx) -> Response:
    """An evidence photo, for staff of its district (the domain decides)."""
    stored, data = await deeds.read_upload(ctx.request.path_params["id"], who=ctx.who)
    return image_response(stored, data)


async def deed_queue(ctx: Ctx) -> Response:
    status = ctx.request.query_params.get("status", "pending")
    if status not in ("pending", "approved", "rejected"):
        status = "pending"
    found = (
        await readable_deeds(ctx.who)
        .rows()
        .filter(status=status)
        .order_by("created_at")
        .limit(LIMIT)
    )
    people = await lookups.people(d.resident_id for d in found)
    communities = await lookups.communities(d.community_id for d in found)
    actions: dict[str, dict[str, str]] = {}
    for d in found:
        if d.district_id not in actions:
            actions[d.district_id] = await lookups.action_names(d.district_id)
    rows = [
        {
            "deed": d,
            "person": people.get(d.resident_id),
            "community": communities[d.community_id].name if d.community_id in communities else "",
            "action": actions[d.district_id].get(d.action, translate("Unknown")),
        }
        for d in found
    ]
    return ctx.render("deeds.html", rows=rows, shown=status)


async def review(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    data: dict[str, Any] = {"decision": values.get("decision", "")}
    if values.get("reason"):
        data["reason"] = values["reason"]
    body = parse(ReviewIn, data)
    assert isinstance(body, ReviewIn)
    deed = await deeds.review_deed(
        ctx.request.path_params["id"], by=ctx.who, decision=body.decision, reason=body.reason
    )
    await ctx.say(translate("Approved.") if deed.status == "approved" else translate("Rejected."))
    return redirect("/console/deeds")


async def attest_form(ctx: Ctx) -> Response:
    q, found = await find_residents(ctx)
    return ctx.render(
        "attest.html",
        q=q,
        found=found,
        actions=await activities.list_actions(ctx.who),
        now=datetime.now(UTC),
    )


async def attest(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    proxy = values.get("proxy") == "on"
    body = parse(
        AttestIn,
        {
            "resident": values.get("resident", ""),
            "action": values.get("action", ""),
            "description": values.get("description", ""),
            "occurred_at": parse_local(values.get("occurred_at", "")),
            "proxy": proxy,
            "consent": values.get("consent") or None,
        },
    )
    assert isinstance(body, AttestIn)
    await deeds.attest_deed(
        who=ctx.who,
        resident_id=body.resident,
        action=body.action,
        description=body.description,
        occurred_at=body.occurred_at,
        proxy=body.proxy,
        consent=body.consent,
    )
    await ctx.say(translate("The deed is attested and approved."))
    return redirect("/console/deeds/attest")


async def corrections(ctx: Ctx) -> Response:
    found = await readable_corrections(ctx.who).rows().order_by("-created_at").limit(LIMIT)
    people = await lookups.people(c.resident_id for c in found)
    record_list = await ServiceRecord.filter(id__in=[c.record_id for c in found if c.record_id])
    record_map = {r.id: r for r in record_list}
    activity_ids = {c.activity_id for c in found if c.activity_id} | {
        r.activity_id for r in record_list
    }
    titles = await lookups.activity_titles(activity_ids)
    rows = []
    for c in found:
        record = record_map.get(c.record_id or "")
        activity_id = c.activity_id or (record.activity_id if record else None)
        rows.append(
            {
                "correction": c,
                "person": people.get(c.resident_id),
                "record": record,
                "activity": titles.get(activity_id or "", "—"),
            }
        )
    return ctx.render("corrections.html", rows=rows)


async def decide_correction(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    data: dict[str, Any] = {
        "decision": values.get("decision", ""),
        "reason": values.get("reason", ""),
    }
    if values.get("hours"):
        data["hours"] = values["hours"]
    body = parse(CorrectionDecisionIn, data)
    assert isinstance(body, CorrectionDecisionIn)
    decided = await records.decide_correction(
        ctx.request.path_params["id"],
        by=ctx.who,
        decision=body.decision,
        reason=body.reason,
        hours=body.hours,
    )
    await ctx.say(
        translate("Accepted.") if decided.status == "accepted" else translate("Rejected.")
    )
    return redirect("/console/corrections")


async def handover_form(ctx: Ctx) -> Response:
    """Type or scan the resident's pickup code; recent hand-overs and holds below."""
    rewards_seen = scope.catalogue(ctx.who).rows()
    reward_ids = await rewards_seen.values_list("id", flat=True)
    holds = (
        await Redemption.filter(reward_id__in=list(reward_ids), status="held")
        .order_by("expires_at")
        .limit(LIMIT)
        .prefetch_related("reward")
    )
    done = (
        await Redemption.filter(reward_id__in=list(reward_ids), status="fulfilled")
        .order_by("-settled_at")
        .limit(20)
        .prefetch_related("reward")
    )
    people = await lookups.people([r.resident_id for r in holds] + [r.resident_id for r in done])
    return ctx.render(
        "handover.html",
        holds=holds,
        done=done,
        people=people,
        households=await rewards.paying_households([*holds, *done]),
        from_units=from_units,
    )


async def handover(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    code = "".join(ch for ch in values.get("code", "") if ch.isdigit())
    body = parse(FulfilIn, {"code": code})
    assert isinstance(body, FulfilIn)
    redemption = await rewards.fulfil(body.code, who=ctx.who)
    reward = await Reward.get(id=redemption.reward_id)
    person = str(
        (await lookups.people([redemption.resident_id])).get(redemption.resident_id) or "—"
    )
    households = await rewards.paying_households([redemption])
    if redemption.household_id is not None:
        said = translate(
            "Handed over: {reward} to {person}, paid by the household “{household}”.",
            reward=reward.title,
            person=person,
            household=households.get(redemption.household_id, "—"),
        )
    else:
        said = translate("Handed over: {reward} to {person}.", reward=reward.title, person=person)
    await ctx.say(said)
    return redirect("/console/handover")
