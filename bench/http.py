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
    from app.core.db import transaction
    from app.core.scheduler import run_job
    from app.core.settings import Settings, configure
    from app.domains import tortoise_config
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
                "district_id, created_at) VALUES ($1, $2, '!', 'district_admin', "
                "'压测管理员', $3, now())",
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
    badges: dict[str, Any] = {}
    if args.badges:
        badges = await time_award_badges(client)
    await Tortoise.close_connections()
    _progress(f"{time.perf_counter() - started:.0f}s data ready")
    return {"activities": activities, "admins": admins, "badges": badges}


# The residents' sums award-badges starts from: before, from the entries; now, the totals.
SUMS_FROM_ENTRIES = (
    "SELECT count(*) AS n FROM (SELECT owner_id, district_id, asset, action, SUM(amount) "
    "FROM ledger_entry WHERE owner_kind = 'resident' AND account_kind = 'available' "
    "AND asset IN ('hours', 'participations', 'credits') "
    "GROUP BY owner_id, district_id, asset, action) s"
)
SUMS_FROM_TOTALS = (
    "SELECT count(*) AS n FROM (SELECT owner_id, district_id, asset, action, amount "
    "FROM resident_total WHERE asset IN ('hours', 'participations', 'credits')) s"
)


async def time_award_badges(client: Any) -> dict[str, Any]:
    """award-badges' full pass, and the step that changed (the residents' sums) both ways."""
    from app.core.scheduler import run_job

    found: dict[str, Any] = {}
    for name, query in (("sums_from_entries", SUMS_FROM_ENTRIES),
                        ("sums_from_totals", SUMS_FROM_TOTALS)):  # fmt: skip
        started = time.perf_counter()
        rows = await client.execute_query_dict(query)
        found[name] = (round(time.perf_counter() - started, 1), int(rows[0]["n"]))
        _progress(f"{name}: {found[name]}")
    started = time.perf_counter()
    run = await run_job("award-badges")
    assert run is not None and run.status == "succeeded", run and run.error
    found["full_pass"] = (round(time.perf_counter() - started, 1), run.stats.get("awarded"))
    _progress(f"award-badges full pass: {found['full_pass']}")
    return found


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
    def __init__(
        self, name: str, command: list[str], env: dict[str, str], port: int, cwd: Path = ROOT
    ) -> None:
        self.name, self.port = name, port
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (kept until the server stops)
        self.process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
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

    def problems(self, limit: int = 5) -> list[str]:
        """The last log lines about failed requests (status 4xx/5xx) or errors."""
        self.log.seek(0)
        lines = self.log.read().decode(errors="replace").splitlines()
        bad = [x for x in lines if '"status": 4' in x or '"status": 5' in x or "rror" in x]
        return [x[:300] for x in bad[-limit:]]

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


def start_service(
    env: dict[str, str], workers: int, root: Path = ROOT, name: str = "service"
) -> Server:
    port = _free_port()
    command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if "--workers" in (root / "app" / "cli.py").read_text():
        command += ["--workers", str(workers)]
    return Server(name, command, {**env, "PYTHONPATH": str(root)}, port, cwd=root)


def extract(ref: str, into: Path) -> Path:
    """The service's code at `ref` (a commit), for a before/after comparison in one run."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


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
        str(threads), str(4 * clients + 16),
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
    before = any("baseline" in runs for runs in results.values())
    head = "| path | reference | clients | service req/s | reference req/s | share |"
    rule = "|---|---|---:|---:|---:|---:|"
    if before:
        head += " before: req/s | before: share | before: p99 |"
        rule += "---:|---:|---:|"
    head += " service p50 | service p99 | reference p99 | errors |"
    rule += "---:|---:|---:|---:|"
    lines = [head, rule]
    for path in PATHS:
        first = True
        for (name, clients), runs in results.items():
            if name != path.name:
                continue
            service, reference = runs["service"], runs["reference"]
            share = median(s.rps / r.rps for s, r in zip(service, reference, strict=True))
            line = (
                f"| {path.label if first else ''} | {path.reference_label if first else ''} "
                f"| {clients} | {median(p.rps for p in service):,.0f} "
                f"| {median(p.rps for p in reference):,.0f} | {share:.0%} |"
            )
            if before:
                old = runs["baseline"]
                old_share = median(b.rps / r.rps for b, r in zip(old, reference, strict=True))
                line += (
                    f" {median(p.rps for p in old):,.0f} | {old_share:.0%} "
                    f"| {median(p.p99_ms for p in old):.1f} ms |"
                )
            counts = [sum(p.errors for p in runs[side]) for side in runs]
            errors = "/".join(str(n) for n in counts)
            line += (
                f" {median(p.p50_ms for p in service):.1f} ms "
                f"| {median(p.p99_ms for p in service):.1f} ms "
                f"| {median(p.p99_ms for p in reference):.1f} ms | {errors} |"
            )
            lines.append(line)
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
    parser.add_argument("--baseline", help="also measure the service at this commit (before)")
    parser.add_argument("--badges", action="store_true", help="time award-badges' full pass")
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
        badges = layout["badges"]
        service = start_service(env, args.workers)
        servers.append(service)
        reference = start_reference(env, args.workers)
        servers.append(reference)
        baseline = None
        if args.baseline:
            code = extract(args.baseline, work / "baseline")
            baseline = start_service(env, args.workers, code, name="baseline")
            servers.append(baseline)
        sides = [service, *([baseline] if baseline else []), reference]
        if args.hold:
            write_flow_codes(env, work)
            print(json.dumps({"service": service.url, "reference": reference.url,
                              "data": str(work), "pids": service.pids()}), flush=True)  # fmt: skip
            stop = {signal.SIGINT, signal.SIGTERM}
            signal.pthread_sigmask(signal.SIG_BLOCK, stop)
            signal.sigwait(stop)
            return
        cursor = {"service": 0, "baseline": 0, "reference": 0}  # next unused flow resident

        def measure(server: Server, path: Path_, n: int) -> Point:
            side = server.name
            mode = path.reference if side == "reference" else path.mode
            if path.data == "flow":
                write_flow_codes(env, work)
            point = run_wrk(
                server, mode, work / f"{path.data}.tsv",
                cursor["service"] if path.data == "flow" and side != "reference" else 0,
                n, args.seconds, args.threads,
            )  # fmt: skip
            if path.data == "flow" and side != "reference":  # the reference only inserts
                cursor["service"] += (point.requests + 10) * args.threads
                if cursor["service"] >= flows:
                    raise RuntimeError("out of flow residents: raise --flows (and --residents)")
            return point

        # Warm both sides (connections, caches, prepared statements) before the clock.
        for path in paths:
            for server in sides:
                measure(server, path, 4)
        results: dict[tuple[str, int], dict[str, list[Point]]] = {}
        loads: list[float] = []
        for n in clients:
            for path in paths:
                runs: dict[str, list[Point]] = defaultdict(list)
                for round_ in range(args.rounds):
                    order = sides if round_ % 2 == 0 else sides[::-1]
                    for server in order:
                        runs[server.name].append(measure(server, path, n))
                    loads.append(os.getloadavg()[0])
                results[(path.name, n)] = runs
                _progress(
                    f"{path.name} c={n}: "
                    + ", ".join(f"{k} {[round(p.rps) for p in v]}" for k, v in runs.items())
                )
        rss = {s.name: s.peak_rss_mb() for s in servers}
        for server in servers:
            for line in server.problems():
                _progress(f"{server.name}: {line}")
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
                "flow, a step sent 4 × clients + 16 requests after the previous step. Errors: "
                "non-2xx answers and socket errors, service/before/reference.",
                "",
                report_table(results),
                "",
                "Peak RSS per worker after the runs: "
                + ", ".join(f"{name} {mb:.0f} MB" for name, mb in rss.items())
                + ".",
                *(
                    [
                        "",
                        f"`before`: the service at `{args.baseline}`, measured in the same rounds "
                        "on the same database.",
                    ]
                    if args.baseline
                    else []
                ),
                *(
                    [
                        "",
                        "award-badges on this database: the residents' sums from the entries "
                        f"{badges['sums_from_entries'][0]} s ({badges['sums_from_entries'][1]:,} "
                        f"sums), from the running totals {badges['sums_from_totals'][0]} s; "
                        f"full pass {badges['full_pass'][0]} s "
                        f"({badges['full_pass'][1]:,} awards).",
                    ]
                    if badges
                    else []
                ),
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
