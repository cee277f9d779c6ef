"""A unit's credit record as the unit and as the district see it, its export, and the
dashboard's figures."""

from __future__ import annotations

import io
from urllib.parse import quote

from openpyxl import load_workbook

from tests.oversight.conftest import SITE


async def _failed_inspection(place):
    inspection = await place.plan()
    response = await place.record(inspection["id"], chopsticks=1)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_unit_sees_its_record_without_who_did_what(place):
    await _failed_inspection(place)
    url = f"/api/v1/oversight/units/{place.unit['id']}/record"
    as_unit = (await place.unit_staff.client.get(url)).json()
    as_district = (await place.world.worker.client.get(url)).json()
    kinds = [e["kind"] for e in as_unit["events"]]
    assert "inspection" in kinds and "notice:inspection_failed" in kinds
    assert "rectification:opened" in kinds
    assert all(e["actor"] is None for e in as_unit["events"])
    assert {e["actor"] for e in as_district["events"]} == {f"staff:{place.world.worker.id}"}


async def test_the_record_exports_as_csv_and_xlsx(place):
    await _failed_inspection(place)
    url = f"/api/v1/oversight/units/{place.unit['id']}/record"
    csv = await place.world.district_admin.client.get(url, params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "at,kind,subject_id,summary,actor" and len(lines) >= 4
    xlsx = await place.world.district_admin.client.get(url, params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["at", "kind", "subject_id", "summary", "actor"]
    assert sheet.max_row == len(lines)
    # Saved under a name people read (the ASCII one for clients that read no other).
    disposition = xlsx.headers["content-disposition"]
    assert "filename*=UTF-8''" + quote(f"单位信用档案_{place.unit['name']}.xlsx") in disposition
    assert f'filename="unit-record-{place.unit["code"]}.xlsx"' in disposition


async def test_an_export_of_the_record_through_the_api_is_recorded_like_the_consoles(place):
    from kernel.models import ExportLog

    await _failed_inspection(place)
    url = f"/api/v1/oversight/units/{place.unit['id']}/record"
    admin = place.world.district_admin
    assert (await admin.client.get(url)).status_code == 200  # reading it is not exporting
    assert await ExportLog.all().count() == 0
    assert (await admin.client.get(url, params={"format": "xlsx"})).status_code == 200
    log = await ExportLog.get(kind="unit-record")
    assert (log.staff_id, log.format) == (admin.id, "xlsx")
    assert log.date_from <= log.date_to


async def test_the_dashboard_counts_open_problems_rectification_and_scores(place):
    world = place.world
    for _ in range(2):
        await world.resident.client.post(
            "/api/v1/oversight/reports",
            json={"category": "litter", "description": "垃圾", **SITE},
        )
    await _failed_inspection(place)
    figures = (await world.worker.client.get("/api/v1/oversight/dashboard")).json()
    assert figures["open_problems"] == [
        {
            "category": "litter",
            "community_id": world.community_id,
            "open": 2,
            "older_than_7_days": 0,
            "older_than_30_days": 0,
            "ageing": "fresh",
        }
    ]
    assert figures["rectification"]["open_on_time"] == 1
    assert figures["inspection_scores"][0]["inspections"] == 1
    assert figures["inspection_scores"][0]["average_score"] == 32.5
    other = (await world.other_worker.client.get("/api/v1/oversight/dashboard")).json()
    assert other["open_problems"] == [] and other["inspection_scores"] == []
