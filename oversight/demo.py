"""The accountability part of `seed-demo`: units with a login, an external evaluator,
checklists, inspections (one failed, its re-inspection assigned) and residents' reports, and
a past period to rehearse the red and black lists on: the unit with the login failed then
(black list), another did well (red list), and this period's re-inspection put it right."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from accounts.models import Community, District, Resident, Staff
from accounts.principals import resident_principal
from kernel.auth import Principal
from kernel.passwords import hash_password
from oversight import inspections, photos, reports
from oversight import rules as oversight_rules
from oversight.models import Inspection, Notice, RectificationTask, TaskStep, Unit
from oversight.rules import period_bounds, previous_period
from oversight.schemas import (
    ChecklistIn,
    ChecklistItemIn,
    InspectionRecordIn,
    ItemResultIn,
    OversightRulesPatch,
    ReportIn,
    TaskOpenIn,
    UnitAccountIn,
    UnitIn,
)
from oversight.units import create_unit, create_unit_account

# A 1×1 PNG: the demo's photos of failed items.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
UNITS = [
    ("r-001", "老宁波饭店", "restaurant", "gulou", "中山西路12号", 29.8751, 121.5446),
    ("r-002", "月湖小馆", "restaurant", "yuehu", "偃月街8号", 29.8688, 121.5412),
    ("m-001", "鼓楼农贸市场", "farmers_market", "gulou", "公园路30号", 29.8766, 121.5431),
    (
        "p-001",
        "安居物业服务有限公司",
        "property_service",
        "nanmen",
        "南门小区物业中心",
        29.8603,
        121.5490,
    ),
]
UNIT_LOGIN = "laoningbo"
EVALUATOR_LOGIN = "evaluator-demo"


async def seed_oversight(
    district: District, communities: list[Community], password: str
) -> dict[str, str]:
    """Runs once per district: skipped when its units exist."""
    logins = {UNIT_LOGIN: password, EVALUATOR_LOGIN: password}
    if await Unit.exists(district_id=district.id):
        return logins
    admin = await Staff.get(username="haishu-admin")
    who = Principal(kind="staff", id=admin.id, role="district_admin", district_id=district.id)
    units: dict[str, Unit] = {}
    for code, name, unit_type, community, address, lat, lng in UNITS:
        units[code] = await create_unit(
            UnitIn(
                code=code,
                name=name,
                type=unit_type,
                community=community,
                address=address,
                lat=lat,
                lng=lng,
                responsible_name="演示负责人",
                responsible_phone="0574-0000000",
            ),
            who=who,
        )
    await create_unit_account(units["r-001"], UnitAccountIn(username=UNIT_LOGIN, password=password))
    evaluator = await Staff.get_or_none(username=EVALUATOR_LOGIN) or await Staff.create(
        username=EVALUATOR_LOGIN,
        password_hash=await hash_password(password),
        role="evaluator",
        display_name="第三方测评员",
        district_id=district.id,
    )
    chopsticks = await inspections.create_checklist(
        ChecklistIn(
            unit_type="restaurant",
            name="公筷公勺使用检查",
            pass_mark=Decimal(80),
            items=[
                ChecklistItemIn(code="chopsticks", text="每桌配备公筷公勺", weight=3, max_score=10),
                ChecklistItemIn(code="signs", text="醒目位置张贴公筷提示", weight=1, max_score=10),
                ChecklistItemIn(
                    code="staff", text="服务员主动提醒使用公筷", weight=1, max_score=10
                ),
            ],
        ),
        by=who,
    )
    market = await inspections.create_checklist(
        ChecklistIn(
            unit_type="farmers_market",
            name="农贸市场长效管理测评",
            pass_mark=Decimal(85),
            items=[
                ChecklistItemIn(code="cleanliness", text="地面整洁无积水", weight=2, max_score=10),
                ChecklistItemIn(code="waste", text="垃圾分类投放", weight=2, max_score=10),
                ChecklistItemIn(code="prices", text="明码标价", weight=1, max_score=10),
            ],
        ),
        by=who,
    )
    failed_before = await _seed_past_period(district, units, chopsticks.checklist.id, who)
    # This period's inspection of 老宁波饭店 re-inspects the past failure: it passes, which
    # closes the rectification task, so the unit may apply for credit repair.
    passed = await inspections.reinspect(failed_before, evaluator_id=None, by=who)
    await inspections.record(
        passed,
        InspectionRecordIn(
            results=[
                ItemResultIn(item="chopsticks", score=10),
                ItemResultIn(item="signs", score=9),
                ItemResultIn(item="staff", score=8),
            ],
            lat=UNITS[0][5],
            lng=UNITS[0][6],
        ),
        by=who,
    )
    failed = await inspections.plan(
        unit_id=units["m-001"].id,
        checklist_id=market.checklist.id,
        evaluator_id=evaluator.id,
        by=who,
    )
    evaluator_who = Principal(
        kind="staff", id=evaluator.id, role="evaluator", district_id=district.id
    )
    picture = await photos.store_photo(PIXEL, who=evaluator_who)
    await inspections.record(
        failed,
        InspectionRecordIn(
            results=[
                ItemResultIn(item="cleanliness", score=5, photos=[picture.id], note="水产区积水"),
                ItemResultIn(item="waste", score=6, photos=[picture.id], note="混投"),
                ItemResultIn(item="prices", score=10),
            ],
            lat=UNITS[2][5],
            lng=UNITS[2][6],
            rectification_deadline=datetime.now(UTC) + timedelta(days=7),
        ),
        by=evaluator_who,
    )
    await inspections.reinspect(failed, evaluator_id=evaluator.id, by=who)
    await _seed_reports(district, units)
    return logins


async def _seed_past_period(
    district: District, units: dict[str, Unit], checklist_id: str, who: Principal
) -> Inspection:
    """Inspections dated in the district's previous list period (its rules' `list_period`),
    so its lists can be drafted at once: 老宁波饭店 failed badly (black list; its login may
    object and, once the list is published, apply for credit repair), 月湖小馆 did well (red
    list). The objection window is one day, so the rehearsal publishes the next day."""
    await oversight_rules.change_rules(district.id, OversightRulesPatch(objection_days=1), by=who)
    kind = (await oversight_rules.rules_at(district.id)).list_period
    start, end = period_bounds(previous_period(datetime.now(UTC), kind))
    then = start + (end - start) / 2
    picture = await photos.store_photo(PIXEL, who=who)
    places = {row[0]: (row[5], row[6]) for row in UNITS}
    recorded = {}
    for code, scores in (("r-001", (2, 3, 4)), ("r-002", (10, 10, 9))):
        unit = units[code]
        planned = await inspections.plan(
            unit_id=unit.id, checklist_id=checklist_id, evaluator_id=None, by=who
        )
        await inspections.record(
            planned,
            InspectionRecordIn(
                results=[
                    ItemResultIn(item=item, score=score, photos=[picture.id] if score < 8 else [])
                    for item, score in zip(("chopsticks", "signs", "staff"), scores, strict=True)
                ],
                lat=places[code][0],
                lng=places[code][1],
            ),
            by=who,
        )
        recorded[code] = planned
    failed = recorded["r-001"]
    # Recorded today, dated back to the past period (as a paper form entered late would be).
    for inspection in recorded.values():
        await Inspection.filter(id=inspection.id).update(inspected_at=then, created_at=then)
    await Notice.filter(subject_id=failed.id).update(created_at=then)
    task = await RectificationTask.get(source="inspection", source_id=failed.id)
    days = (await oversight_rules.rules_at(district.id)).rectification_days
    await RectificationTask.filter(id=task.id).update(
        created_at=then, deadline=then + timedelta(days=days)
    )
    await TaskStep.filter(task_id=task.id).update(at=then)
    await failed.refresh_from_db()
    return failed


async def _seed_reports(district: District, units: dict[str, Unit]) -> None:
    residents = await Resident.filter(district_id=district.id).order_by("openid")
    for resident, body, unit_task in (
        (
            residents[-1],
            ReportIn(
                category="no-serving-chopsticks",
                description="包厢未提供公筷",
                unit=units["r-002"].id,
            ),
            True,
        ),
        (
            residents[1],
            ReportIn(
                category="litter",
                description="公园路口垃圾桶满溢",
                address="公园路口",
                lat=29.8770,
                lng=121.5428,
            ),
            False,
        ),
    ):
        who = resident_principal(resident)
        report = await reports.report_problem(body, who=who)
        if unit_task:
            admin = await Staff.get(username="haishu-admin")
            await reports.confirm(
                report,
                by=Principal(
                    kind="staff", id=admin.id, role="district_admin", district_id=district.id
                ),
                data=TaskOpenIn(instructions="每桌配齐公筷公勺并张贴提示"),
            )
