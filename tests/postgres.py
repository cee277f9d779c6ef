"""A throwaway PostgreSQL cluster for the test suite, or the one TEST_DATABASE_URL names.

pytest-postgresql's executor runs `pg_ctl`; PostgreSQL refuses to run as root, so as root
the cluster lives in a directory the `postgres` user owns and `pg_ctl` runs as that user."""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import socket
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from pytest_postgresql.executors.proc import PostgreSQLExecutor


class PostgresMissing(RuntimeError):
    pass


def find_pg_ctl() -> str:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version, reverse=True)
    found = candidates[0] if candidates else shutil.which("pg_ctl")
    if not found:
        raise PostgresMissing(
            "PostgreSQL's server binaries were not found (looked in /usr/lib/postgresql/*/bin "
            "and on PATH). Install them (Debian: apt-get install postgresql) or set "
            "TEST_DATABASE_URL to a PostgreSQL database the tests may use."
        )
    return found


def _version(path: str) -> float:
    try:
        return float(Path(path).parts[-3])
    except ValueError:
        return 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    host: str
    port: int
    user: str
    password: str | None
    executor: PostgreSQLExecutor | None = None
    base: Path | None = None

    def url(self, dbname: str) -> str:
        auth = self.user if self.password is None else f"{self.user}:{self.password}"
        return f"postgres://{auth}@{self.host}:{self.port}/{dbname}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname="postgres",
            autocommit=True,
        )

    def create_database(self, name: str, template: str | None = None) -> None:
        with self.admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if template:
                statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
            conn.execute(statement)

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def stop_server(self) -> list[str]:
        """Stops PostgreSQL (fast: sessions are ended); returns what `start_server` needs."""
        assert self.executor is not None, "only a cluster the tests started can be restarted"
        datadir = Path(self.executor.datadir)
        options = shlex.split((datadir / "postmaster.opts").read_text())[1:]
        subprocess.run(
            [self.executor.executable, "stop", "-D", str(datadir), "-m", "fast", "-w"],
            check=True,
            capture_output=True,
        )
        return options

    def start_server(self, options: list[str]) -> None:
        assert self.executor is not None
        datadir = str(self.executor.datadir)
        kept = [o for i, o in enumerate(options) if o != "-D" and options[i - 1 : i] != ["-D"]]
        subprocess.run(
            [
                self.executor.executable,
                "start",
                "-D",
                datadir,
                "-w",
                "-l",
                str(self.executor.logfile),
                "-o",
                shlex.join(kept),
            ],
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        if self.executor is not None:
            self.executor.stop()
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)


def start_cluster() -> Cluster:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        return Cluster(
            parts.hostname or "127.0.0.1",
            parts.port or 5432,
            parts.username or "postgres",
            parts.password,
        )
    pg_ctl = find_pg_ctl()
    base = Path(tempfile.mkdtemp(prefix="civility-pg-"))
    executable = pg_ctl
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(base, owner.pw_uid, owner.pw_gid)
        shim = base / "pg_ctl-as-postgres"
        shim.write_text(f'#!/bin/sh\ncd /tmp && exec runuser -u postgres -- "{pg_ctl}" "$@"\n')
        shim.chmod(stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        executable = str(shim)
    port = _free_port()
    executor = PostgreSQLExecutor(
        executable=executable,
        host="127.0.0.1",
        port=port,
        datadir=str(base / "data"),
        unixsocketdir=str(base),
        logfile=str(base / "postgres.log"),
        startparams="-w",
        dbname="postgres",
        user="postgres",
        postgres_options=(
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        ),
    )
    executor.start()
    executor.wait_for_postgres()
    return Cluster("127.0.0.1", port, "postgres", None, executor, base)
