"""Households' fixtures: a household of district d1's community c1 headed by resident 甲."""

from __future__ import annotations

from typing import Any

from tests.conftest import Actor, World


async def form(world: World, head: Actor, name: str = "王家") -> dict[str, Any]:
    created = await head.client.post("/api/v1/households", json={"name": name})
    assert created.status_code == 201, created.text
    return dict(created.json())


async def join(world: World, head: Actor, household_id: str, joiner: Actor) -> dict[str, Any]:
    """The head invites, the joiner enters the code, the head confirms."""
    invitation = await head.client.post(f"/api/v1/households/{household_id}/invitation")
    assert invitation.status_code == 201, invitation.text
    asked = await joiner.client.post(
        "/api/v1/household-requests", json={"code": invitation.json()["code"]}
    )
    assert asked.status_code == 201, asked.text
    confirmed = await head.client.post(f"/api/v1/household-requests/{asked.json()['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    return dict(confirmed.json())
