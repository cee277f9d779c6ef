"""Households as residents form and run them, and as workers correct them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accounts.models import Household
from kernel.db import transaction
from tests.conftest import World
from tests.moralbank.conftest import form, join


async def test_a_household_is_formed_and_joined_by_code_confirmed_by_the_head(world: World):
    head = world.resident
    household = await form(world, head)
    assert household["head"] == head.id
    assert [m["nickname"] for m in household["members"]] == ["居民甲"]

    invitation = await head.client.post(f"/api/v1/households/{household['id']}/invitation")
    assert invitation.status_code == 201
    code = invitation.json()["code"]
    qr = await head.client.get(f"/api/v1/households/{household['id']}/invitation.png")
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/png"
    assert qr.content.startswith(b"\x89PNG")

    joiner = await world.new_resident("o-spouse")
    asked = await joiner.client.post("/api/v1/household-requests", json={"code": code.lower()})
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "requested"
    # Not a member until the head confirms: the joiner has no household yet, only the request.
    waiting = (await joiner.client.get("/api/v1/me/household")).json()
    assert waiting["household"] is None
    assert [r["household"] for r in waiting["my_requests"]] == [household["id"]]

    mine = (await head.client.get("/api/v1/me/household")).json()["household"]
    assert [r["nickname"] for r in mine["requests"]] == ["o-spouse"]
    confirmed = await head.client.post(f"/api/v1/household-requests/{asked.json()['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.text

    theirs = (await joiner.client.get("/api/v1/me/household")).json()["household"]
    assert theirs["id"] == household["id"]
    assert sorted(m["nickname"] for m in theirs["members"]) == ["o-spouse", "居民甲"]
    assert theirs["requests"] == []  # only the head answers requests
    again = await head.client.post(f"/api/v1/household-requests/{asked.json()['id']}/confirm")
    assert again.status_code == 404 or again.json()["code"] == "request_not_pending"


async def test_one_household_at_a_time(world: World):
    first = await form(world, world.resident)
    neighbour = await world.new_resident("o-neighbour")
    second = await form(world, neighbour, "李家")
    again = await world.resident.client.post("/api/v1/households", json={"name": "又一家"})
    assert again.status_code == 409 and again.json()["code"] == "already_in_household"
    assert "已在" in again.json()["detail"]
    invitation = await neighbour.client.post(f"/api/v1/households/{second['id']}/invitation")
    asked = await world.resident.client.post(
        "/api/v1/household-requests", json={"code": invitation.json()["code"]}
    )
    assert asked.status_code == 409 and asked.json()["code"] == "already_in_household"
    assert first["id"] != second["id"]


async def test_a_wrong_or_expired_code_is_refused(world: World):
    household = await form(world, world.resident)
    invitation = await world.resident.client.post(
        f"/api/v1/households/{household['id']}/invitation"
    )
    joiner = await world.new_resident("o-late")
    wrong = await joiner.client.post("/api/v1/household-requests", json={"code": "ZZZZZZZZ"})
    assert wrong.status_code == 409 and wrong.json()["code"] == "invitation_invalid"
    async with transaction():
        await Household.filter(id=household["id"]).update(
            invite_expires_at=datetime.now(UTC) - timedelta(minutes=1)
        )
    late = await joiner.client.post(
        "/api/v1/household-requests", json={"code": invitation.json()["code"]}
    )
    assert late.status_code == 409 and late.json()["code"] == "invitation_invalid"
    assert "过期" in late.json()["detail"]


async def test_only_the_head_invites_and_answers(world: World):
    household = await form(world, world.resident)
    member = await world.new_resident("o-son")
    await join(world, world.resident, household["id"], member)
    refused = await member.client.post(f"/api/v1/households/{household['id']}/invitation")
    assert refused.status_code == 403 and refused.json()["code"] == "not_the_head"
    outsider = await world.new_resident("o-stranger")
    hidden = await outsider.client.get(f"/api/v1/households/{household['id']}")
    assert hidden.status_code == 404


async def test_head_hands_over_leaves_and_the_history_keeps_it(world: World):
    head = world.resident
    household = await form(world, head)
    member = await world.new_resident("o-daughter")
    await join(world, head, household["id"], member)

    refused = await head.client.post("/api/v1/me/household/leave")
    assert refused.status_code == 409 and refused.json()["code"] == "head_must_hand_over"
    handed = await head.client.post(
        f"/api/v1/households/{household['id']}/head", json={"resident": member.id}
    )
    assert handed.status_code == 200 and handed.json()["head"] == member.id
    left = await head.client.post("/api/v1/me/household/leave")
    assert left.status_code == 200 and left.json()["end_kind"] == "left"
    assert (await head.client.get("/api/v1/me/household")).json()["household"] is None

    history = await member.client.get(f"/api/v1/households/{household['id']}/memberships")
    kept = {(m["nickname"], m["status"], m["end_kind"]) for m in history.json()["items"]}
    assert ("居民甲", "ended", "left") in kept
    assert ("o-daughter", "member", None) in kept
    # The one who left may form or join another household now.
    assert (await head.client.post("/api/v1/households", json={"name": "新家"})).status_code == 201


async def test_a_worker_corrects_membership_with_a_reason(world: World):
    household = await form(world, world.resident)
    grandma = await world.new_resident("o-grandma")
    added = await world.worker.client.post(
        f"/api/v1/households/{household['id']}/corrections",
        json={"change": "add", "resident": grandma.id, "reason": "老人不会用手机，现场核实"},
    )
    assert added.status_code == 200, added.text
    assert "o-grandma" in [m["nickname"] for m in added.json()["members"]]
    removed = await world.worker.client.post(
        f"/api/v1/households/{household['id']}/corrections",
        json={"change": "remove", "resident": grandma.id, "reason": "已迁出本社区"},
    )
    assert removed.status_code == 200
    history = await world.worker.client.get(f"/api/v1/households/{household['id']}/memberships")
    grandmas = next(m for m in history.json()["items"] if m["nickname"] == "o-grandma")
    assert grandmas["start_note"] == "老人不会用手机，现场核实"
    assert grandmas["end_note"] == "已迁出本社区" and grandmas["end_kind"] == "removed"
    assert grandmas["ended_by"] == f"staff:{world.worker.id}"
    outsider = await world.other_worker.client.post(
        f"/api/v1/households/{household['id']}/corrections",
        json={"change": "remove", "resident": world.resident.id, "reason": "越权"},
    )
    assert outsider.status_code == 404
    by_resident = await world.resident.client.post(
        f"/api/v1/households/{household['id']}/corrections",
        json={"change": "remove", "resident": world.resident.id, "reason": "自己"},
    )
    assert by_resident.status_code == 403


async def test_staff_list_households_of_their_communities_with_balance_and_rank(world: World):
    first = await form(world, world.resident, "王家")
    await form(world, await world.new_resident("o-li"), "李家")
    await form(world, await world.new_resident("o-zhao", "d1/c2"), "赵家")
    listed = await world.worker.client.get("/api/v1/households")
    assert listed.status_code == 200
    assert sorted(h["name"] for h in listed.json()["items"]) == ["李家", "王家"]
    assert {h["rank"] for h in listed.json()["items"]} == {1}
    district = await world.district_admin.client.get("/api/v1/households")
    assert len(district.json()["items"]) == 3
    own = await world.resident.client.get("/api/v1/households")
    assert [h["id"] for h in own.json()["items"]] == [first["id"]]
    assert (await world.other_worker.client.get("/api/v1/households")).json()["items"] == []
