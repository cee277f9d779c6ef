"""`python -m app …`: migrate, create-admin, seed-demo, serve, scheduler, run-job, ledger verify,
dev."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from tortoise import Tortoise

from kernel import db
from kernel.logs import SERVE_LOGGING, setup_logging
from kernel.settings import Settings, get_settings

DEMO_PASSWORD = "demo-password-2026"


def _tortoise_config() -> dict[str, Any]:
    from app.domains import tortoise_config

    return tortoise_config(get_settings())


@contextlib.asynccontextmanager
async def database() -> AsyncIterator[None]:
    await Tortoise.init(config=_tortoise_config())
    try:
        yield
    finally:
        await Tortoise.close_connections()


async def migrate() -> None:
    from tortoise.migrations.api import migrate as apply_migrations

    try:
        await apply_migrations(config=_tortoise_config())
    finally:
        await Tortoise.close_connections()
    print("migrations applied")


async def pending_model_changes() -> list[str]:
    """Describes model changes that no migration holds yet (empty when they agree)."""
    from tortoise.migrations.autodetector import MigrationAutodetector

    config = _tortoise_config()
    async with database():
        detector = MigrationAutodetector(Tortoise.apps, config["apps"])
        writers = await detector.changes()
    return [op.describe() for writer in writers for op in writer.operations]


async def make_migrations() -> None:
    """For developers: writes a migration for the models' changes into migrations/."""
    from tortoise.migrations.autodetector import MigrationAutodetector

    config = _tortoise_config()
    async with database():
        written = await MigrationAutodetector(Tortoise.apps, config["apps"]).write()
    print("\n".join(written) or "no changes")


async def create_admin(username: str, password: str) -> None:
    import app.main  # noqa: F401  (loads every model)
    from accounts.staff import set_platform_admin

    async with database(), db.transaction():
        await set_platform_admin(username, password)
    print(f"platform admin `{username}` is ready")


async def seed_demo() -> dict[str, Any]:
    from app.demo import seed

    async with database():
        return await seed(DEMO_PASSWORD)


async def run_job(name: str) -> int:
    import app.main  # noqa: F401  (registers every job)
    from kernel.scheduler import run_job as run

    async with database():
        result = await run(name, trigger="manual")
    assert result is not None
    print(
        json.dumps(
            {
                "job": result.job,
                "status": result.status,
                "started_at": result.started_at.isoformat(),
                "finished_at": result.finished_at.isoformat() if result.finished_at else None,
                "stats": result.stats,
                "error": result.error,
            },
            ensure_ascii=False,
        )
    )
    return 0 if result.status == "succeeded" else 1


async def verify_ledger() -> int:
    import app.main  # noqa: F401  (loads every model)
    from credits.seal import verify

    async with database():
        result = await verify()
    print(
        f"{result.blocks} blocks, {result.transactions} sealed transactions checked; "
        f"{result.unsealed} transactions not sealed yet"
    )
    for problem in result.problems:
        print(f"BROKEN: {problem}")
    print("the ledger is intact" if result.intact else "the ledger is NOT intact")
    return 0 if result.intact else 1


async def scheduler_forever() -> None:
    import app.main  # noqa: F401
    from kernel.scheduler import build_scheduler

    async with database():
        scheduler = build_scheduler()
        scheduler.start()
        try:
            await asyncio.Event().wait()
        finally:
            scheduler.shutdown(wait=False)


def default_workers() -> int:
    """One worker per CPU in production (the event loop uses one core); one elsewhere."""
    return (os.cpu_count() or 1) if get_settings().app_env == "production" else 1


def pool_per_worker(settings: Settings, workers: int) -> int:
    """Each worker's pool: its share of `database_pool_total` when that is set."""
    if settings.database_pool_total:
        return max(2, settings.database_pool_total // workers)
    return settings.database_pool_size


SERVERS = ("granian", "uvicorn")


def serve(host: str, port: int, workers: int | None = None, server: str = "granian") -> None:
    """The service under granian (the default: faster in the measured rounds, every tested
    behaviour kept) or uvicorn (httptools, uvloop); docs/speed.md, "The HTTP server"."""
    import uvicorn

    workers = workers or default_workers()
    settings = get_settings()
    settings.database_pool_size = pool_per_worker(settings, workers)
    # Worker processes (N > 1) read their settings from the environment.
    os.environ["DATABASE_POOL_SIZE"] = str(settings.database_pool_size)
    # Each worker process sets up its own access log writer (`kernel.logs.ensure_logging`).
    os.environ[SERVE_LOGGING] = "1"
    # X-Forwarded-For is believed only from the proxies named in FORWARDED_ALLOW_IPS: the
    # client address is what login throttling counts, so it must not be forgeable.
    trusted = settings.forwarded_allow_ips
    if server == "granian":
        _serve_granian(host, port, workers, behind_proxies=bool(trusted))
        return
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
    )


def _serve_granian(host: str, port: int, workers: int, *, behind_proxies: bool) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        "app.main:create_app_behind_proxies" if behind_proxies else "app.main:create_app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
        # granian's own lines go to the service's JSON log (the root logger's writer).
        log_dictconfig={
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {},
            "handlers": {},
            "loggers": {
                "_granian": {"level": "INFO", "propagate": True},
                "granian.access": {"level": "WARNING", "propagate": True},
            },
        },
    ).serve()


def _run(coroutine: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(coroutine())  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply migrations to DATABASE_URL")
    commands.add_parser("makemigrations", help="(developers) write a migration for model changes")
    commands.add_parser("check-migrations", help="fail when models have changes no migration holds")
    admin = commands.add_parser("create-admin", help="create (or reset) a platform admin")
    admin.add_argument("--username", required=True)
    admin.add_argument("--password", required=True)
    commands.add_parser("seed-demo", help="a demo district with communities, staff, residents")
    for name, text in (("serve", "run the service"), ("dev", "migrate, seed the demo, serve")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)
        sub.add_argument(
            "--workers",
            type=int,
            default=None,
            help="worker processes (default: one per CPU in production, else one)",
        )
        sub.add_argument(
            "--server", choices=SERVERS, default=None, help="the HTTP server (HTTP_SERVER)"
        )
    commands.add_parser("scheduler", help="run only the scheduled jobs")
    job = commands.add_parser("run-job", help="run one scheduled job now; print its result")
    job.add_argument("name")
    ledger = commands.add_parser("ledger", help="the moral bank's ledger")
    ledger.add_argument("action", choices=["verify"], help="verify: check every sealed block")
    args = parser.parse_args(argv)
    setup_logging()

    if args.command == "migrate":
        _run(migrate)
    elif args.command == "makemigrations":
        _run(make_migrations)
    elif args.command == "check-migrations":
        changes = _run(pending_model_changes)
        if changes:
            print("models and migrations disagree:\n  " + "\n  ".join(changes))
            sys.exit(1)
        print("models and migrations agree")
    elif args.command == "create-admin":
        _run(lambda: create_admin(args.username, args.password))
    elif args.command == "seed-demo":
        print(json.dumps(_run(seed_demo), ensure_ascii=False, indent=2))
    elif args.command == "serve":
        serve(args.host, args.port, args.workers, args.server or get_settings().http_server)
    elif args.command == "dev":
        _run(migrate)
        logins = _run(seed_demo)
        print(f"\nThe service runs at http://{args.host}:{args.port}/  (console: /console/)")
        print(json.dumps(logins, ensure_ascii=False, indent=2), flush=True)
        serve(args.host, args.port, args.workers, args.server or get_settings().http_server)
    elif args.command == "scheduler":
        _run(scheduler_forever)
    elif args.command == "run-job":
        import app.main  # noqa: F401  (registers every job)
        from kernel.scheduler import JOBS

        if args.name not in JOBS:
            print(f"No job named `{args.name}`; jobs: {', '.join(sorted(JOBS))}", file=sys.stderr)
            sys.exit(2)
        sys.exit(_run(lambda: run_job(args.name)))
    elif args.command == "ledger":
        sys.exit(_run(verify_ledger))
