"""The long forms of the fuzzing and fault suites (CI runs them bounded), on PostgreSQL; the
faults strike while awards, redemptions and check-ins run.

    python bench/robustness.py                      # 50 examples/operation, 5 fault rounds
    python bench/robustness.py --examples 200 --fuzz-seconds 3600 --fault-rounds 20

Each suite runs as pytest with its size in the environment; a table of outcomes and
durations is printed, and the exit status is non-zero when a suite failed."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(test: str, env: dict[str, str]) -> tuple[str, float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        cwd=ROOT,
        env={**os.environ, "TEST_DB": "postgres", **env},
    )
    return ("passed" if result.returncode == 0 else "FAILED"), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=50, help="examples per operation")
    parser.add_argument("--fuzz-seconds", type=int, default=1200, help="per token")
    parser.add_argument("--fault-rounds", type=int, default=5)
    args = parser.parse_args()
    suites = [
        (
            f"fuzzing, {args.examples} examples/operation",
            "tests/security/test_fuzz.py",
            {"FUZZ_EXAMPLES": str(args.examples), "FUZZ_SECONDS": str(args.fuzz_seconds)},
        ),
        (
            f"faults, {args.fault_rounds} rounds",
            "tests/security/test_faults.py",
            {"FAULT_ROUNDS": str(args.fault_rounds)},
        ),
    ]
    results = [(name, *run(test, env)) for name, test, env in suites]
    width = max(len(name) for name, _, _ in results)
    print(f"\n{'suite':<{width}}  outcome  seconds")
    for name, outcome, seconds in results:
        print(f"{name:<{width}}  {outcome:<7}  {seconds:7.0f}")
    sys.exit(0 if all(outcome == "passed" for _, outcome, _ in results) else 1)


if __name__ == "__main__":
    main()
