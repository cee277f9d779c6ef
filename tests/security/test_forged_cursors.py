"""A forged or oversized cursor is a 422 on every paginated route of the OpenAPI document,
whether the route pages over ULIDs or integer serials (where an id past int64 reached
PostgreSQL as a 500)."""

from __future__ import annotations

import base64

from tests.activities.conftest import publish
from tests.credits.conftest import bank  # noqa: F401  (the moral bank fixture)
from tests.moralbank_partners.conftest import register_partner


def _cursor(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


FORGED = {
    "oversized (past int64, longer than a ULID)": _cursor("9" * 27),
    "just past int64": _cursor(str(2**63)),
    "a ULID-length word off the alphabet": _cursor("u" * 26),
    "not base64": "%%%%",
    "negative": _cursor("-1"),
    "a path": _cursor("../../etc/passwd"),
}
# Values for query parameters a paginated route requires.
REQUIRED = {"period": "2026Q4"}


async def test_a_forged_cursor_is_refused_on_every_paginated_route(bank):  # noqa: F811
    world = bank
    activity = await publish(world)
    reward = await world.worker.client.post(
        "/api/v1/rewards", json={"title": "环保袋", "cost": 2, "stock": 10}
    )
    household = await world.resident.client.post("/api/v1/households", json={"name": "王家"})
    card = await world.district_admin.client.post(
        "/api/v1/green-cards", json={"resident": world.resident.id, "reason": "道德模范"}
    )
    partner = await register_partner(world)
    ids = {
        "code": "d1",
        "partner_id": partner["partner"]["id"],
        "activity_id": activity["id"],
        "reward_id": reward.json()["id"],
        "household_id": household.json()["id"],
        "card_id": card.json()["id"],
    }
    document = (await world.admin.client.get("/openapi.json")).json()
    paginated: dict[str, dict[str, str]] = {}
    for path, operations in document["paths"].items():
        parameters = operations.get("get", {}).get("parameters", [])
        if any(p["name"] == "cursor" for p in parameters):
            paginated[path.format(**ids)] = {
                p["name"]: REQUIRED[p["name"]]
                for p in parameters
                if p.get("required") and p["in"] == "query"
            }
    assert len(paginated) > 30
    actors = [world.admin, world.district_admin, world.worker, world.resident]
    exercised, answers = [], {}
    for path, required in paginated.items():
        # Whoever may read the route: the cursor must be judged, not the caller.
        reader = None
        for actor in actors:
            if (await actor.client.get(path, params=required)).status_code == 200:
                reader = actor
                break
        assert reader is not None, f"nobody of the world may read {path}"
        exercised.append(path)
        for what, cursor in FORGED.items():
            status = (
                await reader.client.get(path, params={**required, "cursor": cursor})
            ).status_code
            answers[(path, what)] = status
    assert {key: status for key, status in answers.items() if status != 422} == {}
    assert len(exercised) == len(paginated)
