"""Nobody reaches another district's, community's or resident's things by id.

The test walks every operation of the OpenAPI document that takes a path parameter and calls
it, with the real id of an existing object of district d1 / community c1 / resident 甲, as
each outsider below. An outsider whose role the operation admits gets 404 (the same answer as
for an id that does not exist); one whose role it refuses gets 403 before anything is looked
up. Nothing answers 2xx.

A new route joins by adding its `(method, path)` to `ROUTES` (and, for a new kind of path
parameter, a maker to `MAKERS`): a route missing from the table fails the test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.main import all_endpoints
from kernel.db import transaction
from kernel.ids import new_id
from tests.activities.conftest import iso, publish
from tests.campaigns.conftest import scope_objects as campaign_objects
from tests.conftest import Actor, World, set_rules_since
from tests.moralbank_partners.conftest import TERMS as PARTNER_TERMS
from tests.moralbank_partners.scope_objects import partner_objects
from tests.security import assessment_scope_cases

SHANGHAI = ZoneInfo("Asia/Shanghai")
RULES = {
    "moral_bank_enabled": True,
    "credits_per_hour": {"default": 10},
    "credits_per_report": {"default": 2},
}

# Operations anyone may call, by design; they take no part in the matrix.
PUBLIC = {
    ("GET", "/verify/{number}"): "anyone checks a certificate of service by its number",
    ("GET", "/credentials/{public_id}"): "Open Badges credentials are public by their random id",
    ("GET", "/credentials/status/{number}"): "the revocation status list is public",
    ("GET", "/issuers/{code}"): "an issuer profile (the district) is public",
    (
        "GET",
        "/achievements/{badge_id}",
    ): "an Open Badges achievement is public, like the credential",
    ("GET", "/achievements/{badge_id}/image.svg"): "a badge's image is public, like the credential",
    ("GET", "/api/v1/public/oversight/{district_code}/lists"): "red/black lists are public",
    ("GET", "/public/oversight/{district_code}"): "red/black lists are public",
    ("GET", "/c/{code}"): "the check-in link's page says to use the mini-program; it reads nothing",
    ("GET", "/green-cards/{code}"): "a merchant reads a green card by its unguessable code",
    ("GET", "/attestations/status/{number}"): "the attestations' revocation list is public",
}

DISTRICT_WIDE_LISTS = "red/black lists are the business of all the district's staff"
OVERSIGHT_POINT = {"lat": 29.8753, "lng": 121.544}

SAME_DISTRICT_RESIDENT = "an activity is open to every resident of its district"
SAME_COMMUNITY_RESIDENT = "a community's reward is open to every resident of the community"


@dataclass(frozen=True)
class Case:
    """How to call one operation. `body` is a valid body (so validation does not answer
    first), or the name of one in `Objects.bodies` when it needs real ids; `sees` names the
    outsiders that reach the object by design, with the reason."""

    body: dict[str, Any] | str | None = None
    sees: dict[str, str] = field(default_factory=dict)


DISTRICT_CAMPAIGN = "a district's campaign is open to all its residents and staff"
ROUTES: dict[tuple[str, str], Case] = {
    # campaigns
    ("GET", "/api/v1/campaigns/{campaign_id}"): Case(
        sees={
            "resident_of_same_community": DISTRICT_CAMPAIGN,
            "worker_of_other_community": DISTRICT_CAMPAIGN,
        }
    ),
    ("POST", "/api/v1/campaigns/{campaign_id}/tags"): Case(body="campaign_tag"),
    ("GET", "/api/v1/campaigns/{campaign_id}/progress"): Case(
        sees={"worker_of_other_community": DISTRICT_CAMPAIGN + "; they see their communities"}
    ),
    ("GET", "/api/v1/campaigns/{campaign_id}/me"): Case(
        sees={"resident_of_same_community": DISTRICT_CAMPAIGN + "; they see their own part"}
    ),
    ("GET", "/api/v1/campaigns/{campaign_id}/standing"): Case(
        sees={"resident_of_same_community": DISTRICT_CAMPAIGN}
    ),
    ("POST", "/api/v1/campaigns/{campaign_id}/events"): Case(body="campaign_event"),
    ("GET", "/api/v1/events/{event_id}"): Case(
        sees={
            "resident_of_same_community": DISTRICT_CAMPAIGN,
            "worker_of_other_community": DISTRICT_CAMPAIGN,
        }
    ),
    ("GET", "/api/v1/event-zones/{zone_id}/gate-code"): Case(
        sees={"worker_of_other_community": "a district's event is run by all its staff"}
    ),
    ("POST", "/api/v1/events/{event_id}/check-in"): Case(
        body={"code": "not-a-current-code"},
        sees={"resident_of_same_community": DISTRICT_CAMPAIGN + "; the code is refused"},
    ),
    ("POST", "/api/v1/events/{event_id}/tasks"): Case(
        body={"task": "take-litter-away"},
        sees={"resident_of_same_community": DISTRICT_CAMPAIGN + "; not checked in, refused"},
    ),
    # accounts
    ("GET", "/api/v1/districts/{code}"): Case(
        sees={"worker_of_other_community": "staff of a district read their district"}
    ),
    ("PATCH", "/api/v1/districts/{code}/settings"): Case(body=RULES),
    ("POST", "/api/v1/districts/{code}/communities"): Case(body={"code": "c9", "name": "九社区"}),
    ("PATCH", "/api/v1/districts/{code}/communities/{community_code}"): Case(
        body={"open_to_join": False}
    ),
    ("GET", "/api/v1/districts/{code}/communities"): Case(
        sees={
            "worker_of_other_community": "staff of a district read their district",
            "resident_of_same_community": "residents read the communities of their district",
            "staff_of_another_unit": "units read the communities of their district",
            "evaluator_not_assigned": "evaluators read the communities of their district",
        }
    ),
    ("POST", "/api/v1/districts/{code}/settings/preview"): Case(body=RULES),
    ("GET", "/api/v1/districts/{code}/settings/versions"): Case(
        sees={"worker_of_other_community": "staff of a district read their district"}
    ),
    ("POST", "/api/v1/staff/{staff_id}/disable"): Case(),
    ("POST", "/api/v1/staff/{staff_id}/enable"): Case(),
    ("POST", "/api/v1/staff/{staff_id}/password"): Case(body={"password": "a-new-password-1"}),
    ("POST", "/api/v1/jobs/{name}/run"): Case(),
    ("POST", "/api/v1/me/notifications/{notification_id}/read"): Case(),
    # activities
    ("GET", "/api/v1/activities/{activity_id}"): Case(
        sees={"resident_of_same_community": SAME_DISTRICT_RESIDENT}
    ),
    ("PATCH", "/api/v1/activities/{activity_id}"): Case(body={"title": "改名"}),
    ("POST", "/api/v1/activities/{activity_id}/cancel"): Case(body={"reason": "取消"}),
    ("POST", "/api/v1/activities/{activity_id}/enrollments"): Case(
        sees={"resident_of_same_community": SAME_DISTRICT_RESIDENT}
    ),
    ("GET", "/api/v1/activities/{activity_id}/enrollments"): Case(),
    ("DELETE", "/api/v1/activities/{activity_id}/enrollments/me"): Case(
        sees={"resident_of_same_community": SAME_DISTRICT_RESIDENT}
    ),
    ("GET", "/api/v1/activities/{activity_id}/checkin-code"): Case(),
    ("GET", "/api/v1/activities/{activity_id}/checkin-code.png"): Case(),
    ("POST", "/api/v1/activities/{activity_id}/check-in"): Case(
        body={"token": "x", "lat": 29.8753, "lng": 121.544},
        sees={"resident_of_same_community": SAME_DISTRICT_RESIDENT},
    ),
    ("POST", "/api/v1/activities/{activity_id}/check-out"): Case(
        body={"token": "x", "lat": 29.8753, "lng": 121.544},
        sees={"resident_of_same_community": SAME_DISTRICT_RESIDENT},
    ),
    ("POST", "/api/v1/activities/{activity_id}/attendances"): Case(body="backfill"),
    ("GET", "/api/v1/activities/{activity_id}/attendances"): Case(),
    ("POST", "/api/v1/attendances/{attendance_id}/verify"): Case(body={"decision": "approve"}),
    ("GET", "/api/v1/uploads/{upload_id}"): Case(),
    ("POST", "/api/v1/deeds/{deed_id}/review"): Case(body={"decision": "approve"}),
    ("POST", "/api/v1/corrections/{correction_id}/decide"): Case(
        body={"decision": "reject", "reason": "不成立"}
    ),
    ("GET", "/api/v1/me/certificates/{number}/pdf"): Case(),
    ("POST", "/api/v1/certificates/{number}/revoke"): Case(body={"reason": "撤销测试"}),
    ("POST", "/api/v1/residents/{resident_id}/real-name/verify"): Case(),
    ("POST", "/api/v1/filings/{filing_id}/decide"): Case(body={"decision": "confirm"}),
    # credits
    ("GET", "/api/v1/rewards/{reward_id}"): Case(
        sees={"resident_of_same_community": SAME_COMMUNITY_RESIDENT}
    ),
    ("POST", "/api/v1/rewards/{reward_id}/redemptions"): Case(
        sees={"resident_of_same_community": SAME_COMMUNITY_RESIDENT}
    ),
    ("POST", "/api/v1/redemptions/{redemption_id}/cancel"): Case(),
    ("PATCH", "/api/v1/rewards/{reward_id}"): Case(body={"title": "改名"}),
    ("POST", "/api/v1/rewards/{reward_id}/restock"): Case(body={"quantity": 1}),
    ("POST", "/api/v1/rewards/{reward_id}/withdraw"): Case(body={"reason": "下架测试"}),
    ("GET", "/api/v1/rewards/{reward_id}/changes"): Case(),
    ("GET", "/api/v1/redemptions/{redemption_id}"): Case(),
    ("GET", "/api/v1/credits/transactions/{transaction_id}"): Case(),
    ("POST", "/api/v1/credits/transactions/{transaction_id}/reverse"): Case(
        body={"reason": "撤销测试"}
    ),
    # recognition
    ("POST", "/api/v1/badge-awards/{award_id}/revoke"): Case(body={"reason": "撤销测试"}),
    ("GET", "/api/v1/districts/{code}/honour-rolls"): Case(
        sees={
            "worker_of_other_community": "honour rolls are published to their district",
            "resident_of_same_community": "honour rolls are published to their district",
            "staff_of_another_unit": "honour rolls are published to their district",
            "evaluator_not_assigned": "honour rolls are published to their district",
        }
    ),
    ("GET", "/api/v1/districts/{code}/honour-roll"): Case(
        sees={
            "worker_of_other_community": "honour rolls are published to their district",
            "resident_of_same_community": "honour rolls are published to their district",
            "staff_of_another_unit": "a published honour roll is public to its district",
            "evaluator_not_assigned": "a published honour roll is public to its district",
        }
    ),
    ("POST", "/api/v1/districts/{code}/honour-rolls"): Case(body={"period": "2026-01"}),
    ("GET", "/api/v1/honour-rolls/{roll_id}"): Case(
        sees={"worker_of_other_community": "staff of a district review its rolls"}
    ),
    ("POST", "/api/v1/honour-rolls/{roll_id}/lines/{line_id}/remove"): Case(
        body={"reason": "测试移除"}
    ),
    ("POST", "/api/v1/honour-rolls/{roll_id}/publish"): Case(),
    # oversight
    ("GET", "/api/v1/oversight/units/{unit_id}"): Case(),
    ("GET", "/api/v1/oversight/units/{unit_id}/record"): Case(),
    ("POST", "/api/v1/oversight/units/{unit_id}/accounts"): Case(
        body={"username": "matrix-unit", "password": "unit-password-123"}
    ),
    # 甲's photo with an objection to c1's assessment (assessment_scope_cases.plant).
    ("GET", "/api/v1/oversight/photos/{photo_id}"): Case(),
    ("GET", "/api/v1/oversight/reports/{report_id}"): Case(),
    ("GET", "/api/v1/oversight/reports/{report_id}/duplicates"): Case(),
    ("POST", "/api/v1/oversight/reports/{report_id}/reject"): Case(body={"reason": "不属实"}),
    ("POST", "/api/v1/oversight/reports/{report_id}/merge"): Case(body="merge"),
    ("POST", "/api/v1/oversight/reports/{report_id}/confirm"): Case(body={"instructions": "清理"}),
    ("GET", "/api/v1/oversight/checklists/{checklist_id}"): Case(
        sees={
            "worker_of_other_community": "checklists are the district's, per unit type",
            "evaluator_not_assigned": "evaluators inspect by the district's checklists",
        }
    ),
    ("GET", "/api/v1/oversight/inspections/{inspection_id}"): Case(),
    ("POST", "/api/v1/oversight/inspections/{inspection_id}/record"): Case(
        body={"results": [{"item": "signs", "score": 10}], **OVERSIGHT_POINT}
    ),
    ("POST", "/api/v1/oversight/inspections/{inspection_id}/reinspections"): Case(body={}),
    ("GET", "/api/v1/oversight/tasks/{task_id}"): Case(),
    ("POST", "/api/v1/oversight/tasks/{task_id}/evidence"): Case(body={"note": "已整改"}),
    ("POST", "/api/v1/oversight/tasks/{task_id}/review"): Case(body={"decision": "accept"}),
    ("GET", "/api/v1/oversight/lists/{list_id}"): Case(
        sees={"worker_of_other_community": DISTRICT_WIDE_LISTS}
    ),
    ("POST", "/api/v1/oversight/lists/{list_id}/notices"): Case(),
    ("POST", "/api/v1/oversight/lists/{list_id}/publication"): Case(),
    ("GET", "/api/v1/oversight/lists/{list_id}/publications"): Case(
        sees={"worker_of_other_community": DISTRICT_WIDE_LISTS}
    ),
    ("POST", "/api/v1/oversight/list-entries/{entry_id}/objections"): Case(
        body={"statement": "异议"}
    ),
    ("POST", "/api/v1/oversight/list-entries/{entry_id}/withdrawal"): Case(body={"reason": "撤回"}),
    ("POST", "/api/v1/oversight/list-entries/{entry_id}/repairs"): Case(
        body={"statement": "已整改"}
    ),
    ("POST", "/api/v1/oversight/objections/{objection_id}/decision"): Case(
        body={"decision": "uphold", "reason": "维持"}
    ),
    # the moral bank's partners and green cards
    ("GET", "/api/v1/green-cards/{card_id}"): Case(),
    ("POST", "/api/v1/green-cards/{card_id}/suspension"): Case(body={"reason": "核查"}),
    ("POST", "/api/v1/green-cards/{card_id}/reinstatement"): Case(body={"reason": "核查"}),
    ("POST", "/api/v1/green-cards/{card_id}/revocation"): Case(body={"reason": "核查"}),
    ("GET", "/api/v1/green-cards/{card_id}/scans"): Case(),
    ("GET", "/api/v1/me/green-cards/{card_id}/qr.png"): Case(),
    ("GET", "/api/v1/partners/{partner_id}"): Case(),
    ("PATCH", "/api/v1/partners/{partner_id}"): Case(body={"contact": "0574-12345678"}),
    ("POST", "/api/v1/partners/{partner_id}/terms"): Case(body="partner_terms"),
    ("POST", "/api/v1/partners/{partner_id}/credentials"): Case(),
    ("GET", "/api/v1/partners/{partner_id}/queries"): Case(),
    ("GET", "/api/v1/green-card-merchants/{merchant_id}"): Case(),
    ("PATCH", "/api/v1/green-card-merchants/{merchant_id}"): Case(body={"courtesy": "九折"}),
    ("POST", "/api/v1/me/household/consents/{consent_id}/withdrawal"): Case(),
    ("POST", "/api/v1/oversight/repairs/{repair_id}/decision"): Case(
        body={"decision": "grant", "reason": "准予"}
    ),
    # households
    ("GET", "/api/v1/households/{household_id}"): Case(),
    ("GET", "/api/v1/households/{household_id}/history"): Case(),
    ("GET", "/api/v1/households/{household_id}/memberships"): Case(),
    ("POST", "/api/v1/households/{household_id}/invitation"): Case(),
    ("GET", "/api/v1/households/{household_id}/invitation.png"): Case(),
    ("POST", "/api/v1/households/{household_id}/head"): Case(body={"resident": "x"}),
    ("POST", "/api/v1/households/{household_id}/redemptions"): Case(body={"reward": "x"}),
    ("GET", "/api/v1/households/{household_id}/redemptions"): Case(),
    ("POST", "/api/v1/households/{household_id}/redemptions/{redemption_id}/cancel"): Case(),
    ("POST", "/api/v1/households/{household_id}/corrections"): Case(
        body={"change": "remove", "resident": "x", "reason": "更正测试"}
    ),
    ("POST", "/api/v1/household-requests/{request_id}/confirm"): Case(),
    ("POST", "/api/v1/household-requests/{request_id}/decline"): Case(),
    # the regulations quiz
    ("GET", "/api/v1/quiz/questions/{question_id}"): Case(
        sees={"worker_of_other_community": "a district's question bank is its workers' to read"}
    ),
    ("POST", "/api/v1/quiz/questions/{question_id}/versions"): Case(body="quiz_question"),
    ("POST", "/api/v1/quiz/questions/{question_id}/retire"): Case(),
    ("GET", "/api/v1/quiz/specials/{quiz_id}"): Case(
        sees={
            "worker_of_other_community": "a special quiz is its district's staff's to run",
            "resident_of_same_community": "a special quiz is open to its district's residents",
        }
    ),
    ("POST", "/api/v1/quiz/specials/{quiz_id}/attempts"): Case(
        sees={"resident_of_same_community": "a special quiz is open to its district's residents"}
    ),
    ("POST", "/api/v1/quiz/attempts/{attempt_id}/submission"): Case(body={"answers": []}),
    ("GET", "/api/v1/me/quiz/attempts/{attempt_id}"): Case(),
}
QUIZ_QUESTION = {
    "regulation": "civility",
    "kind": "single",
    "text": "行经人行横道应当怎样做？",
    "options": ["加速通过", "停车让行"],
    "answer": [1],
    "explanation": "应当停车让行。",
    "article": "第十四条",
}


async def _quiz_objects(world: World) -> dict[str, str]:
    """A question of d1's bank, a special quiz open now (resident 甲 answered it, so the
    statistics count c1's answers), and 甲's daily quiz, not submitted."""
    admin = world.district_admin.client
    question = await admin.post("/api/v1/quiz/questions", json=QUIZ_QUESTION)
    assert question.status_code == 201, question.text
    now = datetime.now(UTC)
    special = await admin.post(
        "/api/v1/quiz/specials",
        json={
            "title": "专项答题",
            "opens_at": iso(now - timedelta(minutes=1)),
            "closes_at": iso(now + timedelta(hours=1)),
            "questions": 1,
        },
    )
    assert special.status_code == 201, special.text
    taken = await world.resident.client.post(
        f"/api/v1/quiz/specials/{special.json()['id']}/attempts"
    )
    submitted = await world.resident.client.post(
        f"/api/v1/quiz/attempts/{taken.json()['id']}/submission", json={"answers": []}
    )
    assert submitted.status_code == 200, submitted.text
    daily = await world.resident.client.post("/api/v1/quiz/daily")
    assert daily.status_code == 201, daily.text
    return {
        "question_id": question.json()["id"],
        "quiz_id": special.json()["id"],
        "attempt_id": daily.json()["id"],
    }


ROUTES.update(assessment_scope_cases.cases(Case))


async def _household_objects(world: World) -> dict[str, str]:
    """A household of c1 headed by 甲, with a neighbour's request to join waiting."""
    formed = await world.resident.client.post("/api/v1/households", json={"name": "王家"})
    assert formed.status_code == 201, formed.text
    household = formed.json()["id"]
    invited = await world.resident.client.post(f"/api/v1/households/{household}/invitation")
    joiner = await world.new_resident("o-household-joiner")
    asked = await joiner.client.post(
        "/api/v1/household-requests", json={"code": invited.json()["code"]}
    )
    assert asked.status_code == 201, asked.text
    return {"household_id": household, "request_id": asked.json()["id"]}


async def _oversight_objects(world: World) -> dict[str, str]:
    """A unit of c1 with a confirmed report and its task, a planned inspection, and a
    black-list entry with an objection and a repair application."""
    from oversight.models import CreditRepair, ListEntry, Objection, UnitList

    admin, worker = world.district_admin.client, world.worker.client
    unit = await admin.post(
        "/api/v1/oversight/units",
        json={"code": "r-1", "name": "饭店", "type": "restaurant", "community": "c1"},
    )
    assert unit.status_code == 201, unit.text
    checklist = await admin.post(
        "/api/v1/oversight/checklists",
        json={
            "unit_type": "restaurant",
            "name": "公筷检查",
            "pass_mark": 80,
            "items": [{"code": "signs", "text": "提示", "weight": 1, "max_score": 10}],
        },
    )
    assert checklist.status_code == 201, checklist.text
    inspection = await worker.post(
        "/api/v1/oversight/inspections",
        json={"unit": unit.json()["id"], "checklist": checklist.json()["id"]},
    )
    assert inspection.status_code == 201, inspection.text
    reports = []
    for _ in range(2):
        report = await world.resident.client.post(
            "/api/v1/oversight/reports",
            json={"category": "litter", "description": "垃圾", "unit": unit.json()["id"]},
        )
        assert report.status_code == 201, report.text
        reports.append(report.json()["id"])
    confirmed = await worker.post(
        f"/api/v1/oversight/reports/{reports[1]}/confirm", json={"instructions": "清理"}
    )
    assert confirmed.status_code == 200, confirmed.text
    async with transaction():
        unit_list = await UnitList.create(
            district_id=world.district_id,
            unit_type="restaurant",
            period="2020Q1",
            status="noticed",
            objection_deadline=datetime.now(UTC) + timedelta(days=7),
            valid_until=datetime.now(UTC) + timedelta(days=90),
            computed_at=datetime.now(UTC),
        )
        entry = await ListEntry.create(
            list_id=unit_list.id,
            district_id=world.district_id,
            unit_id=unit.json()["id"],
            colour="black",
            score=10,
            reason_category="low_score",
        )
        appeal = {
            "entry_id": entry.id,
            "district_id": world.district_id,
            "unit_id": unit.json()["id"],
            "statement": "异议",
            "submitted_by": "staff:unit",
        }
        objection = await Objection.create(**appeal)
        repair = await CreditRepair.create(**appeal)
    return {
        "unit_id": unit.json()["id"],
        "report_id": reports[0],
        "checklist_id": checklist.json()["id"],
        "inspection_id": inspection.json()["id"],
        "task_id": confirmed.json()["task_id"],
        "list_id": unit_list.id,
        "entry_id": str(entry.id),
        "objection_id": objection.id,
        "repair_id": repair.id,
    }


@dataclass
class Objects:
    """Real objects of district d1, community c1 and resident 甲, by path parameter."""

    ids: dict[str, str]
    bodies: dict[str, dict[str, Any]]


async def _objects(world: World) -> Objects:
    from activities.checkin import qr_png
    from credits.recognition.models import BadgeAward, BadgeDefinition

    resident, worker = world.resident.client, world.worker.client
    await set_rules_since("d1", datetime(2001, 1, 1, tzinfo=UTC), **RULES)
    day = datetime.now(SHANGHAI).date() - timedelta(days=3)
    start = datetime.combine(day, time(9), SHANGHAI)
    past = await publish(world, starts_at=iso(start), ends_at=iso(start + timedelta(hours=4)))
    backfill = {
        "resident": world.resident.id,
        "checked_in_at": iso(start),
        "checked_out_at": iso(start + timedelta(hours=3)),
        "note": "补录",
    }
    attendance = await worker.post(f"/api/v1/activities/{past['id']}/attendances", json=backfill)
    verified = await worker.post(
        f"/api/v1/attendances/{attendance.json()['id']}/verify", json={"decision": "approve"}
    )
    assert verified.status_code == 200, verified.text
    pending = await worker.post(
        f"/api/v1/activities/{past['id']}/attendances",
        json={**backfill, "resident": (await world.new_resident("o-pending")).id},
    )
    assert pending.status_code == 201, pending.text
    activity = await publish(world)
    assert (await resident.post(f"/api/v1/activities/{activity['id']}/enrollments")).is_success
    upload = await resident.post(
        "/api/v1/uploads", files={"file": ("a.png", qr_png("x"), "image/png")}
    )
    assert upload.status_code == 201, upload.text
    deed = await worker.post(
        "/api/v1/deeds/attest",
        json={
            "resident": world.resident.id,
            "action": "zebra-crossing",
            "description": "扶老人过马路",
            "occurred_at": iso(datetime.now(UTC) - timedelta(hours=1)),
            "proxy": False,
        },
    )
    assert deed.status_code == 201, deed.text
    reported = await resident.post(
        "/api/v1/deeds",
        json={
            "action": "waste-sorting",
            "description": "分类投放",
            "occurred_at": iso(datetime.now(UTC) - timedelta(hours=1)),
            "evidence": [upload.json()["id"]],
        },
    )
    assert reported.status_code == 201, reported.text
    correction = await resident.post(
        "/api/v1/me/corrections", json={"record": verified.json()["record"], "reason": "时长不对"}
    )
    assert correction.status_code == 201, correction.text
    given = await resident.post(
        "/api/v1/me/real-name", json={"name": "王小明", "id_number": "11010519491231002X"}
    )
    assert given.status_code == 200, given.text
    seen = await worker.post(f"/api/v1/residents/{world.resident.id}/real-name/verify")
    assert seen.status_code == 200, seen.text
    certificate = await resident.post("/api/v1/me/certificates")
    assert certificate.status_code == 201, certificate.text
    reward = await worker.post("/api/v1/rewards", json={"title": "环保袋", "cost": 1, "stock": 5})
    assert reward.status_code == 201, reward.text
    redemption = await resident.post(f"/api/v1/rewards/{reward.json()['id']}/redemptions")
    assert redemption.status_code == 201, redemption.text
    async with transaction():
        badge = await BadgeDefinition.first()
        assert badge is not None
        award = await BadgeAward.create(
            public_id=new_id(),
            district_id=world.district_id,
            resident_id=world.resident.id,
            badge_id=badge.id,
            awarded_at=datetime.now(UTC),
        )
    from credits.models import LedgerTransaction

    earned = await LedgerTransaction.filter(district_id=world.district_id).first()
    assert earned is not None
    assert (await resident.patch("/api/v1/me", json={"public_profile": True})).is_success
    from kernel.outbox import queue_notification

    filing = await resident.post(
        "/api/v1/filings",
        json={
            "action": "frugal-banquets",
            "description": "婚宴从简",
            "planned_on": datetime.now(SHANGHAI).date().isoformat(),
        },
    )
    assert filing.status_code == 201, filing.text

    async with transaction():
        notice = await queue_notification(
            "resident", world.resident.id, "enrolment_promoted", {"title": "河道清洁"}
        )
    roll = await world.district_admin.client.post(
        "/api/v1/districts/d1/honour-rolls",
        json={"period": datetime.now(SHANGHAI).strftime("%Y-%m")},
    )
    assert roll.status_code == 201, roll.text
    oversight = await _oversight_objects(world)
    households = await _household_objects(world)
    campaign_ids, campaign_bodies = await campaign_objects(world, activity["id"])
    return Objects(
        ids={
            "code": "d1",
            "community_code": "c1",
            "name": "close-activities",
            "activity_id": activity["id"],
            "attendance_id": pending.json()["id"],
            "upload_id": upload.json()["id"],
            "deed_id": reported.json()["id"],
            "correction_id": correction.json()["id"],
            "number": certificate.json()["number"],
            "reward_id": reward.json()["id"],
            "redemption_id": redemption.json()["id"],
            "transaction_id": earned.id,
            "award_id": award.public_id,
            "roll_id": roll.json()["id"],
            "line_id": roll.json()["hours"][0]["line"],
            "staff_id": world.worker.id,
            "resident_id": world.resident.id,
            "notification_id": str(notice.id),
            "filing_id": filing.json()["id"],
            **oversight,
            **households,
            **await assessment_scope_cases.plant(world),
            **await partner_objects(world),
            **campaign_ids,
            **await _quiz_objects(world),
        },
        bodies={
            "backfill": backfill,
            "merge": {"into": oversight["report_id"]},
            **campaign_bodies,
            "quiz_question": QUIZ_QUESTION,
            "partner_terms": {"terms": PARTNER_TERMS},
        },
    )


async def _outsiders(world: World) -> dict[str, Actor]:
    from accounts.schemas import StaffCreate
    from accounts.staff import create_staff
    from kernel.auth import Principal

    system = Principal(kind="staff", id="test", role="platform_admin")

    async def staff(username: str, role: str, district: str, communities: list[str]) -> str:
        data = StaffCreate(
            username=username,
            password="staff-password-123",
            role=role,
            district=district,
            communities=communities,
        )
        return (await create_staff(data, by=system)).id

    async with transaction():
        other_admin = await staff("d2-admin", "district_admin", "d2", [])
        c2_worker = await staff("c2-worker", "worker", "d1", ["c2"])
        evaluator = await staff("d1-evaluator", "evaluator", "d1", [])
    other_unit = await world.district_admin.client.post(
        "/api/v1/oversight/units",
        json={"code": "s-2", "name": "二社区商店", "type": "shop", "community": "c2"},
    )
    unit_login = await world.district_admin.client.post(
        f"/api/v1/oversight/units/{other_unit.json()['id']}/accounts",
        json={"username": "c2-shop", "password": "unit-password-123"},
    )
    assert unit_login.status_code == 201, unit_login.text
    return {
        "staff_of_another_unit": await world.actor(
            "staff", unit_login.json()["staff_id"], "unit_staff"
        ),
        "evaluator_not_assigned": await world.actor("staff", evaluator, "evaluator"),
        "resident_of_other_district": world.other_resident,
        "worker_of_other_district": world.other_worker,
        "admin_of_other_district": await world.actor("staff", other_admin, "district_admin"),
        "worker_of_other_community": await world.actor("staff", c2_worker, "worker"),
        "resident_of_same_community": await world.new_resident("o-neighbour"),
    }


def _operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, operations in document["paths"].items()
        if "{" in path
        for method in operations
    ]


async def test_every_route_taking_an_id_is_in_the_scope_matrix(client):
    document = (await client.get("/openapi.json")).json()
    missing = [op for op in _operations(document) if op not in ROUTES and op not in PUBLIC]
    assert missing == [], "add these operations to ROUTES or PUBLIC in this file"
    stale = [op for op in [*ROUTES, *PUBLIC] if op not in _operations(document)]
    assert stale == []


async def test_nobody_reaches_another_district_community_or_resident_by_id(world, client):
    document = (await client.get("/openapi.json")).json()
    roles = {(e.method, e.path): e.roles for e in all_endpoints()}
    objects = await _objects(world)
    outsiders = await _outsiders(world)
    leaks: list[str] = []
    for method, path in _operations(document):
        if (method, path) in PUBLIC:
            continue
        case = ROUTES[(method, path)]
        url = path.format(**objects.ids)
        body = objects.bodies[case.body] if isinstance(case.body, str) else case.body
        admitted = roles[(method, path)]
        for name, outsider in outsiders.items():
            if name in case.sees:
                continue
            response = await outsider.client.request(method, url, json=body)
            expected = 404 if admitted is None or outsider.role in admitted else 403
            if response.status_code != expected:
                leaks.append(f"{name} {method} {url}: {response.status_code} {response.text[:120]}")
    assert leaks == []
