"""Photos with an objection to a household's assessment: the objector attaches photos they
uploaded (oversight's photo store, its limits), a bounded number, never another's; the objector
and the staff who may decide the objection read them, nobody else."""

from __future__ import annotations

from typing import Any

from accounts.schemas import StaffCreate
from accounts.staff import create_staff
from kernel.auth import Principal
from kernel.db import transaction
from tests.conftest import Actor, World
from tests.moralbank.assessment_world import (
    Households,
    assessment_of,
    assessment_world,
    review_body,
)
from tests.oversight.conftest import photo
from tests.security.console_session import console_client

PASSWORD = "staff-password-123"


async def _published(world: World) -> tuple[Households, str]:
    """王家's assessment of the quarter, reviewed and published by c1's worker: its URL."""
    homes = await assessment_world(world)
    wang = await assessment_of(world.worker, homes.wang, homes.period)
    url = f"/api/v1/assessments/{wang['id']}"
    reviewed = await world.worker.client.post(f"{url}/review", json=review_body())
    assert reviewed.status_code == 200, reviewed.text
    published = await world.worker.client.post(f"{url}/publication")
    assert published.status_code == 200, published.text
    return homes, url


async def _c2_worker(world: World) -> Actor:
    system = Principal(kind="staff", id="test", role="platform_admin")
    data = StaffCreate(
        username="c2-worker", password=PASSWORD, role="worker", district="d1", communities=["c2"]
    )
    async with transaction():
        staff = await create_staff(data, by=system)
    return await world.actor("staff", staff.id, "worker")


async def _objections(actor: Actor, url: str) -> list[dict[str, Any]]:
    detail = await actor.client.get(url)
    assert detail.status_code == 200, detail.text
    return list(detail.json()["objections"])


async def _reads(actor: Actor, picture: str) -> int:
    return (await actor.client.get(f"/api/v1/oversight/photos/{picture}")).status_code


async def test_the_objector_attaches_their_photos_and_the_deciding_staff_see_and_open_them(world):
    _homes, url = await _published(world)
    first, second = await photo(world.resident), await photo(world.resident)

    objected = await world.resident.client.post(
        f"{url}/objections",
        json={"statement": "那天是绿灯，有照片为证", "photos": [first, second, first]},
    )
    assert objected.status_code == 201, objected.text
    assert objected.json()["photos"] == [first, second]

    for reader in (world.worker, world.district_admin, world.resident):
        (shown,) = await _objections(reader, url)
        assert shown["photos"] == [first, second]
        opened = await reader.client.get(f"/api/v1/oversight/photos/{first}")
        assert opened.status_code == 200, opened.text
        assert opened.headers["content-type"] == "image/png"

    decided = await world.worker.client.post(
        f"/api/v1/assessment-objections/{objected.json()['id']}/decision",
        json={"decision": "uphold", "reason": "照片为另一天所摄"},
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["photos"] == [first, second]
    assert await _reads(world.worker, second) == 200  # still evidence of a decided objection


async def test_only_the_objector_and_the_deciding_staff_read_an_objections_photos(world, app):
    from accounts.models import Resident

    homes, url = await _published(world)
    picture = await photo(world.resident)
    objected = await world.resident.client.post(
        f"{url}/objections", json={"statement": "评分有误", "photos": [picture]}
    )
    assert objected.status_code == 201, objected.text
    housemate = await world.new_resident("o-housemate")
    await Resident.filter(id=housemate.id).update(household_id=homes.wang)
    c2_worker = await _c2_worker(world)

    # Another member reads the objection (the household's), not the objector's photos.
    (seen,) = await _objections(housemate, url)
    assert (seen["statement"], seen["photos"]) == ("评分有误", [])
    outsiders = {
        "another member of the household": housemate,
        "a neighbour of the community": homes.li_member,
        "a worker of another community": c2_worker,
        "a worker of another district": world.other_worker,
        "the platform's administrator (who does not decide)": world.admin,
    }
    answers = {name: await _reads(actor, picture) for name, actor in outsiders.items()}
    assert answers == dict.fromkeys(outsiders, 404)
    assert (await c2_worker.client.get(url)).status_code == 404
    async with console_client(app, "c2-worker", PASSWORD) as console:
        assert (await console.get(f"/console/oversight/photos/{picture}")).status_code == 404
    async with console_client(app, "c1-worker", PASSWORD) as console:
        assert (await console.get(f"/console/oversight/photos/{picture}")).status_code == 200


async def test_a_photo_the_objector_did_not_upload_is_refused_and_nothing_is_written(world):
    homes, url = await _published(world)
    own, neighbours = await photo(world.resident), await photo(homes.li_member)

    refused = await world.resident.client.post(
        f"{url}/objections", json={"statement": "评分有误", "photos": [own, neighbours]}
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "unknown_photo"
    assert refused.json()["detail"] == "照片须为您本人上传的图片。"
    assert refused.json()["errors"] == [{"field": "photos", "message": "没有这张照片"}]
    assert await _objections(world.worker, url) == []
    assert await _reads(world.worker, neighbours) == 404  # naming it gave nobody a way in

    # No objection waits: the household objects again, with its own photo.
    again = await world.resident.client.post(
        f"{url}/objections", json={"statement": "评分有误", "photos": [own]}
    )
    assert again.status_code == 201, again.text
    assert [o["photos"] for o in await _objections(world.worker, url)] == [[own]]


async def test_at_most_nine_photos_go_with_an_objection(world):
    _homes, url = await _published(world)
    pictures = [await photo(world.resident) for _ in range(10)]

    refused = await world.resident.client.post(
        f"{url}/objections", json={"statement": "评分有误", "photos": pictures}
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"] == [{"field": "photos", "message": "最多 9 项"}]
    assert await _objections(world.worker, url) == []

    taken = await world.resident.client.post(
        f"{url}/objections", json={"statement": "评分有误", "photos": pictures[:9]}
    )
    assert taken.status_code == 201, taken.text
    assert taken.json()["photos"] == pictures[:9]
