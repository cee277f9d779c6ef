"""The console's start page, by who signs in: a unit's staff their unit, an evaluator their
inspections, staff the worker's day."""

from __future__ import annotations

from starlette.responses import Response

from console.pages import worker
from console.web import Ctx, redirect


async def home(ctx: Ctx) -> Response:
    if ctx.who.role == "unit_staff":
        return redirect("/console/oversight/my-unit")
    if ctx.who.role == "evaluator":
        return redirect("/console/oversight/inspections")
    return await worker.home(ctx)
