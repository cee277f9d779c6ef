"""The whole request, measured: the service (`python -m app serve`, uvicorn) beside a bare
Starlette + asyncpg app doing one query, on the same PostgreSQL database, driven by `wrk`.

    .venv/bin/python bench/http.py                       # 1,000,000 residents, 5 s x 2 rounds
    .venv/bin/python bench/http.py --residents 20000     # quicker
    .venv/bin/python bench/http.py --seconds 12 --rounds 3 --write docs/benchmarks.md

Starts a throwaway PostgreSQL cluster (unless `--database-url`), migrates, generates residents
and their ledger history with the badge benchmark's generator, adds activities, a district
administrator per district and the honour rolls; then, per client count, alternates the
service and the reference for every path, `--rounds` times, and prints medians: req/s, p50,
p99, errors, the share of the reference, and each worker's peak RSS."""

from __future__ import annotations

import sys

# Run as a script, this file's directory comes first on sys.path, where this `http.py` would
# hide the standard library's `http` package: the project root takes its place.
sys.path.insert(0, sys.path.pop(0).removesuffix("/bench"))

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LUA = ROOT / "bench" / "http.lua"
CLIENTS = (1, 16, 64, 128)
DISTRICTS = 10  # bench/badges.py's generator makes ten
CENTRE = (30.2741, 120.1551)
MARK_START, MARK_END = "<!-- http-bench:start -->", "<!-- http-bench:end -->"


@dataclass(frozen=True)
class Path_:
    name: str
    label: str
    mode: str  # the service's wrk mode
    reference: str  # the reference's wrk mode
    reference_label: str
    data: str  # which data file


PATHS = (
    Path_("flow", "check-in flow (enrol, check in, check out)", "flow", "insert",
          "one INSERT", "flow"),
    Path_("summary", "`GET /api/v1/me/summary`", "summary", "select", "one SELECT", "readers"),
    Path_("activities", "`GET /api/v1/activities`", "activities", "select", "one SELECT",
          "readers"),
    Path_("honour", "`GET /api/v1/districts/{code}/honour-roll`", "honour", "select",
          "one SELECT", "honour"),
    Path_("adjust", "`POST /api/v1/credits/adjustments` (+1, fresh `Idempotency-Key`)",
          "adjust", "insert", "one INSERT", "adjust"),
)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _district_id(d: int) -> str:
    return f"{d:x}".rjust(26, "0")


def _resident_id(n: int) -> str:
    return "r" + f"{n:x}".rjust(25, "0")


def _district_of(n: int) -> int:
    return 1 + n % DISTRICTS


# --- the data ---------------------------------------------------------------------------------


async def prepare(url: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """Migrates and generates; returns what the clients need (ids; tokens are minted after)."""
    from tortoise import Tortoise, connections
    from tortoise.migrations.api import migrate

    import app.main  # noqa: F401  (every model and job)
    from app.accounts.models import District
    from app.accounts.schemas import DistrictRulesPatch
    from app.accounts.service import change_rules, create_community
    from app.core.auth import Principal
    from app.core.db import tortoise_config, transaction
    from app.core.scheduler import run_job
    from app.core.settings import Settings, configure
    from bench.badges import _generate_statements

    settings = configure(Settings(app_env="test", database_url=url, scheduler_enabled=False))
    config = tortoise_config(settings)
    await migrate(config=config)
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    client = connections.get("default")
    started = time.perf_counter()
    for statement in _generate_statements(args.residents, args.residents * 10):
        await client.execute_script(statement)
        what = " ".join(statement.split()[:3])
        _progress(f"{time.perf_counter() - started:.0f}s generated: {what}")
    system = Principal(kind="staff", id="bench", role="platform_admin")
    now = datetime.now(UTC)
    activities: dict[int, list[str]] = {}
    admins: dict[int, str] = {}
    async with transaction():
        for d in range(1, DISTRICTS + 1):
            district = await District.get(id=_district_id(d))
            await change_rules(
                district,
                DistrictRulesPatch(
                    moral_bank_enabled=True, effective_from=now - timedelta(days=400)
                ),
                by=system,
            )
            community = await create_community(district, code="c", name="压测社区")
            ids = []
            for a in range(args.activities):
                activity_id = f"bench{d:03d}{a:05d}".ljust(26, "0")
                await client.execute_query(
                    "INSERT INTO activity (id, district_id, community_id, action, title, "
                    "description, starts_at, ends_at, capacity, enrolled_count, lat, lng, "
                    "radius_m, address, status, created_by, created_at, updated_at) VALUES "
                    "($1, $2, $3, 'volunteering', $4, '', $5, $6, 1000000, 0, $7, $8, 500, '', "
                    "'published', 'bench', $5, $5)",
                    [activity_id, district.id, community.id, f"压测活动 {d}-{a}",
                     now - timedelta(hours=1), now + timedelta(days=1), *CENTRE],
                )  # fmt: skip
                ids.append(activity_id)
            activities[d] = ids
            admin_id = f"benchadmin{d:02d}".ljust(26, "0")
            await client.execute_query(
                "INSERT INTO staff (id, username, password_hash, role, display_name, "
                "district_id, is_active, created_at) VALUES ($1, $2, '!', 'district_admin', "
                "'压测管理员', $3, true, now())",
                [admin_id, f"bench-admin-{d}", district.id],
            )
            admins[d] = admin_id
        await client.execute_script(
            "CREATE TABLE bench_reference (id bigserial PRIMARY KEY, resident_id text NOT NULL, "
            "payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        )
    run = await run_job("honour-roll")
    assert run is not None and run.status == "succeeded", run and run.error
    await client.execute_script("ANALYZE")
    await Tortoise.close_connections()
    _progress(f"{time.perf_counter() - started:.0f}s data ready")
    return {"activities": activities, "admins": admins}


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def mint(env: dict[str, str], layout: dict[str, Any], args: argparse.Namespace, work: Path) -> int:
    """Writes the wrk data files; returns how many check-in flows the flow file holds."""
    from app.core.auth import issue_access_token
    from app.core.settings import Settings, configure

    configure(Settings(**_settings_kwargs(env)))
    residents: int = args.residents
    # Readers: residents spread over the whole range (the generator makes the low numbers
    # the most active, so this spans heavy and light histories).
    readers = [1 + (i * 7919) % residents for i in range(min(residents, 4000))]
    with (work / "readers.tsv").open("w") as out, (work / "honour.tsv").open("w") as honour:
        for n in readers:
            token, _ = issue_access_token(f"resident:{_resident_id(n)}", "resident")
            out.write(f"{token}\t{_resident_id(n)}\n")
            honour.write(f"{token}\t{_resident_id(n)}\tbench-{_district_of(n)}\n")
    admin_tokens = {
        d: issue_access_token(f"staff:{staff_id}", "district_admin")[0]
        for d, staff_id in layout["admins"].items()
    }
    with (work / "adjust.tsv").open("w") as out:
        for n in readers:
            out.write(f"{admin_tokens[_district_of(n)]}\t{_resident_id(n)}\n")
    # The flow: each resident once (an attendance may not overlap another).
    flows = min(residents, int(args.flows))
    with (work / "flow-residents.tsv").open("w") as out:
        for i in range(flows):
            n = residents - i  # the least active end of the range
            d = _district_of(n)
            activity = layout["activities"][d][i % len(layout["activities"][d])]
            token, _ = issue_access_token(f"resident:{_resident_id(n)}", "resident")
            # Positions spread within the geofence, so no two share a spot.
            lat = CENTRE[0] + (i % 997) * 1e-6 * 2
            lng = CENTRE[1] + (i // 997 % 997) * 1e-6 * 2
            out.write(f"{token}\t{_resident_id(n)}\t{activity}\t{lat:.6f}\t{lng:.6f}\n")
    return flows


def write_flow_codes(env: dict[str, str], work: Path) -> None:
    """The check-in codes rotate: each run gets the codes the workers' screens show now."""
    from activities.checkin import issue_checkin_token
    from app.core.settings import Settings, configure

    configure(Settings(**_settings_kwargs(env)))
    codes: dict[str, str] = {}
    with (work / "flow-residents.tsv").open() as source, (work / "flow.tsv").open("w") as out:
        for line in source:
            token, resident, activity, lat, lng = line.rstrip("\n").split("\t")
            if activity not in codes:
                codes[activity] = issue_checkin_token(activity)[0]
            out.write(f"{token}\t{resident}\t{activity}\t{codes[activity]}\t{lat}\t{lng}\n")


# --- the servers ------------------------------------------------------------------------------


def _settings_kwargs(env: dict[str, str]) -> dict[str, Any]:
    return {
        "app_env": "production",
        "database_url": env["DATABASE_URL"],
        "signing_keys": json.loads(env["SIGNING_KEYS"]),
        "field_encryption_key": env["FIELD_ENCRYPTION_KEY"],
        "lookup_hash_key": env["LOOKUP_HASH_KEY"],
        "wechat_appid": env["WECHAT_APPID"],
        "wechat_secret": env["WECHAT_SECRET"],
        "access_token_seconds": int(env["ACCESS_TOKEN_SECONDS"]),
        "scheduler_enabled": False,
    }


def service_env(url: str, args: argparse.Namespace) -> dict[str, str]:
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.core.keys import SigningKey

    env = {
        **os.environ,
        "APP_ENV": "production",
        "DATABASE_URL": url,
        "SIGNING_KEYS": json.dumps([SigningKey(Ed25519PrivateKey.generate()).to_pem()]),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "LOOKUP_HASH_KEY": Fernet.generate_key().decode(),
        "WECHAT_APPID": "bench",
        "WECHAT_SECRET": secrets.token_hex(8),
        "ACCESS_TOKEN_SECONDS": "86400",
        "SCHEDULER_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
    }
    if args.pool_size:
        env["DATABASE_POOL_SIZE"] = str(args.pool_size)
    return env


class Server:
    def __init__(self, name: str, command: list[str], env: dict[str, str], port: int) -> None:
        self.name, self.port = name, port
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (kept until the server stops)
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log,
            start_new_session=True,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return
            except OSError:
                try:
                    with urllib.request.urlopen(self.url + "/select?id=x", timeout=1):
                        return
                except OSError:
                    time.sleep(0.3)
        self.log.seek(0)
        raise RuntimeError(f"{name} did not start:\n{self.log.read().decode()[-3000:]}")

    def pids(self) -> list[int]:
        """The uvicorn process and its workers (children), where it has any."""
        found = [self.process.pid]
        for pid in list(found):
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            found.extend(int(c) for c in children)
        workers = found[1:] if len(found) > 1 else found
        return [p for p in workers if "python" in _cmdline(p) or "uvicorn" in _cmdline(p)]

    def peak_rss_mb(self) -> float:
        """The largest peak resident set (VmHWM) among the workers."""
        peaks = []
        for pid in self.pids():
            status = Path(f"/proc/{pid}/status").read_text()
            found = re.search(r"VmHWM:\s+(\d+) kB", status)
            if found:
                peaks.append(int(found.group(1)) / 1024)
        return max(peaks, default=0.0)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def start_service(env: dict[str, str], workers: int) -> Server:
    port = _free_port()
    command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    return Server("service", command, env, port)


def start_reference(env: dict[str, str], workers: int) -> Server:
    port = _free_port()
    command = [
        sys.executable, "-m", "uvicorn", "bench.reference_app:app", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level",
        "warning",
    ]  # fmt: skip
    return Server("reference", command, env, port)


# --- wrk ------------------------------------------------------------------------------------


@dataclass
class Point:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def run_wrk(server: Server, mode: str, data: Path, first: int, clients: int, seconds: float,
            threads: int) -> Point:  # fmt: skip
    command = [
        "wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds:g}s", "--timeout", "10s",
        "-s", str(LUA), server.url, "--", mode, str(data), str(first), secrets.token_hex(4),
        str(threads), str(2 * clients + 8),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    line = next(x for x in done.stdout.splitlines() if x.startswith('{"requests"'))
    found = json.loads(line)
    errors = sum(found[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Point(
        rps=found["requests"] / (found["duration_us"] / 1e6),
        p50_ms=found["p50_us"] / 1000,
        p99_ms=found["p99_us"] / 1000,
        errors=errors,
        requests=found["requests"],
    )


# --- the report -----------------------------------------------------------------------------


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.findall(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[0])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, IndexError):
        pass
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs ({model}){memory}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def _fmt_range(values: list[float], fmt: str) -> str:
    return format(median(values), fmt)


def report_table(results: dict[tuple[str, int], dict[str, list[Point]]]) -> str:
    lines = [
        "| path | reference | clients | service req/s | reference req/s | share | "
        "service p50 | service p99 | reference p99 | errors (service/reference) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for path in PATHS:
        first = True
        for (name, clients), runs in results.items():
            if name != path.name:
                continue
            service, reference = runs["service"], runs["reference"]
            share = median(s.rps / r.rps for s, r in zip(service, reference, strict=True))
            lines.append(
                f"| {path.label if first else ''} | {path.reference_label if first else ''} "
                f"| {clients} | {median(p.rps for p in service):,.0f} "
                f"| {median(p.rps for p in reference):,.0f} | {share:.0%} "
                f"| {median(p.p50_ms for p in service):.1f} ms "
                f"| {median(p.p99_ms for p in service):.1f} ms "
                f"| {median(p.p99_ms for p in reference):.1f} ms "
                f"| {sum(p.errors for p in service)}/{sum(p.errors for p in reference)} |"
            )
            first = False
    return "\n".join(lines)


def _write(path: Path, report: str) -> None:
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{MARK_START}\n{report}\n{MARK_END}"
    if MARK_START in text:
        text = re.sub(
            re.escape(MARK_START) + ".*?" + re.escape(MARK_END), lambda _: block, text, flags=re.S
        )
    else:
        text = text.rstrip() + f"\n\n## The whole request (`bench/http.py`)\n\n{block}\n"
    path.write_text(text)


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=50, help="per district")
    parser.add_argument("--seconds", type=float, default=5.0, help="per point")
    parser.add_argument("--rounds", type=int, default=2, help="alternations per point")
    parser.add_argument("--clients", default=",".join(map(str, CLIENTS)))
    parser.add_argument("--paths", default=",".join(p.name for p in PATHS))
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers on each side")
    parser.add_argument("--pool-size", type=int, default=0, help="DATABASE_POOL_SIZE per worker")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--flows", type=int, default=60_000, help="residents for the check-in flow")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--hold", action="store_true", help="keep serving after setup (profiling)")
    parser.add_argument("--write", type=Path, help="put the table into this Markdown file")
    args = parser.parse_args()
    if args.seconds > 50:
        parser.error("--seconds must stay under the check-in code's minute")
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    clients = [int(c) for c in args.clients.split(",")]
    paths = [p for p in PATHS if p.name in args.paths.split(",")]

    cluster = None
    url = args.database_url
    if not url:
        from tests.postgres import start_cluster

        cluster = start_cluster()
        cluster.create_database("http_bench")
        url = cluster.url("http_bench")
    servers: list[Server] = []
    work = Path(tempfile.mkdtemp(prefix="http-bench-"))
    try:
        env = service_env(url, args)
        layout = asyncio.run(prepare(url, env, args))
        flows = mint(env, layout, args, work)
        service = start_service(env, args.workers)
        servers.append(service)
        reference = start_reference(env, args.workers)
        servers.append(reference)
        if args.hold:
            write_flow_codes(env, work)
            print(json.dumps({"service": service.url, "reference": reference.url,
                              "data": str(work), "pids": service.pids()}), flush=True)  # fmt: skip
            stop = {signal.SIGINT, signal.SIGTERM}
            signal.pthread_sigmask(signal.SIG_BLOCK, stop)
            signal.sigwait(stop)
            return
        cursor = {"service": 0, "reference": 0}  # next unused flow resident per side

        def measure(server: Server, path: Path_, n: int) -> Point:
            side = server.name
            mode = path.mode if side == "service" else path.reference
            if path.data == "flow":
                write_flow_codes(env, work)
            point = run_wrk(
                server, mode, work / f"{path.data}.tsv", cursor[side] if path.data == "flow" else 0,
                n, args.seconds, args.threads,
            )  # fmt: skip
            if path.data == "flow" and side == "service":  # the reference only inserts
                cursor[side] += (point.requests + 10) * args.threads
                if cursor[side] >= flows:
                    raise RuntimeError("out of flow residents: raise --flows (and --residents)")
            return point

        # Warm both sides (connections, caches, prepared statements) before the clock.
        for path in paths:
            for server in (service, reference):
                measure(server, path, 4)
        results: dict[tuple[str, int], dict[str, list[Point]]] = {}
        loads: list[float] = []
        for n in clients:
            for path in paths:
                runs: dict[str, list[Point]] = defaultdict(list)
                for round_ in range(args.rounds):
                    order = (service, reference) if round_ % 2 == 0 else (reference, service)
                    for server in order:
                        runs[server.name].append(measure(server, path, n))
                    loads.append(os.getloadavg()[0])
                results[(path.name, n)] = runs
                _progress(
                    f"{path.name} c={n}: "
                    + ", ".join(f"{k} {[round(p.rps) for p in v]}" for k, v in runs.items())
                )
        rss = {s.name: s.peak_rss_mb() for s in servers}
        report = "\n".join(
            [
                f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; load average "
                f"during the runs {min(loads):.1f}–{max(loads):.1f} (the machine is shared); "
                f"PostgreSQL 15 throwaway cluster on the same cores (fsync off); "
                f"{args.residents:,} residents with {args.residents * 10:,} ledger entries; "
                f"{args.workers} uvicorn worker(s) on each side; wrk {args.threads} thread(s), "
                f"{args.seconds:g} s per point, {args.rounds} rounds alternating service and "
                "reference, medians (share: the median of each round's ratio). The check-in "
                "flow: each request is one step (enrol, check in or check out) of a resident's "
                "flow, a step sent 2 × clients + 8 requests after the previous step.",
                "",
                report_table(results),
                "",
                f"Peak RSS per worker after the runs: service {rss['service']:.0f} MB, "
                f"reference {rss['reference']:.0f} MB.",
            ]
        )
        print(report)
        if args.write:
            _write(args.write, report)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
