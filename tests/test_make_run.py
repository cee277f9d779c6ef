"""`make run` as a newcomer runs it: the demo serves on the port asked for, on SQLite or on a
PostgreSQL cluster of its own that stops with it, and every login it prints is in the README
and logs in."""

from __future__ import annotations

import json
import os
import pwd
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import BACKEND
from tests.postgres import find_pg_ctl

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _make_n(*args: str) -> str:
    return subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_make_run_takes_the_port_and_the_database():
    assert re.search(r"-m app dev --port 8124\b", _make_n("PORT=8124"))
    assert re.search(r"scripts/dev_postgres.py --port 8123\b", _make_n("PORT=8123", "DB=postgres"))
    assert re.search(r"-m app dev --port 8000\b", _make_n())


@pytest.fixture
def demo_folder() -> Iterator[Path]:
    """A folder the service (and, as root, PostgreSQL's `postgres` user) can write in."""
    folder = Path(tempfile.mkdtemp(prefix="civility-make-run-"))
    folder.chmod(0o755)
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def _start(folder: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "VAR_DIR": str(folder / "var"), "APP_ENV": "development"}
    env.pop("DATABASE_URL", None)
    env.pop("WECHAT_APPID", None)
    if BACKEND == "postgres":
        command = [sys.executable, "scripts/dev_postgres.py", "--port", str(port)]
        command += ["--data", str(folder / "postgres")]
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(folder, owner.pw_uid, owner.pw_gid)
    else:
        env["DATABASE_URL"] = f"sqlite://{folder / 'demo.sqlite3'}"
        command = [sys.executable, "-m", "app", "dev", "--port", str(port)]
    (folder / "var").mkdir(exist_ok=True)
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )


def _printed_logins(process: subprocess.Popen[str]) -> dict[str, object]:
    """The JSON block `make run` prints after 'The service runs at …'."""
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        if lines or line.startswith("{"):
            lines.append(line)
        if line.startswith("}"):
            return dict(json.loads("".join(lines)))
    raise AssertionError("the service stopped before printing its logins")


def _wait_until_served(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError("the service did not answer within a minute")


def test_the_demo_serves_and_every_printed_login_is_in_the_readme_and_logs_in(demo_folder):
    port = _free_port()
    process = _start(demo_folder, port)
    try:
        logins = _printed_logins(process)
        base = f"http://127.0.0.1:{port}"
        _wait_until_served(base)
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        staff = logins["staff_logins"]
        residents = logins["resident_logins"]
        assert isinstance(staff, dict) and isinstance(residents, list)
        assert len(staff) >= 6 and len(residents) >= 1
        for username, password in staff.items():
            assert f"`{username}`" in readme, f"the README does not list {username}"
            assert f"`{password}`" in readme
            answer = httpx.post(
                f"{base}/api/v1/auth/login", json={"username": username, "password": password}
            )
            assert answer.status_code == 200, (username, answer.text)
        for code in residents:
            answer = httpx.post(f"{base}/api/v1/auth/wechat", json={"code": code})
            assert answer.status_code == 200, (code, answer.text)
        assert f"`{residents[0]}`" in readme and f"`{residents[-1]}`" in readme
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    if BACKEND == "postgres":
        # The cluster stopped with the service: nothing is left running on the machine.
        command = [find_pg_ctl(), "status", "-D", str(demo_folder / "postgres" / "data")]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        status = subprocess.run(command, capture_output=True, cwd="/tmp")
        assert status.returncode == 3, status.stdout
