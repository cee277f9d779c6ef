"""Finding 10 of issue 19: `/credentials/status/70368744177664` (2**46, public) overflowed the
database's integers (a 500 on SQLite and PostgreSQL). A path integer outside its route's real
range names nothing: 404, on every route whose ids are integers."""

from __future__ import annotations

import pytest

INT64_MAX = 2**63 - 1
# A list holds 2**17 awards; the last list whose awards' ids all fit in int64.
LAST_STATUS_LIST = INT64_MAX // 2**17 - 1  # 2**46 - 2
EDGES = (
    str(2**46),
    str(INT64_MAX),
    str(INT64_MAX + 1),
    str(-(2**63) - 1),
    "-1",
    "99999999999999999999999999",
    "%D9%A3",  # an Arabic-Indic three: a digit to str.isdigit, not an id
)
# Every route taking a 64-bit serial in its path (the others take ULIDs or codes).
INTEGER_ROUTES = (
    ("GET", "/api/v1/credits/transactions/{}", None),
    ("POST", "/api/v1/credits/transactions/{}/reverse", {"reason": "核对有误"}),
    ("POST", "/api/v1/badge-awards/{}/revoke", {"reason": "核对有误"}),
    ("POST", "/api/v1/me/notifications/{}/read", None),
    ("GET", "/api/v1/honour-rolls/{}", None),
    ("POST", "/api/v1/honour-rolls/1/lines/{}/remove", {"reason": "核对有误"}),
    ("GET", "/api/v1/oversight/lists/{}", None),
    ("POST", "/api/v1/oversight/list-entries/{}/objections", {"statement": "我们已整改完毕"}),
    ("GET", "/api/v1/oversight/inspections/{}", None),
)


@pytest.mark.parametrize("number", [2**46, LAST_STATUS_LIST + 1, INT64_MAX])
async def test_a_status_list_past_the_last_one_an_award_can_fall_in_is_a_404(client, number):
    answer = await client.get(f"/credentials/status/{number}")
    assert answer.status_code == 404, answer.text
    assert answer.json()["code"] == "credential_not_found"


async def test_the_last_status_list_an_award_can_fall_in_is_served(client):
    answer = await client.get(f"/credentials/status/{LAST_STATUS_LIST}")
    assert answer.status_code == 200, answer.text


async def test_integer_ids_at_the_edges_of_int64_name_nothing(world):
    for who in (world.admin, world.district_admin, world.resident):
        for method, path, body in INTEGER_ROUTES:
            for value in EDGES:
                answer = await who.client.request(method, path.format(value), json=body)
                assert answer.status_code in (403, 404), (who.role, path, value, answer.text)
                assert answer.headers["content-type"] == "application/problem+json"
