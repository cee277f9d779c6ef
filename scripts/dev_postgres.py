"""`make run DB=postgres`: the demo service on a PostgreSQL cluster of its own, kept under
`var/postgres/` between runs (started from the installed server binaries, as the tests do)."""

from __future__ import annotations

import argparse
import os
import pwd
import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.postgres import find_pg_ctl  # noqa: E402  (the binaries are found as the tests find them)

DATABASE = "civility"


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_cluster(base: Path) -> tuple[str, int]:
    """Initialises the cluster on first use, starts it, and creates the database once."""
    pg_ctl = find_pg_ctl()
    data = base / "data"
    base.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(base, owner.pw_uid, owner.pw_gid)
    if not data.is_dir():
        subprocess.run(
            _as_postgres([pg_ctl, "initdb", "-D", str(data), "-o", "-U postgres --auth=trust"]),
            check=True,
            capture_output=True,
            cwd="/tmp",
        )
    port = _free_port()
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1"
    subprocess.run(
        _as_postgres(
            [pg_ctl, "start", "-D", str(data), "-w", "-l", str(base / "pg.log"), "-o", options]
        ),
        check=True,
        capture_output=True,
        cwd="/tmp",
    )
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f"CREATE DATABASE {DATABASE}")
    return pg_ctl, port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--data", type=Path, default=ROOT / "var" / "postgres", help="cluster's folder"
    )
    args = parser.parse_args()
    base = args.data.resolve()
    # Stopped by a signal (make's Ctrl-C, a terminal closed, `kill`): the cluster stops too.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, signal.default_int_handler)
    pg_ctl, pg_port = start_cluster(base)
    print(f"PostgreSQL runs on 127.0.0.1:{pg_port} (data in {base})", flush=True)
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/{DATABASE}"}
    try:
        command = [sys.executable, "-m", "app", "dev", "--host", args.host]
        command += ["--port", str(args.port)]
        return subprocess.run(command, env=env, cwd=ROOT).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "stop", "-D", str(base / "data"), "-m", "fast", "-w"]),
            capture_output=True,
            cwd="/tmp",
        )


if __name__ == "__main__":
    sys.exit(main())
