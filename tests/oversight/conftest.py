"""The oversight world in one line: units in two communities of `d1` and one in `d2`, a unit
login, an external evaluator, a restaurant checklist."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from tests.conftest import Actor, World, make_actor


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 128, 0)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()  # a real image: photos are re-encoded from their pixels
SITE = {"lat": 29.8753, "lng": 121.5440}  # 鼓楼, Ningbo
NEARBY = {"lat": 29.8755, "lng": 121.5442}  # about 30 m away
FAR = {"lat": 29.8853, "lng": 121.5440}  # about 1.1 km away


def iso(moment: datetime) -> str:
    return moment.isoformat()


def in_days(days: float) -> str:
    return iso(datetime.now(UTC) + timedelta(days=days))


async def photo(actor: Actor) -> str:
    response = await actor.client.post(
        "/api/v1/oversight/photos", files={"file": ("p.png", PNG, "image/png")}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def create_unit(actor: Actor, **overrides: Any) -> dict[str, Any]:
    body = {
        "code": "r-001",
        "name": "老宁波饭店",
        "type": "restaurant",
        "community": "c1",
        "address": "鼓楼步行街1号",
        **SITE,
        "responsible_name": "张经理",
        "responsible_phone": "13800000000",
        **overrides,
    }
    response = await actor.client.post("/api/v1/oversight/units", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


CHECKLIST = {
    "unit_type": "restaurant",
    "name": "公筷公勺检查",
    "pass_mark": 80,
    "items": [
        {"code": "chopsticks", "text": "每桌配公筷公勺", "weight": 3, "max_score": 10},
        {"code": "signs", "text": "张贴公筷提示", "weight": 1, "max_score": 10},
    ],
}


@dataclass
class Place:
    world: World
    unit: dict[str, Any]
    unit2: dict[str, Any]
    other_unit: dict[str, Any]
    unit_staff: Actor
    evaluator: Actor
    checklist: dict[str, Any]

    async def plan(self, actor: Actor | None = None, **body: Any) -> dict[str, Any]:
        response = await (actor or self.world.worker).client.post(
            "/api/v1/oversight/inspections",
            json={"unit": self.unit["id"], "checklist": self.checklist["id"], **body},
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def record(
        self,
        inspection_id: str,
        chopsticks: int,
        signs: int = 10,
        actor: Actor | None = None,
        **extra: Any,
    ) -> Any:
        inspector = actor or self.world.worker
        failed = chopsticks < 8
        results = [
            {
                "item": "chopsticks",
                "score": chopsticks,
                "photos": [await photo(inspector)] if failed else [],
            },
            {
                "item": "signs",
                "score": signs,
                "photos": [] if signs >= 8 else [await photo(inspector)],
            },
        ]
        return await inspector.client.post(
            f"/api/v1/oversight/inspections/{inspection_id}/record",
            json={"results": results, **NEARBY, **extra},
        )


@pytest.fixture
async def place(world: World) -> Place:
    unit = await create_unit(world.district_admin)
    unit2 = await create_unit(
        world.district_admin,
        code="m-001",
        name="鼓楼菜市场",
        type="farmers_market",
        community="c2",
        lat=29.88,
        lng=121.55,
    )
    other_unit = await create_unit(
        world.other_worker, code="x-001", community="c3", name="外区饭店"
    )
    account = await world.district_admin.client.post(
        f"/api/v1/oversight/units/{unit['id']}/accounts",
        json={"username": "laoningbo", "password": "unit-password-123"},
    )
    assert account.status_code == 201, account.text
    evaluator = await world.district_admin.client.post(
        "/api/v1/staff",
        json={
            "username": "evaluator-1",
            "password": "eval-password-123",
            "role": "evaluator",
            "district": "d1",
        },
    )
    assert evaluator.status_code == 201, evaluator.text
    checklist = await world.district_admin.client.post(
        "/api/v1/oversight/checklists", json=CHECKLIST
    )
    assert checklist.status_code == 201, checklist.text
    return Place(
        world,
        unit=unit,
        unit2=unit2,
        other_unit=other_unit,
        unit_staff=await make_actor(world.app, "staff", account.json()["staff_id"], "unit_staff"),
        evaluator=await make_actor(world.app, "staff", evaluator.json()["id"], "evaluator"),
        checklist=dict(checklist.json()),
    )
