"""Each scope value says who may see what once, and both its forms agree: on a seeded city (two
districts, four communities, rows of every scoped table in each place), the ORM's rows
(`scope.rows()`) and the raw SQL's (`WHERE {scope.sql(alias)}`) are the same for every role.

A new scope value (a function of a `scope.py` answering a `Scope`) joins `SCOPES`: one missing
from it fails the test."""

from __future__ import annotations

import importlib
import inspect
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise import fields
from tortoise.models import Model

from kernel.auth import Principal
from kernel.db import transaction
from kernel.scope import Scope
from kernel.sql import query_rows
from tests.conftest import World
from tests.moralbank_partners.scope_objects import scope_values as partner_scope_values
from tests.moralbank_partners.scope_objects import seed_forms as seed_partner_forms
from tests.security import assessment_scope_cases

SCOPE_MODULES = (
    "accounts.scope",
    "activities.scope",
    "credits.scope",
    "credits.recognition.scope",
    "oversight.scope",
    "console.scope",
    "campaigns.scope",
    "moralbank.scope",
    "moralbank.assessment_scope",
    "quiz.scope",
    "moralbank.partner_scope",
)
DISTRICT_JOBS = ("console-dashboards", "honour-roll")
_numbers = itertools.count()


async def _household_redemptions(who: Principal) -> Scope[Any]:
    """The redemptions of the first household the caller sees (or of none)."""
    from accounts.models import Household
    from credits import scope as credits
    from moralbank.scope import readable_households

    found = await readable_households(who).rows().order_by("id").first()
    return credits.household_redemptions(found or Household(id=""))


def _scopes() -> dict[str, Callable[[Principal], Awaitable[Scope[Any]] | Scope[Any]]]:
    from accounts import scope as accounts
    from accounts.models import Household
    from activities import scope as activities
    from activities.models import Activity
    from campaigns import scope as campaigns
    from console import scope as console
    from credits import scope as credits
    from credits.recognition import scope as recognition
    from moralbank import scope as moralbank
    from oversight import scope as oversight
    from quiz import scope as quiz

    found: dict[str, Callable[[Principal], Awaitable[Scope[Any]] | Scope[Any]]] = {
        "accounts.scope.readable_districts": accounts.readable_districts,
        "accounts.scope.district_communities": accounts.district_communities,
        "accounts.scope.district_residents": accounts.district_residents,
        "accounts.scope.served_residents": accounts.served_residents,
        "accounts.scope.served_communities": accounts.served_communities,
        "accounts.scope.district_staff": accounts.district_staff,
        "accounts.scope.managed_staff_list": lambda who: accounts.managed_staff_list(
            who, role="worker"
        ),
        "activities.scope.staff_scoped": lambda who: activities.staff_scoped(Activity, who),
        "activities.scope.readable_activities": activities.readable_activities,
        "activities.scope.readable_actions": activities.readable_actions,
        "activities.scope.readable_attendances": activities.readable_attendances,
        "activities.scope.readable_deeds": activities.readable_deeds,
        "activities.scope.readable_corrections": activities.readable_corrections,
        "activities.scope.readable_uploads": activities.readable_uploads,
        "activities.scope.readable_service_records": activities.readable_service_records,
        "activities.scope.own_certificates": activities.own_certificates,
        "activities.scope.readable_filings": activities.readable_filings,
        "activities.scope.district_certificates": activities.district_certificates,
        "credits.scope.readable_rewards": credits.readable_rewards,
        "credits.scope.catalogue": credits.catalogue,
        "credits.scope.staff_redemptions": credits.staff_redemptions,
        "credits.scope.own_redemptions": credits.own_redemptions,
        # A household of the caller's district and (first) community, as its head redeems.
        "credits.scope.household_rewards": lambda who: credits.household_rewards(
            Household(
                district_id=who.district_id or "", community_id=min(who.community_ids, default="")
            )
        ),
        "credits.scope.household_redemptions": _household_redemptions,
        "credits.scope.readable_entries": credits.readable_entries,
        "credits.scope.readable_transactions": credits.readable_transactions,
        "credits.recognition.scope.readable_awards": recognition.readable_awards,
        "credits.recognition.scope.readable_badges": recognition.readable_badges,
        "credits.recognition.scope.readable_honour_rolls": recognition.readable_honour_rolls,
        "oversight.scope.readable_units": oversight.readable_units,
        "oversight.scope.reportable_units": oversight.reportable_units,
        "oversight.scope.readable_reports": oversight.readable_reports,
        "oversight.scope.readable_checklists": oversight.readable_checklists,
        "oversight.scope.readable_inspections": oversight.readable_inspections,
        "oversight.scope.readable_tasks": oversight.readable_tasks,
        "oversight.scope.readable_notices": oversight.readable_notices,
        "oversight.scope.readable_scores": oversight.readable_scores,
        "oversight.scope.readable_lists": oversight.readable_lists,
        "oversight.scope.readable_entries": oversight.readable_entries,
        "oversight.scope.readable_objections": oversight.readable_objections,
        "oversight.scope.readable_repairs": oversight.readable_repairs,
        "console.scope.readable_job_runs": lambda who: console.readable_job_runs(
            who, DISTRICT_JOBS
        ),
        "campaigns.scope.readable_campaigns": campaigns.readable_campaigns,
        "campaigns.scope.campaign_days": campaigns.campaign_days,
        "campaigns.scope.readable_events": campaigns.readable_events,
        "moralbank.scope.readable_households": moralbank.readable_households,
        "moralbank.scope.readable_requests": moralbank.readable_requests,
        **assessment_scope_cases.scope_values(),
        "quiz.scope.district_bank": quiz.district_bank,
        "quiz.scope.district_versions": quiz.district_versions,
        "quiz.scope.readable_specials": quiz.readable_specials,
        "quiz.scope.own_attempts": quiz.own_attempts,
        "quiz.scope.counted_answers": quiz.counted_answers,
        **partner_scope_values(),
    }
    return found


def _filled(model: type[Model], values: dict[str, Any]) -> dict[str, Any]:
    """`values`, and a plain value for every other required column without a default."""
    data = dict(values)
    meta = model._meta
    for name in meta.fields_db_projection:
        field = meta.fields_map[name]
        if name in data or field.null or field.default is not None or field.generated:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        n = next(_numbers)
        if isinstance(field, fields.DatetimeField):
            data[name] = datetime.now(UTC)
        elif isinstance(field, fields.DateField):
            data[name] = date(2026, 1, 1)
        elif isinstance(field, fields.BooleanField):
            data[name] = False
        elif isinstance(field, fields.DecimalField):
            data[name] = Decimal(1)
        elif isinstance(field, fields.FloatField):
            data[name] = 1.0
        elif isinstance(field, (fields.IntField, fields.BigIntField, fields.SmallIntField)):
            data[name] = n
        elif isinstance(field, fields.JSONField):
            data[name] = []
        else:
            data[name] = f"s{n}"[: getattr(field, "max_length", None) or 64]
    return data


async def _row(model: type[Model], **values: Any) -> Any:
    return await model.create(**_filled(model, values))


async def _seed(world: World) -> list[Principal]:
    """Rows of every scoped table in each community (c1, c2, c4 of d1; c3 of d2), and the
    callers: a resident, a worker, an administrator of each district, a worker of two
    communities, the platform administrator, a unit's staff and an evaluator."""
    from accounts.models import Community, District, Household, HouseholdMembership, Resident, Staff
    from accounts.service import create_community
    from activities import models as a
    from credits import models as c
    from credits.recognition import models as r
    from kernel.models import JobRun
    from oversight import models as o
    from quiz import models as q

    d1 = await District.get(code="d1")
    d2 = await District.get(code="d2")
    c4 = await create_community(d1, code="c4", name="四社区")
    communities = await Community.all().order_by("code")
    unit_staff = await _row(Staff, username="unit-staff", role="unit_staff", district_id=d1.id)
    evaluator = await _row(Staff, username="evaluator", role="evaluator", district_id=d1.id)
    d2_admin = await _row(Staff, username="d2-admin-x", role="district_admin", district_id=d2.id)
    for district in (d1, d2):
        await _row(a.CivilityAction, district_id=district.id, code=f"own-{district.code}")
        await _row(r.BadgeDefinition, district_id=district.id, code=f"b-{district.code}")
        for n, status in enumerate(("draft", "published")):
            await _row(
                r.HonourRoll, district_id=district.id, status=status, period=f"2025-0{n + 1}"
            )
        await _row(o.Checklist, district_id=district.id)
        question = await _row(q.Question, district_id=district.id)
        await _row(q.QuestionVersion, district_id=district.id, question_id=question.id)
        await _row(q.SpecialQuiz, district_id=district.id)
        for status in ("draft", "noticed", "published"):
            await _row(o.UnitList, district_id=district.id, status=status)
        for trigger in ("schedule", "district"):
            await _row(JobRun, job="honour-roll", trigger=trigger, slot=f"{district.id}/x{trigger}")
    await _row(JobRun, job="award-badges", trigger="schedule", slot="s")
    from campaigns import models as g

    await _row(g.Campaign, district_id=None)
    for district in (d1, d2):
        await _row(g.Campaign, district_id=district.id)
        for city_wide in (False, True):
            await _row(g.CampaignEvent, district_id=district.id, city_wide=city_wide)
    badge = await _row(r.BadgeDefinition, district_id=None, code="b-city")
    for place in communities:
        place_district = place.district_id
        resident = await Resident.filter(community_id=place.id).first() or await _row(
            Resident, district_id=place_district, community_id=place.id
        )
        household = await _row(
            Household, district_id=place_district, community_id=place.id, head_id=resident.id
        )
        for status in ("member", "requested"):
            await _row(
                HouseholdMembership,
                district_id=place_district,
                household_id=household.id,
                resident_id=resident.id,
                status=status,
            )
        await assessment_scope_cases.seed_forms(_row, place, resident, household)
        await seed_partner_forms(_row, place, resident, household)
        at_place = {"district_id": place_district, "community_id": place.id}
        mine = {**at_place, "resident_id": resident.id}
        await _row(a.Activity, **at_place)
        await _row(g.CampaignDay, **at_place)
        for model in (a.Attendance, a.Deed, a.Correction, a.ServiceRecord, a.EventFiling):
            await _row(model, **mine)
        await _row(a.Certificate, **{k: v for k, v in mine.items() if k != "community_id"})
        await _row(a.Upload, **at_place, owner=f"resident:{resident.id}")
        await _row(a.Upload, **at_place, owner=f"staff:{world.worker.id}")
        for community, withdrawn in ((place.id, None), (None, datetime.now(UTC))):
            reward = await _row(
                c.Reward, district_id=place_district, community_id=community, withdrawn_at=withdrawn
            )
            await _row(
                c.Redemption,
                district_id=place_district,
                reward_id=reward.id,
                resident_id=resident.id,
                # One the resident made as their household's head, from its credits.
                household_id=household.id if community is None else None,
            )
        ledger = await _row(c.LedgerTransaction, district_id=place_district)
        for kind, owner in (("resident", resident.id), ("household", household.id)):
            account = await _row(
                c.Account, district_id=place_district, owner_kind=kind, owner_id=owner
            )
            await _row(
                c.Entry,
                district_id=place_district,
                transaction_id=ledger.id,
                account_id=account.id,
                owner_kind=kind,
                owner_id=owner,
            )
        await _row(c.LedgerTransaction, district_id=place_district)  # without a leg of anyone's
        await _row(
            r.BadgeAward, district_id=place_district, resident_id=resident.id, badge_id=badge.id
        )
        attempt = await _row(q.Attempt, **mine)
        await _row(q.Answer, **mine, attempt_id=attempt.id)
        unit = await _row(o.Unit, **at_place)
        if place.code == "c1":
            await _row(o.UnitAccount, staff_id=unit_staff.id, unit_id=unit.id)
        by_unit = {"district_id": place_district, "unit_id": unit.id}
        await _row(o.ProblemReport, **at_place, reporter_id=resident.id, unit_id=unit.id)
        for assigned in (evaluator.id, None):
            inspection = await _row(o.Inspection, **at_place, unit_id=unit.id, assigned_to=assigned)
            await _row(o.InspectionResult, district_id=place_district, inspection_id=inspection.id)
        task = await _row(o.RectificationTask, **at_place, unit_id=unit.id)
        await _row(o.TaskStep, district_id=place_district, task_id=task.id)
        await _row(o.Notice, **by_unit)
        await _row(o.UnitScore, **by_unit)
        for unit_list in await o.UnitList.filter(district_id=place_district):
            entry = await _row(o.ListEntry, **by_unit, list_id=unit_list.id)
            await _row(o.Objection, **by_unit, entry_id=entry.id)
            await _row(o.CreditRepair, **by_unit, entry_id=entry.id)
    c1, c2 = [await Community.get(code=code) for code in ("c1", "c2")]
    return [
        Principal("resident", world.resident.id, "resident", d1.id, frozenset([c1.id])),
        Principal("resident", world.other_resident.id, "resident", d2.id, frozenset()),
        Principal("staff", world.worker.id, "worker", d1.id, frozenset([c1.id])),
        Principal("staff", "two-communities", "worker", d1.id, frozenset([c2.id, c4.id])),
        Principal("staff", world.other_worker.id, "worker", d2.id, frozenset()),
        Principal("staff", world.district_admin.id, "district_admin", d1.id),
        Principal("staff", d2_admin.id, "district_admin", d2.id),
        Principal("staff", world.admin.id, "platform_admin"),
        Principal("staff", unit_staff.id, "unit_staff", d1.id),
        Principal("staff", evaluator.id, "evaluator", d1.id),
    ]


async def _orm_ids(scope: Scope[Any]) -> set[Any]:
    return set(await scope.rows().values_list(scope.model._meta.pk_attr, flat=True))


async def _sql_ids(scope: Scope[Any]) -> set[Any]:
    meta = scope.model._meta
    template = "SELECT t." + meta.db_pk_column + " AS pk FROM " + meta.db_table + " t WHERE {scope}"
    return {row["pk"] for row in await query_rows(template, {}, scope=scope.sql("t"))}


def test_every_scope_value_is_in_the_table():
    declared = {
        f"{module}.{name}"
        for module in SCOPE_MODULES
        for name, function in inspect.getmembers(importlib.import_module(module))
        if inspect.isfunction(function)
        and function.__module__ == module
        and not name.startswith("_")
        and str(inspect.signature(function).return_annotation).startswith("Scope[")
    }
    assert declared - set(_scopes()) == set(), "add these scope values to `_scopes`"


async def test_orm_and_sql_forms_of_every_scope_value_agree_for_every_role(world):
    async with transaction():
        callers = await _seed(world)
    disagreements, seen_by = [], {}
    for name, function in _scopes().items():
        for who in callers:
            found = function(who)
            scope = await found if inspect.isawaitable(found) else found
            orm, sql = await _orm_ids(scope), await _sql_ids(scope)
            if orm != sql:
                disagreements.append(f"{name} as {who.role} {who.id}: {orm ^ sql}")
            seen_by[name, who.id] = orm
    assert disagreements == []
    # The seeded city exercises every value: someone sees some of its rows, someone not all.
    for name in _scopes():
        sizes = [len(rows) for (scope, _who), rows in seen_by.items() if scope == name]
        assert max(sizes) > 0, f"{name}: nobody sees a row"
        assert min(sizes) < max(sizes), f"{name}: everyone sees the same rows"
