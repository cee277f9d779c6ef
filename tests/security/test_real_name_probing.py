"""Finding 10: `id_number_in_use` tells a resident that a number is registered. The answer
stays (a resident must learn why verification fails), but refusals are limited per resident
and audited, so nobody can walk a list of ID numbers through it."""

from __future__ import annotations

import logging

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(body: str) -> str:
    """A resident ID number with its check digit (GB 11643)."""
    total = sum(int(digit) * weight for digit, weight in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


async def _verify(actor, number: str):
    return await actor.client.post(
        "/api/v1/me/real-name", json={"name": "王小明", "id_number": number}
    )


async def test_probing_whose_id_numbers_are_registered_is_stopped_and_audited(world, caplog):
    from kernel.settings import get_settings

    limit = get_settings().real_name_failures_per_day
    registered = [id_number(f"1101051949123{n:04d}") for n in range(limit + 1)]
    for n, number in enumerate(registered):
        owner = await world.new_resident(f"o-owner-{n}")
        assert (await _verify(owner, number)).status_code == 200
    prober = await world.new_resident("o-prober")
    caplog.set_level(logging.INFO, logger="app.audit")
    answers = [await _verify(prober, number) for number in registered]
    assert [a.status_code for a in answers] == [409] * limit + [429]
    assert int(answers[-1].headers["retry-after"]) > 0
    # Stopped even for a number nobody holds: the limit is on the prober, not the number.
    assert (await _verify(prober, id_number("11010519500101001"))).status_code == 429
    refusals = [r for r in caplog.records if r.getMessage() == "real-name refused"]
    assert len(refusals) == limit
    assert {r.resident_id for r in refusals} == {prober.id}
    assert not any(
        number in r.getMessage() + str(r.__dict__) for r in refusals for number in registered
    )
    # Everyone else verifies as before.
    assert (await _verify(world.resident, id_number("11010519500101002"))).status_code == 200


async def test_typing_mistakes_within_the_limit_still_let_a_resident_verify(world):
    wrong_check_digit = id_number("11010519491231002")[:-1] + "0"
    assert (await _verify(world.resident, wrong_check_digit)).status_code == 422
    assert (await _verify(world.resident, id_number("11010519491231002"))).status_code == 200
