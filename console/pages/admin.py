"""A district's back office: the rules (in force, scheduled, a change previewed before it is
saved), communities and staff, rewards and stock with the redemption log, badges, the honour
roll of a month reviewed before publishing, and the jobs. Every rule is the domain's."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from accounts import service as accounts
from accounts import staff as staff_accounts
from accounts.models import Community, District, StaffCommunity
from accounts.schemas import (
    CommunityCreate,
    DistrictRules,
    DistrictRulesPatch,
    PasswordResetIn,
    StaffCreate,
)
from campaigns.scope import readable_campaigns
from console import lookups, names, scope
from console.scope import communities_of, readable_badges, readable_districts
from console.web import Ctx, form_data, local, number, parse_local, redirect
from credits import rewards
from credits.models import from_units
from credits.recognition import honour_rolls
from credits.recognition import service as recognition
from credits.recognition.models import HonourRollEntry
from credits.recognition.schemas import BadgeCreate
from credits.schemas import RestockIn, RewardIn, RewardPatch, StaffRedemptionOut, WithdrawIn
from kernel import localtime
from kernel.errors import Invalid, NotFound
from kernel.http import parse
from kernel.i18n import N_, translate
from moralbank.star_cards import RULE_NAMES as GREEN_CARD_RULES

RULE_FLAGS = ("moral_bank_enabled", "backfill_earns_credits")
RULE_NUMBERS = (
    "max_hours_per_day",
    "review_hours_per_day",
    "redemption_hold_hours",
    "geofence_radius_m",
    "household_share_percent",
    "campaign_bonus",
    "quiz_questions_per_day",
    "quiz_points_per_correct",
    "quiz_daily_cap",
)
# The household actions (好家风) a district names, a checkbox each (`household_action:<code>`);
# the marker says the boxes were on the form, so none ticked means none.
HOUSEHOLD_ACTION = "household_action:"
CRITERIA = {
    "hours_total": N_("Verified hours in total"),
    "action_count": N_("Times one civility action was practised"),
    "credits_earned": N_("Credits earned in total"),
    "distinct_actions": N_("Different civility actions practised"),
}
# The criteria a badge may show; a campaign's badge is defined with its campaign, not here.
SHOWN_CRITERIA = {**CRITERIA, "campaign": N_("Taking part in a campaign")}
EXPIRY = {
    "never": N_("Never"),
    "end_of_following_year": N_("At the end of the following year"),
    "months": N_("After a number of months"),
}
BOARDS = {
    "hours": N_("Most verified hours"),
    "credits": N_("Most credits earned"),
    "communities": N_("Communities"),
}


async def _district(ctx: Ctx) -> District:
    """The district administered: the caller's, or for a platform administrator `?district=`."""
    code = ctx.request.query_params.get("district")
    found = readable_districts(ctx.who).rows()
    district = await (found.filter(code=code) if code else found).first()
    if district is None:
        raise NotFound(N_("No such district."))
    return district


# --- rules ---------------------------------------------------------------------------------


def _patch(values: dict[str, str]) -> DistrictRulesPatch:
    """The form's change as the API's patch: only what was filled in."""
    data: dict[str, Any] = {}
    for name in RULE_FLAGS:
        if values.get(name) in ("on", "off"):
            data[name] = values[name] == "on"
    for name in RULE_NUMBERS:
        if values.get(name):
            data[name] = values[name]
    if values.get("green_card_on_star"):
        data["green_card_on_star"] = values["green_card_on_star"]
    if values.get("household_actions_shown"):
        data["household_actions"] = sorted(
            name.removeprefix(HOUSEHOLD_ACTION)
            for name, value in values.items()
            if name.startswith(HOUSEHOLD_ACTION) and value == "on"
        )
    code = values.get("rule_action", "").strip()
    if code:
        for name in ("credits_per_hour", "credits_per_report", "report_daily_cap"):
            if values.get(name):
                data[name] = {code: values[name]}
    if values.get("expiry_policy"):
        data["credit_expiry"] = {"policy": values["expiry_policy"]}
        if values["expiry_policy"] == "months":
            data["credit_expiry"]["months"] = values.get("expiry_months") or None
    when = parse_local(values.get("effective_from", ""))
    if when is not None:
        data["effective_from"] = when
    patch = parse(DistrictRulesPatch, data)
    assert isinstance(patch, DistrictRulesPatch)
    return patch


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return translate("On") if value else translate("Off")
    if isinstance(value, dict):  # the credits' expiry
        text = translate(EXPIRY.get(str(value.get("policy")), N_("Unknown")))
        months = value.get("months")
        return text + (f"（{translate('%(n)s months') % {'n': months}}）" if months else "")
    return number(value) if isinstance(value, Decimal | int | float) else str(value)


def _differences(before: DistrictRules, after: DistrictRules, actions: dict[str, str]) -> list[str]:
    """What a scheduled change changes, in words: 每小时积分（礼让斑马线）：10 → 12."""
    old, new = before.model_dump(), after.model_dump()
    lines = []
    for name in new:
        if old.get(name) == new[name]:
            continue
        if name in accounts.PER_ACTION_MAPS:
            for code in sorted(set(old[name]) | set(new[name])):
                # An action without its own value has the default's.
                was = old[name].get(code, old[name].get("default"))
                will = new[name].get(code, new[name].get("default"))
                if was == will:
                    continue
                action = (
                    translate("All other actions") if code == "default" else actions.get(code, code)
                )
                lines.append(
                    f"{translate(names.FIELDS[name])}（{action}）：{_shown(was)} → {_shown(will)}"
                )
            continue
        label = translate(names.FIELDS.get(name, N_("The form")))
        if name == "green_card_on_star":
            was, will = (
                translate(GREEN_CARD_RULES.get(str(v), N_("Unknown")))
                for v in (old.get(name, "off"), new[name])
            )
            lines.append(f"{label}：{was} → {will}")
            continue
        if name == "household_actions":
            was, will = (
                "、".join(actions.get(c, c) for c in codes) or translate("None")
                for codes in (old.get(name) or [], new[name])
            )
            lines.append(f"{label}：{was} → {will}")
            continue
        lines.append(f"{label}：{_shown(old.get(name))} → {_shown(new[name])}")
    return lines


async def _scheduled(district: District, actions: dict[str, str]) -> list[dict[str, Any]]:
    """The changes to come, each with what it changes against the one before it."""
    upcoming = await accounts.upcoming_rules(district.id)
    before = await accounts.rules_at(district.id)
    shown = []
    for i, version in enumerate(upcoming):
        after = DistrictRules.model_validate(version.rules)
        shown.append(
            {
                "version": version,
                "changes": _differences(before, after, actions),
                "last": i == len(upcoming) - 1,
            }
        )
        before = after
    return shown


async def _settings_page(
    ctx: Ctx, district: District, *, values: dict[str, str], preview: Any = None
) -> Response:
    actions = await accounts.district_actions(district.id)
    rules = await accounts.rules_at(district.id)
    return ctx.render(
        "settings.html",
        district=district,
        rules=rules,
        earnings=accounts.earnings(rules, actions),
        upcoming=await _scheduled(district, actions),
        actions=actions,
        values=values,
        preview=preview,
        expiry=EXPIRY,
        green_card_rules=GREEN_CARD_RULES,
        districts=await District.all().order_by("code") if ctx.who.role == "platform_admin" else [],
    )


async def settings(ctx: Ctx) -> Response:
    return await _settings_page(ctx, await _district(ctx), values={})


async def change_settings(ctx: Ctx) -> Response:
    """`Preview` shows what the change would earn and writes nothing; `Save` writes it."""
    district = await _district(ctx)
    values = await form_data(ctx)
    patch = _patch(values)
    if values.get("do") == "preview":
        change = await accounts.preview_rules(district, patch)
        return await _settings_page(ctx, district, values=values, preview=change)
    change = await accounts.change_rules(district, patch, by=ctx.who)
    await ctx.say(
        translate("The rules are saved; they apply from {when}.", when=_when(change))
        if change.written
        else translate("Nothing changed.")
    )
    return redirect(f"/console/settings?district={district.code}")


async def cancel_scheduled(ctx: Ctx) -> Response:
    """Withdraws the last scheduled rules change before it takes effect."""
    district = await _district(ctx)
    cancelled = await accounts.cancel_scheduled_rules(district, ctx.request.path_params["id"])
    await ctx.say(
        translate("The change from {when} is cancelled.", when=local(cancelled.effective_from))
    )
    return redirect(f"/console/settings?district={district.code}")


def _when(change: Any) -> str:
    return local(change.effective_from)


# --- communities and staff -----------------------------------------------------------------


async def staff_page(ctx: Ctx) -> Response:
    district = await _district(ctx)
    staff = (
        await scope.managed_staff_list(ctx.who)
        .rows()
        .filter(district_id=district.id)
        .order_by("role", "username")
    )
    links: dict[str, list[str]] = {}
    served: dict[str, set[str]] = {}
    communities = {c.id: c for c in await Community.filter(district_id=district.id)}
    for link in await StaffCommunity.filter(staff_id__in=[s.id for s in staff]):
        if link.community_id in communities:
            links.setdefault(link.staff_id, []).append(communities[link.community_id].name)
            served.setdefault(link.staff_id, set()).add(link.community_id)
    return ctx.render(
        "staff.html",
        districts=await District.all().order_by("code") if ctx.who.role == "platform_admin" else [],
        district=district,
        staff=staff,
        links=links,
        served=served,
        communities=sorted(communities.values(), key=lambda c: c.name),
    )


async def add_community(ctx: Ctx) -> Response:
    district = await _district(ctx)
    values = await form_data(ctx)
    body = parse(CommunityCreate, {"code": values.get("code", ""), "name": values.get("name", "")})
    assert isinstance(body, CommunityCreate)
    await accounts.create_community(district, code=body.code, name=body.name)
    await ctx.say(translate("The community {name} is added.", name=body.name))
    return redirect(f"/console/staff?district={district.code}")


async def add_staff(ctx: Ctx) -> Response:
    district = await _district(ctx)
    form = await ctx.request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    community_ids = [v for v in form.getlist("communities") if isinstance(v, str)]
    codes = [c.code for c in await Community.filter(district_id=district.id, id__in=community_ids)]
    body = parse(
        StaffCreate,
        {
            "username": values.get("username", ""),
            "password": values.get("password", ""),
            "role": values.get("role", ""),
            "district": district.code,
            "communities": codes if values.get("role") == "worker" else [],
            "display_name": values.get("display_name", ""),
        },
    )
    assert isinstance(body, StaffCreate)
    created = await staff_accounts.create_staff(body, by=ctx.who)
    await ctx.say(translate("{name} can sign in now.", name=created.display_name or body.username))
    return redirect(f"/console/staff?district={district.code}")


async def staff_action(ctx: Ctx) -> Response:
    staff_id = ctx.request.path_params["id"]
    action = ctx.request.path_params["action"]
    values = await form_data(ctx)
    if action == "disable":
        changed = await staff_accounts.disable_staff(staff_id, by=ctx.who)
        message = translate("{name} is disabled and signed out.", name=changed.username)
    elif action == "enable":
        changed = await staff_accounts.enable_staff(staff_id, by=ctx.who)
        message = translate("{name} is enabled.", name=changed.username)
    elif action == "communities":
        form = await ctx.request.form()
        ids = [v for v in form.getlist("communities") if isinstance(v, str)]
        home = await _district(ctx)
        codes = [c.code for c in await Community.filter(district_id=home.id, id__in=ids)]
        changed = await staff_accounts.set_communities(staff_id, codes, by=ctx.who)
        message = translate("{name} now serves the communities chosen.", name=changed.username)
    elif action == "password":
        body = parse(PasswordResetIn, {"password": values.get("password", "")})
        assert isinstance(body, PasswordResetIn)
        changed = await staff_accounts.reset_staff_password(staff_id, body.password, by=ctx.who)
        message = translate("{name} has a new password.", name=changed.username)
    else:
        raise NotFound(N_("Not found"))
    await ctx.say(message)
    district = await District.get_or_none(id=changed.district_id or "")
    return redirect("/console/staff" + (f"?district={district.code}" if district else ""))


# --- rewards -------------------------------------------------------------------------------


async def rewards_page(ctx: Ctx) -> Response:
    found = await scope.catalogue(ctx.who).rows().order_by("withdrawn_at", "title")
    communities = await lookups.communities(r.community_id for r in found if r.community_id)
    status = ctx.request.query_params.get("status") or None
    if status not in (None, "held", "fulfilled", "voided", "expired"):
        status = None
    log = await scope.staff_redemptions(ctx.who, status).rows().order_by("-created_at").limit(100)
    titles, nicknames = await rewards.reward_titles(log), await rewards.redeemer_nicknames(log)
    households = await rewards.paying_households(log)
    views = [StaffRedemptionOut.of(r, titles, nicknames, households) for r in log]
    people = await lookups.people(r.resident_id for r in log)
    settled_by = await lookups.staff_names(v.settled_by or "" for v in views)
    return ctx.render(
        "rewards.html",
        rewards=found,
        communities=communities,
        mine=sorted(await communities_of(ctx.who).rows(), key=lambda c: c.name),
        whole_district=scope.offers_district_rewards(ctx.who),
        managed={r.id for r in found if scope.may_manage_reward(ctx.who, r)},
        views=views,
        people=people,
        settled_by=settled_by,
        shown=status,
        from_units=from_units,
    )


async def create_reward(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    community = await communities_of(ctx.who).rows().filter(id=values.get("community", "")).first()
    body = parse(
        RewardIn,
        {
            "title": values.get("title", ""),
            "description": values.get("description", ""),
            "cost": values.get("cost") or None,
            "stock": values.get("stock") or None,
            "community": community.code if community else None,
        },
    )
    assert isinstance(body, RewardIn)
    await rewards.create_reward(
        title=body.title,
        description=body.description,
        cost=body.cost,
        stock=body.stock,
        community=body.community,
        by=ctx.who,
    )
    await ctx.say(translate("The reward is on offer."))
    return redirect("/console/rewards")


async def reward_action(ctx: Ctx) -> Response:
    reward_id = ctx.request.path_params["id"]
    action = ctx.request.path_params["action"]
    values = await form_data(ctx)
    if action == "edit":
        data = {k: values[k] for k in ("title", "description", "cost") if values.get(k)}
        patch = parse(RewardPatch, data)
        reward = await rewards.edit_reward(
            reward_id, patch.model_dump(exclude_unset=True), by=ctx.who
        )
        message = translate("{title} is saved.", title=reward.title)
    elif action == "restock":
        restock = parse(
            RestockIn,
            {"quantity": values.get("quantity") or None, "reason": values.get("reason", "")},
        )
        assert isinstance(restock, RestockIn)
        reward = await rewards.restock_reward(
            reward_id, restock.quantity, restock.reason, by=ctx.who
        )
        message = translate("{title}: {stock} in stock.", title=reward.title, stock=reward.stock)
    elif action == "withdraw":
        withdraw = parse(WithdrawIn, {"reason": values.get("reason", "")})
        assert isinstance(withdraw, WithdrawIn)
        reward = await rewards.withdraw_reward(reward_id, withdraw.reason, by=ctx.who)
        message = translate("{title} is withdrawn.", title=reward.title)
    else:
        raise NotFound(N_("Not found"))
    await ctx.say(message)
    return redirect("/console/rewards")


# --- badges --------------------------------------------------------------------------------


async def badges_page(ctx: Ctx) -> Response:
    district = await _district(ctx)
    found = await (
        (await readable_badges(ctx.who, district_code=district.code))
        .rows()
        .order_by("criterion_kind", "threshold")
    )
    named = {b.criterion_action for b in found if b.criterion_kind == "campaign"}
    campaigns = (
        await readable_campaigns(ctx.who).rows().filter(id__in=named).values_list("id", "title")
        if named
        else []
    )
    return ctx.render(
        "badges.html",
        badges=found,
        criteria=CRITERIA,
        shown_criteria=SHOWN_CRITERIA,
        actions={
            **await accounts.district_actions(district.id),
            **{str(id_): title for id_, title in campaigns},
        },
        can_create=ctx.who.role == "district_admin",
    )


async def create_badge(ctx: Ctx) -> Response:
    values = await form_data(ctx)
    kind = values.get("kind", "")
    body = parse(
        BadgeCreate,
        {
            "code": values.get("code", ""),
            "name": values.get("name", ""),
            "description": values.get("description", ""),
            "criterion": {
                "kind": kind,
                "action": values.get("action") or None if kind == "action_count" else None,
                "threshold": values.get("threshold") or None,
            },
        },
    )
    assert isinstance(body, BadgeCreate)
    await recognition.create_badge(body, by=ctx.who)
    await ctx.say(translate("The badge {name} is defined.", name=body.name))
    return redirect("/console/badges")


# --- honour roll ---------------------------------------------------------------------------


async def honour_roll_page(ctx: Ctx) -> Response:
    district = await _district(ctx)
    now = datetime.now(UTC)
    period = ctx.request.query_params.get("period") or honour_rolls.previous_period(
        localtime.local_month(now)
    )
    try:
        localtime.month_bounds(period)
    except (ValueError, Invalid):
        period = honour_rolls.previous_period(localtime.local_month(now))
    rolls = scope.readable_honour_rolls(ctx.who).rows().filter(district_id=district.id)
    roll = await rolls.filter(period=period).first()
    view = await recognition.shown_honour_roll(roll, district, who=ctx.who) if roll else None
    empty = roll is not None and not await HonourRollEntry.exists(
        roll_id=roll.id, removed_at__isnull=True
    )
    periods = [localtime.local_month(now)]
    for _ in range(11):
        periods.append(honour_rolls.previous_period(periods[-1]))
    return ctx.render(
        "honour_roll.html",
        district=district,
        period=period,
        periods=periods,
        roll=roll,
        view=view,
        empty=empty,
        boards=BOARDS,
    )


async def honour_roll_action(ctx: Ctx) -> Response:
    district = await _district(ctx)
    action = ctx.request.path_params["action"]
    values = await form_data(ctx)
    period = values.get("period", "")
    if action == "draft":
        localtime.month_bounds(period)
        await honour_rolls.take_draft(district, period, now=datetime.now(UTC))
        message = translate(
            "The draft of {period} is taken; review it below.",
            period=localtime.period_name(period),
        )
    else:
        roll = await scope.readable_honour_roll(values.get("roll", ""), who=ctx.who)
        if roll.district_id != district.id:
            raise NotFound(N_("Not found"))
        period = roll.period
        if action == "remove":
            reason = values.get("reason", "").strip()
            if not reason:
                raise Invalid(
                    N_("Say why the line is taken off."),
                    errors=[{"field": "reason", "message": N_("required")}],
                )
            await honour_rolls.remove_line(roll, values.get("line", ""), reason, by=ctx.who)
            message = translate("The line is taken off the roll.")
        elif action == "publish":
            empty = not await HonourRollEntry.exists(roll_id=roll.id, removed_at__isnull=True)
            if empty and values.get("confirm_empty") != "on":
                raise Invalid(
                    N_(
                        "The roll of {period} is empty: residents would see a roll with "
                        "nobody on it. Tick the box to publish it anyway."
                    ),
                    period=localtime.PeriodName(period),
                    errors=[{"field": "confirm_empty", "message": N_("required")}],
                )
            await honour_rolls.publish(roll, by=ctx.who)
            message = translate(
                "The honour roll of {period} is published.", period=localtime.period_name(period)
            )
        else:
            raise NotFound(N_("Not found"))
    await ctx.say(message)
    return redirect(f"/console/honour-roll?period={period}")
