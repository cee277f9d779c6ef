"""Uploads: one way in for every image (deed evidence and oversight's photos alike): the same
refusal at the same status on every path, kept without EXIF, comments or any metadata, no
polyglots, served so no browser runs them, a daily quota, and workers see only their own
communities' evidence."""

from __future__ import annotations

import io
import re
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from PIL import Image, ImageCms, PngImagePlugin

from tests.conftest import make_actor
from tests.oversight.conftest import NEARBY, SITE, place  # noqa: F401  (the oversight place)

UPLOAD_PATHS = ("/api/v1/uploads", "/api/v1/oversight/photos")


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


# --- one behaviour on every path -----------------------------------------------------------


def _noise_jpeg(side: int) -> bytes:
    """A photo-like JPEG of about a megabyte and a half: noise compresses badly."""
    import random

    pixels = random.Random(7).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, format="JPEG", quality=95)
    return out.getvalue()


def _too_many_pixels() -> bytes:
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG")  # 48 megapixels in a few kilobytes
    return out.getvalue()


async def _refusals(actor, path: str, settings) -> dict[str, tuple[int, str]]:
    client = actor.client
    answers = {
        "not multipart": await client.post(path, json={"file": "x"}),
        "no file field": await client.post(path, files={"photo": ("p.png", _png(), "image/png")}),
        "broken multipart": await client.post(
            path, content=b"--x\r\n", headers={"content-type": "multipart/form-data"}
        ),
        "not an image": await client.post(
            path, files={"file": ("p.png", b"%PDF-1.7 not an image", "image/png")}
        ),
        "markup after the image": await client.post(
            path, files={"file": ("p.png", _png() + b"<html><script>1</script>", "image/png")}
        ),
        "undecodable": await client.post(
            path, files={"file": ("p.png", _png()[:40] + b"\0" * 64, "image/png")}
        ),
        "too large": await client.post(
            path,
            files={"file": ("p.png", _png() + b"\0" * settings.max_upload_bytes, "image/png")},
        ),
        "too many pixels": await client.post(
            path, files={"file": ("p.png", _too_many_pixels(), "image/png")}
        ),
    }
    for case, answer in answers.items():
        assert answer.headers["content-type"] == "application/problem+json", (path, case)
        assert re.search(r"[\u4e00-\u9fff]", answer.json()["detail"]), (path, case, answer.text)
    return {case: (a.status_code, a.json()["code"]) for case, a in answers.items()}


async def test_every_upload_path_refuses_the_same_file_with_the_same_status(world, settings):
    from activities.models import Upload
    from oversight.models import Photo

    expected = {
        "not multipart": (415, "unsupported_media_type"),
        "no file field": (422, "validation_failed"),
        "broken multipart": (400, "bad_request"),
        "not an image": (415, "not_an_image"),
        "markup after the image": (415, "not_an_image"),
        "undecodable": (415, "not_an_image"),
        "too large": (413, "upload_too_large"),
        "too many pixels": (413, "upload_too_large"),
    }
    for path in UPLOAD_PATHS:
        assert await _refusals(world.resident, path, settings) == expected, path
    assert await Upload.filter(owner=f"resident:{world.resident.id}").count() == 0
    assert await Photo.filter(owner=f"resident:{world.resident.id}").count() == 0


async def test_a_phone_photo_above_the_ordinary_body_limit_is_taken_on_every_path(world, settings):
    photo = _noise_jpeg(1000)
    assert settings.max_body_bytes < len(photo) < settings.max_upload_bytes
    for path in UPLOAD_PATHS:
        taken = await world.resident.client.post(
            path, files={"file": ("photo.jpg", photo, "image/jpeg")}
        )
        assert taken.status_code == 201, (path, taken.text)


async def test_a_resident_without_a_community_is_told_to_choose_one_before_uploading(
    world, settings
):
    """Finding 9 (issue 19): this was a 500 (StopIteration) and a reset connection."""
    from accounts.models import Resident
    from activities.models import Upload

    newcomer = await Resident.create(openid="o-no-community", nickname="新居民")
    actor = await make_actor(world.app, "resident", newcomer.id, "resident")
    refused = await actor.client.post(
        "/api/v1/uploads", files={"file": ("p.png", _png(), "image/png")}
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "unknown_community"
    assert "社区" in refused.json()["detail"]
    assert not await Upload.exists(owner=f"resident:{newcomer.id}")
    await actor.client.aclose()


# --- no metadata survives (finding 5 of issue 19) ------------------------------------------

MARK = b"PLANTED-MARK-7f3a"
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _marked_jpeg() -> bytes:
    """A JPEG with the mark in a COM segment, EXIF fields and XMP."""
    exif = Image.Exif()
    exif[0x010E] = f"{MARK.decode()} description"  # ImageDescription
    exif[0x013B] = f"{MARK.decode()} artist"  # Artist
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(
        out,
        format="JPEG",
        comment=MARK + b" comment",
        exif=exif,
        xmp=b"<x:xmpmeta>" + MARK + b" xmp</x:xmpmeta>",
        icc_profile=_SRGB,
    )
    return out.getvalue()


def _marked_png() -> bytes:
    """A PNG with the mark in tEXt and iTXt chunks and EXIF, and an ICC profile."""
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", f"{MARK.decode()} tEXt")
    text.add_itxt("Description", f"{MARK.decode()} iTXt")
    exif = Image.Exif()
    exif[0x013B] = f"{MARK.decode()} artist"
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 128, 0, 200)).save(
        out, format="PNG", pnginfo=text, exif=exif, icc_profile=_SRGB
    )
    return out.getvalue()


def _marked_webp() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = f"{MARK.decode()} artist"
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 30, 200)).save(
        out, format="WEBP", exif=exif, xmp=MARK + b" xmp", icc_profile=_SRGB
    )
    return out.getvalue()


MARKED = {"jpeg": _marked_jpeg, "png": _marked_png, "webp": _marked_webp}
METADATA = {"comment", "exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "Comment", "Description"}


def _assert_only_pixels(data: bytes, where: str) -> None:
    assert MARK not in data, where
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert not METADATA & set(image.info), (where, sorted(image.info))
        assert not image.getexif(), where
        assert not getattr(image, "text", {}), where


async def _upload_marked(actor, path: str) -> list[str]:
    ids = []
    for kind, make in MARKED.items():
        original = make()
        assert MARK in original, kind  # the mark is there to be found
        uploaded = await actor.client.post(path, files={"file": (f"m.{kind}", original, "x/y")})
        assert uploaded.status_code == 201, (kind, uploaded.text)
        ids.append(uploaded.json()["id"])
    return ids


async def _assert_stored_without_marks(settings, model, ids: list[str]) -> None:
    """Each stored file, read from the storage itself, holds pixels only; and no file the
    storage holds carries the mark."""
    root = Path(settings.var_dir) / "uploads"
    for row in await model.filter(id__in=ids):
        _assert_only_pixels((root / row.storage_key).read_bytes(), row.storage_key)
    assert not [f for f in root.rglob("*") if f.is_file() and MARK in f.read_bytes()]


async def test_deed_evidence_is_stored_without_comment_exif_xmp_or_profile(world, settings):
    from activities.models import Upload

    ids = await _upload_marked(world.resident, "/api/v1/uploads")
    deed = await world.resident.client.post(
        "/api/v1/deeds",
        json={
            "action": "neighbourly-harmony",
            "description": "帮邻居修好了漏水的水龙头",
            "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "evidence": ids,
        },
    )
    assert deed.status_code == 201, deed.text
    for upload_id in ids:
        served = await world.worker.client.get(f"/api/v1/uploads/{upload_id}")
        assert served.status_code == 200
        _assert_only_pixels(served.content, upload_id)
    await _assert_stored_without_marks(settings, Upload, ids)


async def test_a_problem_reports_photos_are_stored_without_metadata(world, settings):
    from oversight.models import Photo

    ids = await _upload_marked(world.resident, "/api/v1/oversight/photos")
    report = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={"category": "litter", "description": "门前垃圾", "photos": ids, **SITE},
    )
    assert report.status_code == 201, report.text
    for photo_id in ids:
        served = await world.worker.client.get(f"/api/v1/oversight/photos/{photo_id}")
        assert served.status_code == 200
        _assert_only_pixels(served.content, photo_id)
    await _assert_stored_without_marks(settings, Photo, ids)


async def test_an_inspections_photos_are_stored_without_metadata(place, settings):  # noqa: F811
    from oversight.models import Photo

    inspection = await place.plan()
    ids = await _upload_marked(place.world.worker, "/api/v1/oversight/photos")
    recorded = await place.world.worker.client.post(
        f"/api/v1/oversight/inspections/{inspection['id']}/record",
        json={
            "results": [
                {"item": "chopsticks", "score": 2, "photos": ids},
                {"item": "signs", "score": 10},
            ],
            **NEARBY,
        },
    )
    assert recorded.status_code == 200, recorded.text
    await _assert_stored_without_marks(settings, Photo, ids)


async def test_rectification_evidence_is_stored_without_metadata(place, settings):  # noqa: F811
    from oversight.models import Photo

    world = place.world
    report = await world.resident.client.post(
        "/api/v1/oversight/reports",
        json={"category": "litter", "description": "门前垃圾", "unit": place.unit["id"], **SITE},
    )
    confirmed = await world.worker.client.post(
        f"/api/v1/oversight/reports/{report.json()['id']}/confirm",
        json={"instructions": "清理门前垃圾"},
    )
    assert confirmed.status_code == 200, confirmed.text
    ids = await _upload_marked(place.unit_staff, "/api/v1/oversight/photos")
    evidence = await place.unit_staff.client.post(
        f"/api/v1/oversight/tasks/{confirmed.json()['task_id']}/evidence",
        json={"note": "已清理", "photos": ids},
    )
    assert evidence.status_code == 200, evidence.text
    for photo_id in ids:
        served = await world.worker.client.get(f"/api/v1/oversight/photos/{photo_id}")
        _assert_only_pixels(served.content, photo_id)
    await _assert_stored_without_marks(settings, Photo, ids)


async def test_photos_of_a_console_form_are_stored_without_metadata(place, settings):  # noqa: F811
    """The console's forms (an inspection recorded on a phone) take files the same way."""
    from oversight.models import InspectionResult, Photo

    inspection = await place.plan()
    transport = httpx.ASGITransport(app=place.world.app, client=("203.0.113.9", 50002))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as console:
        await console.get("/console/login")
        signed_in = await console.post(
            "/console/login",
            data={
                "csrf": console.cookies["console_pre"],
                "username": "c1-worker",
                "password": "staff-password-123",
            },
        )
        assert signed_in.status_code == 303, signed_in.text
        home = await console.get("/console/", follow_redirects=True)
        csrf = re.search(r'name="csrf" value="([^"]+)"', home.text)
        assert csrf is not None
        recorded = await console.post(
            f"/console/oversight/inspections/{inspection['id']}/record",
            data={
                "score-chopsticks": "2",
                "score-signs": "10",
                **{k: str(v) for k, v in NEARBY.items()},
            },
            files=[
                ("photo-chopsticks", (f"m.{kind}", make(), "image/jpeg"))
                for kind, make in MARKED.items()
            ],
            headers={"X-CSRF-Token": csrf.group(1)},
        )
        assert recorded.status_code == 303, recorded.text
    results = await InspectionResult.filter(inspection_id=inspection["id"])
    ids = [photo_id for result in results for photo_id in result.photos]
    assert len(ids) == len(MARKED)
    await _assert_stored_without_marks(settings, Photo, ids)


async def test_the_attacks_comment_and_gps_are_gone_from_every_stored_image(world, settings):
    """Finding 5 (issue 19) as reported: a JPEG carrying a `COM` segment and GPS EXIF, and no
    colour profile (a profile's conversion hid the bug: only a plain JPEG kept its comment),
    and a PNG with a `tEXt` chunk; on both upload paths the stored file decodes and holds
    neither."""
    from activities.models import Upload
    from oversight.models import Photo

    jpeg = io.BytesIO()
    with Image.open(io.BytesIO(_photo_with_gps())) as gps_photo:
        gps_photo.save(jpeg, format="JPEG", exif=gps_photo.getexif(), comment=b"SECRETCOMMENT")
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "SECRETCOMMENT")
    png = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 128, 0)).save(png, format="PNG", pnginfo=text)
    for original in (jpeg.getvalue(), png.getvalue()):
        assert b"SECRETCOMMENT" in original
    assert b"PhoneMaker" in jpeg.getvalue()
    root = Path(settings.var_dir) / "uploads"
    for path, model in zip(UPLOAD_PATHS, (Upload, Photo), strict=True):
        for original in (jpeg.getvalue(), png.getvalue()):
            taken = await world.resident.client.post(
                path, files={"file": ("p", original, "image/jpeg")}
            )
            assert taken.status_code == 201, (path, taken.text)
            row = await model.get(id=taken.json()["id"])
            stored = (root / row.storage_key).read_bytes()
            assert b"SECRETCOMMENT" not in stored and b"PhoneMaker" not in stored, path
            with Image.open(io.BytesIO(stored)) as image:
                image.load()
                assert not image.getexif() and "comment" not in image.info, path


def _linear_profile() -> bytes:
    """An RGB profile whose tone curves are (near) linear, not sRGB's: the same numbers
    mean lighter colours than in sRGB."""
    profile = bytearray(_SRGB)
    (tags,) = struct.unpack(">I", profile[128:132])
    for n in range(tags):
        signature, offset, _size = struct.unpack(">4sII", profile[132 + 12 * n : 144 + 12 * n])
        if signature in (b"rTRC", b"gTRC", b"bTRC"):
            assert profile[offset : offset + 4] == b"para"
            profile[offset + 12 : offset + 16] = struct.pack(">i", 1 << 16)  # gamma 1.0
    return bytes(profile)


def test_a_colour_profile_is_applied_before_it_is_dropped():
    """The stored image carries no profile, so its colours are turned into sRGB first: a grey
    its profile says is light stays light, and an sRGB image keeps its colours and alpha."""
    from kernel.uploads import clean_image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (128, 128, 128)).save(out, format="PNG", icc_profile=_linear_profile())
    with Image.open(io.BytesIO(clean_image(out.getvalue(), "image/png"))) as image:
        assert "icc_profile" not in image.info
        assert image.getpixel((4, 4)) == (192, 192, 192)
    with Image.open(io.BytesIO(clean_image(_marked_png(), "image/png"))) as image:
        assert image.convert("RGBA").getpixel((5, 5)) == (0, 128, 0, 200)
