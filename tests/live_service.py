"""A real service process (`python -m app serve`) on a test database, for tests that must
kill it, restart it or talk to it over TCP."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveService:
    def __init__(self, database_url: str, var_dir: Path, log_path: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "VAR_DIR": str(var_dir),
            "APP_ENV": "test",
            "SCHEDULER_ENABLED": "false",
        }
        self.log_path = log_path
        self.args: list[str] = []  # more arguments of `serve` (e.g. `--workers 2`)
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, *, ready_within: float = 180.0) -> None:
        """Starts the process and waits until `/healthz` answers (the machine may be busy)."""
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "app",
                "serve",
                "--port",
                str(self.port),
                *self.args,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
                # Its own process group: the HTTP server's workers (granian forks one even for
                # one worker) are killed with it, as a container's processes are.
                start_new_session=True,
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ready_within
        async with httpx.AsyncClient(timeout=5) as client:
            while loop.time() < deadline:
                if self.process.returncode is not None:
                    raise RuntimeError(f"the service exited; see {self.log_path}")
                try:
                    if (await client.get(f"{self.base_url}/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError(f"the service did not start; see {self.log_path}")

    async def kill(self) -> None:
        """SIGKILL to the service and its workers: no shutdown, no cleanup, as when the machine
        loses the process (a worker left behind would go on answering on the port)."""
        assert self.process is not None
        self._kill_group()
        await self.process.wait()

    def _kill_group(self) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):  # none of them is left
            os.killpg(self.process.pid, signal.SIGKILL)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), timeout=30)
            except TimeoutError:
                await self.kill()
        if self.process is not None:
            self._kill_group()  # a worker that outlived an orderly stop
