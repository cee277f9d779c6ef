"""A router that looks only at the routes that can match a path.

Starlette's router tries every route in order, each with its regular expression: with some 140
routes, a request for a path near the end of the list paid ~80 failed matches before its own
(a quarter of a millisecond on a busy core). `IndexedRouter` finds the candidates first — the
routes without parameters whose path is the request's, and the routes whose literal part (up to
the first `{`) starts the request's path — and tries those, in the order they were declared, as
Starlette would. Nothing else can match: a route's pattern is anchored and its literal part is
matched as written. When no candidate matches (a 404, or a trailing-slash redirect), Starlette's
own scan decides, so those answers are Starlette's."""

from __future__ import annotations

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send


def _literal_prefix(route: BaseRoute) -> tuple[str | None, str]:
    """(the exact path, or None) and the literal prefix every path the route matches starts
    with ("" when unknown: always a candidate)."""
    if isinstance(route, Route):
        head, brace, _tail = route.path.partition("{")
        return (None if brace else route.path), head
    if isinstance(route, Mount):
        return None, route.path.rstrip("/") + "/"
    return None, ""


class IndexedRouter(Router):
    _indexed: int = -1
    _exact: dict[str, list[int]]
    # The routes with parameters, by their literal prefix up to its last "/": a path's
    # candidates among them are in the groups of the path's own prefixes ending in "/".
    _prefixed: dict[str, list[tuple[str, int]]]

    def _index(self) -> None:
        self._exact, self._prefixed = {}, {}
        for position, route in enumerate(self.routes):
            exact, prefix = _literal_prefix(route)
            if exact is not None:
                self._exact.setdefault(exact, []).append(position)
            else:
                group = prefix[: prefix.rfind("/") + 1]
                self._prefixed.setdefault(group, []).append((prefix, position))
        self._indexed = len(self.routes)

    def candidates(self, path: str) -> list[BaseRoute]:
        """The routes that may match `path`, in their declared order."""
        if self._indexed != len(self.routes):
            self._index()
        found = list(self._exact.get(path, ()))
        groups, slash = self._prefixed, -1
        while True:
            group = groups.get(path[: slash + 1])
            if group is not None:
                found.extend(position for prefix, position in group if path.startswith(prefix))
            slash = path.find("/", slash + 1)
            if slash < 0:
                break
        found.sort()
        return [self.routes[position] for position in found]

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().app(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = self
        partial = None
        partial_scope: Scope = {}
        for route in self.candidates(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:  # e.g. the path's route, another method: 405
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        await super().app(scope, receive, send)  # no match: Starlette's redirect or 404
