"""Resource limits: a JSON body cannot borrow the upload limit by calling itself multipart,
and certificates (each a rendered PDF on disk) are not issued without end."""

from __future__ import annotations

from tests.activities.test_records import _verified_record, verified_identity


async def test_a_json_body_labelled_multipart_gets_the_ordinary_body_limit(world, settings):
    body = b'{"nickname": "' + b"x" * (settings.max_body_bytes + 10) + b'"}'
    response = await world.resident.client.patch(
        "/api/v1/me",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413


async def test_an_upload_still_gets_the_upload_limit(world, settings):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    padded = out.getvalue() + b"\0" * (settings.max_body_bytes + 10)
    response = await world.resident.client.post(
        "/api/v1/uploads", files={"file": ("p.png", padded, "image/png")}
    )
    assert response.status_code == 201, response.text


async def test_a_table_import_keeps_the_ordinary_body_limit(world, settings):
    """Only images get the upload allowance: a units import, also a declared file upload, is
    held to the ordinary limit (a spreadsheet that small can already be a bomb)."""
    rows = b"name,code\n" + b"x,y\n" * (settings.max_body_bytes // 4)
    response = await world.district_admin.client.post(
        "/api/v1/oversight/units/import", files={"file": ("u.csv", rows, "text/csv")}
    )
    assert response.status_code == 413, response.text


async def test_certificates_beyond_the_daily_quota_are_refused(world, settings):
    settings.certificates_per_day = 2
    await _verified_record(world, hours=3)
    await verified_identity(world)
    for _ in range(2):
        assert (await world.resident.client.post("/api/v1/me/certificates")).status_code == 201
    refused = await world.resident.client.post("/api/v1/me/certificates")
    assert refused.status_code == 429
    assert refused.json()["code"] == "certificate_quota_reached"
