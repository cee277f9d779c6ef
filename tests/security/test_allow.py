"""OPTIONS and a 405 name every method of a path, however many endpoints declare them."""

from __future__ import annotations

import re


async def test_options_lists_every_method_of_a_path(world):
    answer = await world.worker.client.options("/api/v1/rewards")
    assert answer.status_code == 204
    assert answer.headers["allow"] == "GET, HEAD, OPTIONS, POST"


async def test_a_wrong_method_is_a_405_naming_every_method_of_the_path(world):
    answer = await world.worker.client.put("/api/v1/rewards/01m8m8atc6dp3aq82basfc93k9")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD, OPTIONS, PATCH"
    assert answer.json()["code"] == "method_not_allowed"


async def test_every_path_of_the_document_answers_options_with_its_methods(world):
    document = (await world.admin.client.get("/openapi.json")).json()
    for path, operations in document["paths"].items():
        declared = {method.upper() for method in operations if method != "parameters"}
        answer = await world.admin.client.options(re.sub(r"{\w+}", "1", path))
        assert answer.status_code == 204, path
        allowed = set(answer.headers["allow"].split(", "))
        assert allowed - {"HEAD", "OPTIONS"} == declared, path
