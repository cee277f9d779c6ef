"""The indexed router picks, for every path and method, the route Starlette's scan of every
route would: the candidates it tries are those that can match, in declared order."""

from __future__ import annotations

import re

from starlette.routing import Match, Mount, Route

METHODS = ("GET", "POST", "PATCH", "DELETE", "OPTIONS", "HEAD", "PUT")


def _linear(routes, scope):
    partial = None
    for route in routes:
        match, _child = route.matches(scope)
        if match is Match.FULL:
            return route, "full"
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial, "partial" if partial is not None else "none"


def _indexed(router, scope):
    partial = None
    for route in router.candidates(scope["path"]):
        match, _child = route.matches(scope)
        if match is Match.FULL:
            return route, "full"
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial, "partial" if partial is not None else "none"


def _sample_paths(routes):
    paths = {"/", "/no/such/path", "/api/v1", "/api/v1/", "/console", "/healthz/", "/api/v1/me/"}
    for route in routes:
        if isinstance(route, Mount):
            paths |= {route.path, route.path + "/", route.path + "/login", route.path + "/x/y"}
            continue
        assert isinstance(route, Route)
        for value in ("1", "x1", "01kbz3example0000000000000", "bench-3"):
            path = re.sub(r"{\w+(:\w+)?}", value, route.path)
            paths |= {path, path + "/", path + "/extra", path.rstrip("/") + "x"}
    return sorted(paths)


def test_every_path_and_method_finds_the_route_starlettes_scan_finds(app):
    router = app.router
    routes = router.routes
    assert len(routes) > 100
    checked = 0
    for path in _sample_paths(routes):
        for method in METHODS:
            scope = {"type": "http", "path": path, "method": method, "root_path": ""}
            assert _indexed(router, scope) == _linear(routes, scope), (method, path)
            checked += 1
    assert checked > 1000


async def test_a_wrong_method_is_405_and_an_unknown_path_404_as_before(client):
    wrong = await client.put("/api/v1/me/summary")
    assert wrong.status_code == 405 and "GET" in wrong.headers["allow"]
    assert (await client.get("/api/v1/no-such-thing")).status_code == 404
    assert (await client.get("/healthz")).status_code == 200
