"""Units: created in scope, imported from CSV or XLSX all-or-nothing, with their own login."""

from __future__ import annotations

import io

from openpyxl import Workbook

HEADER = "code,name,type,community,address,lat,lng,responsible_name,responsible_phone\n"


async def _import(actor, data: bytes, name: str = "units.csv"):
    return await actor.client.post(
        "/api/v1/oversight/units/import", files={"file": (name, data, "text/csv")}
    )


async def test_a_district_imports_units_from_a_csv_file(world):
    data = (
        HEADER
        + "s-1,便民超市,shop,c1,中山路1号,29.87,121.54,王老板,13900000001\n"
        + "s-2,月湖小学,school,c2,月湖路2号,,,李校长,\n"
    ).encode()
    response = await _import(world.district_admin, data)
    assert response.status_code == 201, response.text
    assert response.json() == {"created": 2}
    listed = (await world.district_admin.client.get("/api/v1/oversight/units")).json()
    assert {u["code"] for u in listed["items"]} == {"s-1", "s-2"}


async def test_an_import_with_bad_rows_reports_each_and_imports_none(world):
    data = (
        HEADER
        + "s-1,便民超市,shop,c1,,,,,\n"
        + "s-2,网吧,casino,c1,,,,,\n"
        + "s-3,花店,shop,nowhere,,,,,\n"
        + "s-1,重复,shop,c1,,,,,\n"
    ).encode()
    response = await _import(world.district_admin, data)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "import_rejected"
    fields = {e["field"] for e in problem["errors"]}
    assert {"row 3.type", "row 4.community", "row 5.code"} <= fields
    listed = (await world.district_admin.client.get("/api/v1/oversight/units")).json()
    assert listed["items"] == []


async def test_a_district_imports_units_from_an_xlsx_workbook(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "type", "community", "lat", "lng"])
    sheet.append(["p-1", "安居物业", "property_service", "c1", 29.87, 121.54])
    out = io.BytesIO()
    workbook.save(out)
    response = await _import(world.district_admin, out.getvalue(), "units.xlsx")
    assert response.status_code == 201, response.text
    assert response.json() == {"created": 1}


async def test_a_worker_adds_units_only_in_their_communities(world):
    response = await world.worker.client.post(
        "/api/v1/oversight/units",
        json={"code": "c2-shop", "name": "二社区商店", "type": "shop", "community": "c2"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_community"


async def test_a_unit_account_signs_in_with_its_password_and_sees_only_its_unit(place, client):
    login = await client.post(
        "/api/v1/auth/login", json={"username": "laoningbo", "password": "unit-password-123"}
    )
    assert login.status_code == 200, login.text
    assert login.json()["staff"]["role"] == "unit_staff"
    listed = (await place.unit_staff.client.get("/api/v1/oversight/units")).json()
    assert [u["id"] for u in listed["items"]] == [place.unit["id"]]
    other = await place.unit_staff.client.get(f"/api/v1/oversight/units/{place.unit2['id']}")
    assert other.status_code == 404


async def test_a_unit_account_is_not_district_staff(place):
    assert (await place.unit_staff.client.get("/api/v1/oversight/reports")).status_code == 403
    assert (await place.unit_staff.client.get("/api/v1/oversight/lists")).status_code == 403
    assert (await place.evaluator.client.get("/api/v1/oversight/tasks")).status_code == 403


async def test_a_file_that_is_no_table_is_refused_with_a_clear_code(world):
    for data, name in ((b"code,name\x00,type\n", "units.csv"), (b"PK\x03\x04broken", "u.xlsx")):
        response = await _import(world.district_admin, data, name)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "import_rejected"


async def test_an_import_takes_chinese_column_and_type_names(world):
    data = (
        "代码,名称,类型,社区,地址,纬度,经度,负责人,负责人电话\n"
        "r-1,老街面馆,餐饮店,c1,中山路3号,29.87,121.54,张老板,13900000002\n"
        "r-2,街角小店,shop,c1,,,,,\n"
    ).encode()
    response = await _import(world.district_admin, data)
    assert response.status_code == 201, response.text
    listed = (await world.district_admin.client.get("/api/v1/oversight/units")).json()
    assert {(u["code"], u["type"]) for u in listed["items"]} == {
        ("r-1", "restaurant"),
        ("r-2", "shop"),
    }


async def test_unknown_columns_are_refused_naming_the_expected_ones(world):
    response = await _import(world.district_admin, "编号,店名\nx,y\n".encode())
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "code, name, type, community" in detail and "代码、名称、类型、社区" in detail


async def test_the_template_filled_in_imports_as_it_is_and_names_its_columns(world):
    """The template downloaded, a row added under its example, imported unchanged otherwise:
    Chinese headers, unit types by their Chinese names, the district's community codes."""
    from openpyxl import load_workbook

    admin = world.district_admin
    answer = await admin.client.get(
        "/api/v1/oversight/units/import-template", headers={"Accept-Language": "zh"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''%E5%8D%95%E4%BD%8D" in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    units, columns, values = book.worksheets
    header = [c.value for c in units[1]]
    assert header == [
        "代码",
        "名称",
        "类型",
        "社区代码",
        "地址",
        "纬度",
        "经度",
        "负责人",
        "负责人电话",
    ]
    example = [c.value for c in units[2]]
    assert example[:4] == ["U-0001", "示例饭店", "餐饮店", "c1"]
    required = {row[0]: row[1] for row in columns.iter_rows(min_row=2, values_only=True)}
    assert required["代码"] == "必填" and required["社区代码"] == "必填"
    assert required["地址"] == "选填" and required["负责人电话"] == "选填"
    valid = list(values.iter_rows(min_row=2, values_only=True))
    assert ("类型", "农贸市场", None) in valid
    assert {(row[1], row[2]) for row in valid if row[0] == "社区代码"} == {
        ("c1", "一社区"),
        ("c2", "二社区"),
    }
    units.append(
        ["U-0002", "月湖便利店", "商店", "c2", "月湖路8号", 29.87, 121.54, "李店长", "13900000002"]
    )
    out = io.BytesIO()
    book.save(out)
    response = await _import(admin, out.getvalue(), "template.xlsx")
    assert response.status_code == 201, response.text
    assert response.json() == {"created": 2}
    listed = (await admin.client.get("/api/v1/oversight/units")).json()["items"]
    assert {(u["code"], u["name"], u["type"]) for u in listed} == {
        ("U-0001", "示例饭店", "restaurant"),
        ("U-0002", "月湖便利店", "shop"),
    }


async def test_the_csv_template_imports_as_it_is_and_is_only_for_the_district(world):
    answer = await world.district_admin.client.get(
        "/api/v1/oversight/units/import-template?format=csv", headers={"Accept-Language": "zh"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    text = answer.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "代码,名称,类型,社区代码,地址,纬度,经度,负责人,负责人电话"
    response = await _import(world.district_admin, answer.content)
    assert response.status_code == 201, response.text
    refused = await world.worker.client.get("/api/v1/oversight/units/import-template")
    assert refused.status_code == 403
