"""What the oversight console tests share: units, logins, a checklist, reports made through the
API (as the resident's app and the staff's tools would), and a way into the live service's
database for what only time would do (a quarter passing, an objection window closing)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from tortoise import Tortoise

from activities.checkin import qr_png
from tests.conftest import test_settings
from tests.console.conftest import PASSWORD, Live

# A place in c1 (GCJ-02) where the test units stand.
LAT, LNG = 29.8751, 121.5446
PNG = qr_png("证据照片")


def short() -> str:
    return uuid.uuid4().hex[:8]


async def unit(live: Live, name: str, *, community: str = "c1", **extra: Any) -> dict[str, Any]:
    worker = "c1-worker" if community == "c1" else "c2-worker"
    answer = await live.call(
        worker,
        "POST",
        "/api/v1/oversight/units",
        json={
            "code": f"u-{short()}",
            "name": name,
            "type": "restaurant",
            "community": community,
            "address": "中山西路12号",
            "lat": LAT,
            "lng": LNG,
            "responsible_name": "赵老板",
            "responsible_phone": "13911112222",
            **extra,
        },
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def unit_login(live: Live, unit_id: str) -> str:
    username = f"unit-{short()}"
    answer = await live.call(
        "d1-admin",
        "POST",
        f"/api/v1/oversight/units/{unit_id}/accounts",
        json={"username": username, "password": PASSWORD, "display_name": "店长"},
    )
    assert answer.status_code == 201, answer.text
    return username


async def evaluator(live: Live) -> str:
    username = f"eval-{short()}"
    answer = await live.call(
        "d1-admin",
        "POST",
        "/api/v1/staff",
        json={
            "username": username,
            "password": PASSWORD,
            "role": "evaluator",
            "district": "d1",
            "communities": [],
            "display_name": f"测评员{username[-4:]}",
        },
    )
    assert answer.status_code == 201, answer.text
    return username


async def checklist(live: Live) -> dict[str, Any]:
    answer = await live.call(
        "d1-admin",
        "POST",
        "/api/v1/oversight/checklists",
        json={
            "unit_type": "restaurant",
            "name": f"餐馆公筷检查{short()}",
            "pass_mark": 80,
            "items": [
                {"code": "chopsticks", "text": "每桌配备公筷公勺", "weight": 50, "max_score": 10},
                {"code": "hygiene", "text": "后厨整洁", "weight": 50, "max_score": 10},
            ],
        },
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def photo(live: Live, who: str) -> str:
    answer = await live.call(
        who, "POST", "/api/v1/oversight/photos", files={"file": ("p.png", PNG, "image/png")}
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def report(live: Live, unit_id: str, description: str, who: str = "o-wang") -> str:
    answer = await live.call(
        who,
        "POST",
        "/api/v1/oversight/reports",
        json={
            "category": "litter",
            "description": description,
            "unit": unit_id,
            "photos": [await photo(live, who)],
        },
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def inspected(live: Live, unit_id: str, checklist_id: str, score: int) -> str:
    """An inspection recorded through the API by c1-worker (each item scores `score`)."""
    planned = await live.call(
        "c1-worker",
        "POST",
        "/api/v1/oversight/inspections",
        json={"unit": unit_id, "checklist": checklist_id},
    )
    assert planned.status_code == 201, planned.text
    shot = [await photo(live, "c1-worker")] if score < 8 else []
    recorded = await live.call(
        "c1-worker",
        "POST",
        f"/api/v1/oversight/inspections/{planned.json()['id']}/record",
        json={
            "results": [
                {"item": "chopsticks", "score": score, "photos": shot},
                {"item": "hygiene", "score": score, "photos": shot},
            ],
            "lat": LAT,
            "lng": LNG,
        },
    )
    assert recorded.status_code == 200, recorded.text
    return str(planned.json()["id"])


@contextlib.asynccontextmanager
async def database(url: str, var_dir: Path) -> AsyncIterator[None]:
    """The live service's database, from the test (for what only time would do)."""
    from app.domains import tortoise_config
    from kernel.settings import configure

    await Tortoise.init(config=tortoise_config(configure(test_settings(url, var_dir))))
    try:
        yield
    finally:
        await Tortoise.close_connections()


async def sign_in_as_partner(page: Any, username: str, lands_on: str) -> None:
    """A unit's staff or an evaluator signs in and lands on their own start page."""
    await page.goto("/console/login")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"**{lands_on}")
