"""The console's routes, mounted at /console: server-rendered pages over the domains'
services, a session cookie, static assets served locally (no CDN)."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

import console.jobs  # noqa: F401  (registers console-dashboards)
from console import auth
from console.pages import (
    admin,
    campaigns,
    dashboard,
    exports,
    home,
    jobs,
    oversight,
    oversight_routes,
    quiz,
    review,
    sessions,
    worker,
)
from console.scope import ADMINS, RUNS_ACTIVITIES
from console.web import Handler, page
from kernel.auth import Role

STATIC = Path(__file__).parent / "static"
GET, POST = ["GET"], ["POST"]


def _get(path: str, handler: Handler, roles: tuple[Role, ...] | None = None) -> Route:
    return Route(path, page(handler, roles=roles) if roles else page(handler), methods=GET)


def _post(path: str, handler: Handler, roles: tuple[Role, ...] | None = None) -> Route:
    return Route(path, page(handler, roles=roles) if roles else page(handler), methods=POST)


routes: list[BaseRoute] = [
    Route("/login", auth.login_form, methods=GET),
    Route("/login", auth.login, methods=POST),
    Route("/logout", auth.logout, methods=POST),
    _get("/", home.home, oversight.EVERYONE),
    _get("/sessions", sessions.sessions_page, oversight.EVERYONE),
    _post("/sessions/end-others", sessions.end_others, oversight.EVERYONE),
    _post("/sessions/{id}/end", sessions.end_one, oversight.EVERYONE),
    _get("/activities", worker.activity_list),
    _get("/activities/new", worker.new_activity, RUNS_ACTIVITIES),
    _post("/activities/new", worker.create_activity, RUNS_ACTIVITIES),
    _get("/activities/{id}", worker.activity_detail),
    _get("/activities/{id}/edit", worker.edit_activity, RUNS_ACTIVITIES),
    _post("/activities/{id}/edit", worker.update_activity, RUNS_ACTIVITIES),
    _post("/activities/{id}/cancel", worker.cancel_activity, RUNS_ACTIVITIES),
    _post("/activities/{id}/backfill", worker.backfill, RUNS_ACTIVITIES),
    _get("/activities/{id}/checkin", worker.checkin_screen, RUNS_ACTIVITIES),
    _post("/activities/{id}/checkin", worker.open_checkin_screen, RUNS_ACTIVITIES),
    # The check-in screen's own credential (a cookie of that path only), not the session's.
    Route("/screen/{id}", worker.screen_page, methods=GET),
    Route("/screen/{id}/code", worker.screen_code, methods=GET),
    _post("/attendances/{id}/verify", worker.verify, RUNS_ACTIVITIES),
    _get("/uploads/{id}", review.upload),
    _get("/deeds", review.deed_queue),
    _post("/deeds/{id}/review", review.review, RUNS_ACTIVITIES),
    _get("/deeds/attest", review.attest_form, RUNS_ACTIVITIES),
    _post("/deeds/attest", review.attest, RUNS_ACTIVITIES),
    _get("/corrections", review.corrections),
    _post("/corrections/{id}/decide", review.decide_correction, RUNS_ACTIVITIES),
    _get("/handover", review.handover_form, RUNS_ACTIVITIES),
    _post("/handover", review.handover, RUNS_ACTIVITIES),
    _get("/dashboard", dashboard.dashboard),
    _get("/exports", exports.exports_page),
    _get("/exports/{kind}", exports.download),
    _get("/settings", admin.settings, ADMINS),
    _post("/settings", admin.change_settings, ADMINS),
    _post("/settings/scheduled/{id}/cancel", admin.cancel_scheduled, ADMINS),
    _get("/staff", admin.staff_page, ADMINS),
    _post("/staff", admin.add_staff, ADMINS),
    _post("/staff/communities", admin.add_community, ADMINS),
    _post("/staff/{id}/{action}", admin.staff_action, ADMINS),
    _get("/rewards", admin.rewards_page, RUNS_ACTIVITIES),
    _post("/rewards", admin.create_reward, RUNS_ACTIVITIES),
    _post("/rewards/{id}/{action}", admin.reward_action, RUNS_ACTIVITIES),
    _get("/badges", admin.badges_page, ADMINS),
    _post("/badges", admin.create_badge, ("district_admin",)),
    _get("/honour-roll", admin.honour_roll_page, ADMINS),
    _post("/honour-roll/{action}", admin.honour_roll_action, ("district_admin",)),
    _get("/jobs", jobs.jobs_page, ADMINS),
    _post("/jobs/{name}/run", jobs.run_job_now, ADMINS),
    *oversight_routes.routes,
    *quiz.routes,
    *campaigns.routes,
    Mount("/static", StaticFiles(directory=STATIC), name="console_static"),
]
