"""A mini-program developer's client, generated from the served `/openapi.json` by an existing
generator (openapi-python-client), runs a resident's loop against the running service: what
the generator cannot read in the document fails here, not in a developer's hands."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.activities.conftest import NEARBY, activity_body
from tests.activities.test_deeds import png_bytes
from tests.live_service import LiveService

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "civility_client"
# The generator reads JSON answers by itself; binary ones (a QR code, a photo, a PDF) it is
# told to hand over as bytes, with its own option for it.
CONFIG = {
    "post_hooks": [],
    "content_type_overrides": {
        kind: "application/octet-stream"
        for kind in (
            "image/png",
            "image/jpeg",
            "image/webp",
            "image/svg+xml",
            "application/pdf",
            "application/vc+jwt",
        )
    },
}


def generate(document: dict[str, Any], folder: Path) -> str:
    """Generates the client package into `folder`; returns what the generator said."""
    (folder / "openapi.json").write_text(json.dumps(document))
    (folder / "config.json").write_text(json.dumps(CONFIG))
    ran = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(folder / "openapi.json"),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(folder / "config.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return ran.stdout + ran.stderr


@pytest.fixture
def imported(tmp_path: Path) -> Iterator[Path]:
    """`tmp_path` on the import path for the generated package, removed again after."""
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def load(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


async def test_a_generated_client_runs_a_residents_loop(
    world, database_url, var_dir, fake_wechat, imported
):
    service = LiveService(database_url, var_dir, imported / "service.log")
    service.env.update(
        WECHAT_APPID=fake_wechat.appid,
        WECHAT_SECRET=fake_wechat.secret,
        WECHAT_API_BASE=fake_wechat.base_url,
    )
    fake_wechat.sessions["wx-code-1"] = {"openid": "o-mini-program"}
    await service.start()
    try:
        async with httpx.AsyncClient(base_url=service.base_url, timeout=30) as http:
            document = (await http.get("/openapi.json")).json()
            said = generate(document, imported)
            # Every operation and schema generated: no warning, nothing left out.
            assert "Warning" not in said and "Unable" not in said, said
            await _residents_loop(http, world)
    finally:
        await service.stop()


def _staff(http: httpx.AsyncClient, who: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {who.token}"}


async def _residents_loop(http: httpx.AsyncClient, world: Any) -> None:
    client_module = load("client")
    models = load("models")
    accounts = "api.accounts"
    base = str(http.base_url).rstrip("/")

    # Staff prepare what a resident meets: a badge for one good deed, an activity today.
    badge = await http.post(
        "/api/v1/badges",
        headers=_staff(http, world.district_admin),
        json={
            "code": "good-neighbour",
            "name": "好邻居",
            "criterion": {"kind": "action_count", "action": "neighbourly-harmony", "threshold": 1},
        },
    )
    assert badge.status_code == 201, badge.text
    published = await http.post(
        "/api/v1/activities", headers=_staff(http, world.worker), json=activity_body()
    )
    assert published.status_code == 201, published.text
    activity_id = published.json()["id"]

    async with client_module.Client(base_url=base, raise_on_unexpected_status=True) as anonymous:
        pair = await load(f"{accounts}.wechat_login").asyncio(
            client=anonymous, body=models.WeChatLoginIn(code="wx-code-1")
        )
    assert isinstance(pair, models.TokenPair), pair
    async with client_module.AuthenticatedClient(
        base_url=base, token=pair.access_token, raise_on_unexpected_status=True
    ) as me:
        await _as_resident(http, world, me, activity_id)


async def _as_resident(http: httpx.AsyncClient, world: Any, me: Any, activity_id: str) -> None:
    models = load("models")
    accounts = "api.accounts"
    activities = "api.activities"

    # No community chosen yet: the categories say to choose one, in Chinese.
    refused = await load("api.oversight.list_categories").asyncio(client=me)
    assert isinstance(refused, models.Problem)
    assert refused.detail == "请先选择您所在的社区,再上报问题。"
    updated = await load(f"{accounts}.update_me").asyncio(
        client=me, body=models.MePatch(community="d1/c1")
    )
    assert isinstance(updated, models.ResidentOut) and updated.community == "d1/c1", updated

    page = await load(f"{activities}.list_activities").asyncio(client=me)
    assert isinstance(page, models.ActivityPage)
    [listed] = [a for a in page.items if a.id == activity_id]
    assert isinstance(listed, models.ActivityOut) and listed.title == "河道清洁"
    enrolled = await load(f"{activities}.enrol").asyncio(activity_id, client=me)
    assert isinstance(enrolled, models.EnrollmentOut), enrolled

    code = await http.get(
        f"/api/v1/activities/{activity_id}/checkin-code", headers=_staff(http, world.worker)
    )
    checked_in = await load(f"{activities}.check_in").asyncio(
        activity_id, client=me, body=models.CheckinIn(token=code.json()["token"], **NEARBY)
    )
    assert isinstance(checked_in, models.AttendanceOut), checked_in
    assert checked_in.status == models.AttendanceOutStatus("open")

    types = load("types")
    uploaded = await load(f"{activities}.upload").asyncio(
        client=me,
        body=models.FileUpload(
            file=types.File(payload=png_bytes(), file_name="deed.png", mime_type="image/png")
        ),
    )
    assert isinstance(uploaded, models.UploadOut), uploaded
    deed = await load(f"{activities}.report_deed").asyncio(
        client=me,
        body=models.DeedIn(
            action="neighbourly-harmony",
            description="帮邻居修好了漏水的水龙头",
            occurred_at=datetime.now(UTC) - timedelta(hours=1),
            evidence=[uploaded.id],
        ),
    )
    assert isinstance(deed, models.DeedOut) and deed.evidence == [uploaded.id], deed

    categories = await load("api.oversight.list_categories").asyncio(client=me)
    assert isinstance(categories, models.CategoryList)
    assert models.Category(code="litter", name="乱扔垃圾") in categories.items

    # A worker approves the deed; the badge job awards what it reached.
    approved = await http.post(
        f"/api/v1/deeds/{deed.id}/review",
        headers=_staff(http, world.worker),
        json={"decision": "approve"},
    )
    assert approved.status_code == 200, approved.text
    run = await http.post("/api/v1/jobs/award-badges/run", headers=_staff(http, world.admin))
    assert run.json()["status"] == "succeeded", run.text

    summary = await load("api.recognition.my_summary").asyncio(client=me)
    assert isinstance(summary, models.SummaryOut)
    assert summary.actions.to_dict() == {"neighbourly-harmony": 1}
    assert [(b.code, b.name) for b in summary.badges] == [("good-neighbour", "好邻居")]
    awards = await load("api.recognition.my_badges").asyncio(client=me)
    assert isinstance(awards, models.AwardPage)
    [award] = awards.items
    public_id = award.credential_url.rsplit("/", 1)[1]
    async with me.with_headers({"Accept": "application/json"}) as as_json:
        credential_of = load("api.recognition.credential")
        answer = await credential_of.asyncio_detailed(public_id, client=as_json)
    assert answer.headers["content-type"] == "application/json"
    credential = answer.parsed.to_dict()
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["credentialSubject"]["achievement"]["name"] == "好邻居"
