"""Where a path's time goes: the service held by `bench/http.py --hold` on a small database,
driven by `wrk` (16 clients) while py-spy samples its worker; prints each path's rate and the
frames with the most samples (their own, and with what they call).

    .venv/bin/python bench/profile.py                          # activities, honour, summary
    .venv/bin/python bench/profile.py --paths honour --out /tmp/prof

py-spy's raw files (one per path, `--out`) also make flame graphs. The rates are taken with
the profiler attached: compare them only with each other, in one run (`docs/speed.md`)."""

from __future__ import annotations

import sys

sys.path.insert(0, sys.path.pop(0).removesuffix("/bench"))  # (as bench/http.py: no `http` clash)

import argparse
import collections
import json
import re
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# path: (bench/http.lua's mode, the data file it reads)
PATHS = {"activities": "readers", "honour": "honour", "summary": "readers"}


def hold(residents: int) -> tuple[subprocess.Popen[str], dict[str, object]]:
    """The service and its data, as `bench/http.py --hold` prints them."""
    command = [
        sys.executable, "bench/http.py", "--residents", str(residents), "--flows", "2000",
        "--activities", "5", "--hold",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("{"):
            return process, json.loads(line)
    raise SystemExit("bench/http.py --hold ended before serving")


def wrk(url: str, mode: str, data: Path, seconds: int) -> subprocess.Popen[str]:
    command = [
        "wrk", "-t1", "-c16", f"-d{seconds}s", "-s", "bench/http.lua", url, "--", mode,
        str(data), "0", "abcd1234", "1",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)


# The frames every sample of the worker passes through (its start), left out of "with callees".
_ENTRY = re.compile(r"granian/|multiprocessing/|runpy|app/cli\.py|app/__main__\.py|threading\.py")


def top(raw: Path, count: int) -> str:
    """The frames with the most samples: their own, and with their callees."""
    own: collections.Counter[str] = collections.Counter()
    within: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        n = int(samples)
        frames = stack.split(";")
        total += n
        own[frames[-1] or "(no Python frame: the HTTP server's threads)"] += n
        for frame in set(frames):
            if not _ENTRY.search(frame):
                within[frame] += n
    lines = ["own samples:"]
    lines += [f"  {100 * n / total:5.1f}%  {f}" for f, n in own.most_common(count)]
    lines.append("with callees:")
    lines += [f"  {100 * n / total:5.1f}%  {f}" for f, n in within.most_common(count) if f]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=20, help="sampled per path")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--out", type=Path, default=None, help="keep py-spy's raw files here")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="profile-"))
    out.mkdir(parents=True, exist_ok=True)
    service, held = hold(args.residents)
    try:
        url, data, pids = str(held["service"]), Path(str(held["data"])), held["pids"]
        pid = pids[-1] if isinstance(pids, list) else pids
        for name in args.paths.split(","):
            data_file = data / f"{PATHS[name]}.tsv"
            wrk(url, name, data_file, 5).wait()  # warm
            load = wrk(url, name, data_file, args.seconds + 8)
            time.sleep(4)
            raw = out / f"{name}.txt"
            subprocess.run(
                [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid),
                 "--duration", str(args.seconds), "--rate", "250", "--format", "raw",
                 "--nonblocking", "-o", str(raw)],
                check=True, capture_output=True,
            )  # fmt: skip
            report, _ = load.communicate()
            rate = re.search(r"Requests/sec:\s+([\d.]+)", report)
            print(f"== {name}: {rate.group(1) if rate else '?'} req/s (profiler attached)")
            print(top(raw, args.top))
        print(f"raw samples in {out}")
    finally:
        service.terminate()
        service.wait()


if __name__ == "__main__":
    main()
