"""`seed-demo` gives a newcomer units with a login, an evaluator, checklists, a failed
inspection with its re-inspection assigned, and reports — once, however often it runs."""

from __future__ import annotations

from app.demo import seed
from oversight.models import Inspection, ProblemReport, RectificationTask, Unit


async def test_seed_demo_fills_units_inspections_and_reports_once(app, client):
    logins = await seed("demo-password-2026")
    await seed("demo-password-2026")
    assert await Unit.all().count() == 4
    assert {i.passed for i in await Inspection.filter(status="recorded")} == {True, False}
    assert await Inspection.filter(status="assigned", reinspection_of_id__isnull=False).count() == 1
    assert {r.status for r in await ProblemReport.all()} == {"submitted", "confirmed"}
    assert {t.source for t in await RectificationTask.all()} == {"inspection", "report"}
    for username in ("laoningbo", "evaluator-demo"):
        response = await client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": logins["staff_logins"][username]},
        )
        assert response.status_code == 200, response.text


async def test_the_demo_has_a_past_period_to_rehearse_the_lists_on(app, client):
    """The previous period (of the demo district's own length) drafts at once: the unit with
    the login black, another red; its rectification is closed, so it may repair; and the
    objection window is a day."""
    from datetime import UTC, datetime

    from oversight.models import ListEntry
    from oversight.rules import previous_period, rules_at

    logins = await seed("demo-password-2026")
    await seed("demo-password-2026")
    admin = await client.post(
        "/api/v1/auth/login",
        json={"username": "haishu-admin", "password": logins["staff_logins"]["haishu-admin"]},
    )
    headers = {"Authorization": f"Bearer {admin.json()['access_token']}"}
    laoningbo = await Unit.get(code="r-001")
    rules = await rules_at(laoningbo.district_id)
    assert rules.objection_days == 1
    period = previous_period(datetime.now(UTC), rules.list_period)
    computed = await client.post(
        "/api/v1/oversight/lists/compute", json={"period": period}, headers=headers
    )
    assert computed.status_code == 200, computed.text
    entries = {
        (await Unit.get(id=e.unit_id)).code: (e.colour, e.reason_category)
        for e in await ListEntry.all()
    }
    assert entries == {"r-001": ("black", "failed_inspection"), "r-002": ("red", "high_score")}
    assert not await RectificationTask.filter(
        unit_id=laoningbo.id, status__in=("open", "submitted")
    ).exists()
    reinspected = await Inspection.get(unit_id=laoningbo.id, reinspection_of_id__isnull=False)
    assert reinspected.passed is True
