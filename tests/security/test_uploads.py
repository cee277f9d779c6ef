"""Uploads: kept without EXIF, no polyglots, served so no browser runs them, a daily quota,
and workers see only their own communities' evidence."""

from __future__ import annotations

import io

from PIL import Image


def _photo_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (29.0, 52.0, 31.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (121.0, 32.0, 38.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 128, 0)).save(out, format="PNG")
    return out.getvalue()


async def _upload(actor, data: bytes, content_type="image/jpeg"):
    return await actor.client.post("/api/v1/uploads", files={"file": ("photo", data, content_type)})


async def test_exif_gps_is_stripped_from_an_uploaded_photo(world):
    original = _photo_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(0x8825), "the test photo carries GPS"
    uploaded = await _upload(world.resident, original)
    assert uploaded.status_code == 201, uploaded.text
    served = await world.worker.client.get(f"/api/v1/uploads/{uploaded.json()['id']}")
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.size == (64, 48)
        assert not image.getexif()
    assert b"PhoneMaker" not in served.content


async def test_a_png_followed_by_html_is_refused(world):
    polyglot = _png() + b"<html><script>alert(document.domain)</script></html>"
    response = await _upload(world.resident, polyglot, "image/png")
    assert response.status_code == 415
    assert response.json()["code"] == "not_an_image"


async def test_an_image_with_appended_bytes_is_stored_without_them(world):
    response = await _upload(world.resident, _png() + b"\x00trailing-bytes", "image/png")
    assert response.status_code == 201
    served = await world.resident.client.get(f"/api/v1/uploads/{response.json()['id']}")
    assert b"trailing-bytes" not in served.content


async def test_uploads_are_served_as_attachments_never_sniffed(world):
    uploaded = await _upload(world.resident, _png(), "image/png")
    served = await world.resident.client.get(f"/api/v1/uploads/{uploaded.json()['id']}")
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith("attachment;")


async def test_uploads_beyond_the_daily_quota_are_refused(world, settings):
    settings.uploads_per_day = 2
    for _ in range(2):
        assert (await _upload(world.resident, _png(), "image/png")).status_code == 201
    refused = await _upload(world.resident, _png(), "image/png")
    assert refused.status_code == 429
    assert refused.json()["code"] == "upload_quota_reached"
    assert "retry-after" in refused.headers


async def test_evidence_and_problem_photos_share_one_daily_quota(world, settings):
    settings.uploads_per_day = 2
    assert (await _upload(world.resident, _png(), "image/png")).status_code == 201
    photos = "/api/v1/oversight/photos"
    first = await world.resident.client.post(photos, files={"file": ("p", _png(), "image/png")})
    assert first.status_code == 201, first.text
    refused = await world.resident.client.post(photos, files={"file": ("p", _png(), "image/png")})
    assert refused.status_code == 429
    assert refused.json()["code"] == "upload_quota_reached"
    assert "retry-after" in refused.headers
    assert (await _upload(world.resident, _png(), "image/png")).status_code == 429
    # Someone else's quota is their own.
    assert (await _upload(world.worker, _png(), "image/png")).status_code == 201


async def test_a_worker_cannot_open_evidence_of_another_community_of_their_district(world):
    neighbour = await world.new_resident("o-c2-neighbour", community="d1/c2")
    uploaded = await _upload(neighbour, _png(), "image/png")
    path = f"/api/v1/uploads/{uploaded.json()['id']}"
    assert (await world.worker.client.get(path)).status_code == 404
    assert (await world.district_admin.client.get(path)).status_code == 200
    assert (await neighbour.client.get(path)).status_code == 200
    await neighbour.client.aclose()


async def test_a_worker_cannot_read_ledger_transactions_of_another_community(world):
    from tests.credits.conftest import RULES, earn

    opened = await world.district_admin.client.patch("/api/v1/districts/d1/settings", json=RULES)
    assert opened.status_code == 200
    neighbour = await world.new_resident("o-c2-earner", community="d1/c2")
    theirs = await earn(world, neighbour.id, "1")
    ours = await earn(world, world.resident.id, "1")
    path = "/api/v1/credits/transactions/{}"
    assert (await world.worker.client.get(path.format(theirs.id))).status_code == 404
    assert (await world.worker.client.get(path.format(ours.id))).status_code == 200
    assert (await world.district_admin.client.get(path.format(theirs.id))).status_code == 200
    await neighbour.client.aclose()


async def test_a_problem_report_photo_shown_to_staff_carries_no_exif_gps(world):
    original = _photo_with_gps()
    uploaded = await world.resident.client.post(
        "/api/v1/oversight/photos", files={"file": ("photo", original, "image/jpeg")}
    )
    assert uploaded.status_code == 201, uploaded.text
    report = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={
            "category": "litter",
            "description": "垃圾",
            "lat": 29.8753,
            "lng": 121.544,
            "photos": [uploaded.json()["id"]],
        },
    )
    assert report.status_code == 201, report.text  # staff read a photo through its report
    served = await world.worker.client.get(f"/api/v1/oversight/photos/{uploaded.json()['id']}")
    assert served.status_code == 200, served.text
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.size == (64, 48)
        assert not image.getexif()
    assert b"PhoneMaker" not in served.content


async def test_a_problem_report_photo_with_html_after_it_is_refused(world):
    polyglot = _png() + b"<html><script>alert(document.domain)</script></html>"
    response = await world.resident.client.post(
        "/api/v1/oversight/photos", files={"file": ("p.png", polyglot, "image/png")}
    )
    assert response.status_code == 422  # oversight answers a non-image as 422 (issue 11)
    assert response.json()["code"] == "not_an_image"
