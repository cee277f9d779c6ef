"""A district's oversight rules are versioned: a change adds a version, the old one is kept."""

from __future__ import annotations

from oversight.models import OversightRulesVersion
from tests.oversight.conftest import SITE


async def test_a_district_adds_its_own_problem_category(world):
    refused = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={"category": "shared-bikes", "description": "共享单车乱停", **SITE},
    )
    assert refused.json()["code"] == "unknown_category"
    rules = (await world.district_admin.client.get("/api/v1/oversight/rules")).json()
    changed = await world.district_admin.client.patch(
        "/api/v1/oversight/rules",
        json={
            "categories": [*rules["categories"], {"code": "shared-bikes", "name": "共享单车乱停"}]
        },
    )
    assert changed.status_code == 200, changed.text
    accepted = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={"category": "shared-bikes", "description": "共享单车乱停", **SITE},
    )
    assert accepted.status_code == 201, accepted.text
    assert await OversightRulesVersion.filter(district_id=world.district_id).count() == 1


async def test_residents_read_their_districts_categories_in_force(world):
    """A mini-program lists what may be reported from the rules, not from a copy of its own:
    a resident reads the categories (403 on the rules), a new one the day it is in force."""
    assert (await world.resident.client.get("/api/v1/oversight/rules")).status_code == 403
    read = await world.resident.client.get("/api/v1/oversight/categories")
    assert read.status_code == 200, read.text
    assert {"code": "litter", "name": "乱扔垃圾"} in read.json()["items"]
    rules = (await world.district_admin.client.get("/api/v1/oversight/rules")).json()
    added = {"code": "shared-bikes", "name": "共享单车乱停"}
    await world.district_admin.client.patch(
        "/api/v1/oversight/rules", json={"categories": [*rules["categories"], added]}
    )
    mine = (await world.resident.client.get("/api/v1/oversight/categories")).json()["items"]
    assert mine == [*rules["categories"], added]
    other = await world.other_resident.client.get("/api/v1/oversight/categories")
    assert added not in other.json()["items"]


async def test_a_resident_without_a_community_is_asked_to_choose_one_for_categories(world):
    from accounts.models import Resident

    newcomer = await Resident.create(openid="o-newcomer", nickname="新居民")
    actor = await world.actor("resident", newcomer.id, "resident")
    answer = await actor.client.get("/api/v1/oversight/categories")
    assert answer.status_code == 422 and answer.json()["code"] == "unknown_community"
    assert answer.json()["detail"] == "请先选择您所在的社区,再上报问题。"
    await actor.client.aclose()


async def test_black_must_stay_below_red(world):
    response = await world.district_admin.client.patch(
        "/api/v1/oversight/rules", json={"black_below_score": 95}
    )
    assert response.status_code == 422
    other = (await world.other_worker.client.get("/api/v1/oversight/rules")).json()
    assert other["black_below_score"] == 60.0


async def test_a_rules_change_dated_in_the_past_is_refused_and_nothing_is_written(world):
    response = await world.district_admin.client.patch(
        "/api/v1/oversight/rules",
        json={"black_below_score": 50, "effective_from": "2020-01-01T00:00:00+08:00"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "retroactive_rules_change"
    assert await OversightRulesVersion.filter(district_id=world.district_id).count() == 0


def test_periods_of_each_length_have_their_local_bounds():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from oversight.rules import next_period, period_bounds, period_of, previous_period

    local = ZoneInfo("Asia/Shanghai")

    def bounds(period):
        return tuple(
            moment.astimezone(local).date().isoformat() for moment in period_bounds(period)
        )

    assert bounds("2026M02") == ("2026-02-01", "2026-03-01")
    assert bounds("2026Q4") == ("2026-10-01", "2027-01-01")
    assert bounds("2026H2") == ("2026-07-01", "2027-01-01")
    assert bounds("2026Y") == ("2026-01-01", "2027-01-01")
    assert next_period("2026M12") == "2027M01" and next_period("2026H1") == "2026H2"
    moment = datetime(2026, 1, 15, 12, tzinfo=local)
    assert [period_of(moment, k) for k in ("month", "quarter", "half_year", "year")] == [
        "2026M01",
        "2026Q1",
        "2026H1",
        "2026Y",
    ]
    assert [previous_period(moment, k) for k in ("month", "quarter", "half_year", "year")] == [
        "2025M12",
        "2025Q4",
        "2025H2",
        "2025Y",
    ]


async def test_a_district_that_lists_by_month_drafts_monthly_lists_only(place):
    from datetime import UTC, datetime, timedelta

    from oversight.models import Inspection
    from oversight.rules import period_bounds, previous_period
    from oversight.schemas import OversightRules

    world = place.world
    # The district's history: lists by month since 2020 (a past version, as seeding writes it).
    await OversightRulesVersion.create(
        district_id=world.district_id,
        effective_from=datetime(2020, 1, 1, tzinfo=UTC),
        rules=OversightRules(list_period="month").model_dump(mode="json"),
        created_by="test",
    )
    last_month = previous_period(datetime.now(UTC), "month")
    inspection = await place.plan(unit=place.unit["id"])
    recorded = await place.record(inspection["id"], chopsticks=10)
    assert recorded.status_code == 200, recorded.text
    await Inspection.filter(id=inspection["id"]).update(
        inspected_at=period_bounds(last_month)[0] + timedelta(days=1)
    )
    quarterly = await world.district_admin.client.post(
        "/api/v1/oversight/lists/compute",
        json={"period": previous_period(datetime.now(UTC), "quarter")},
    )
    assert quarterly.status_code == 422 and quarterly.json()["code"] == "unknown_period"
    monthly = await world.district_admin.client.post(
        "/api/v1/oversight/lists/compute", json={"period": last_month}
    )
    assert monthly.status_code == 200, monthly.text
    assert monthly.json()["scored_units"] == 1 and monthly.json()["lists"] == 1
    lists = (await world.district_admin.client.get("/api/v1/oversight/lists")).json()
    assert [item["period"] for item in lists["items"]] == [last_month]


async def test_a_list_period_the_service_does_not_know_is_refused(world):
    response = await world.district_admin.client.patch(
        "/api/v1/oversight/rules", json={"list_period": "fortnight"}
    )
    assert response.status_code == 422
    assert await OversightRulesVersion.filter(district_id=world.district_id).count() == 0
