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
