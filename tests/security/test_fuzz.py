"""Schemathesis against the OpenAPI document of a real service on PostgreSQL, with a staff
and a resident token: no 5xx, no response that breaks the document. Bounded for CI (a few
examples per operation); `bench/fuzz.py` runs the long form."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.live_service import LiveService
from tests.security.conftest import on_postgres

ROOT = Path(__file__).resolve().parents[2]
# CI's bounded form; `bench/robustness.py` sets these for the long one.
EXAMPLES_IN_CI = int(os.environ.get("FUZZ_EXAMPLES", "3"))
SECONDS_PER_TOKEN_IN_CI = int(os.environ.get("FUZZ_SECONDS", "100"))
# No 5xx; every answer inside the document: its schema, its declared content types and
# statuses, and an `Allow` naming the path's methods on a 405.
CHECKS = ",".join(
    (
        "not_a_server_error",
        "response_schema_conformance",
        "content_type_conformance",
        "status_code_conformance",
        "allow_header_conformance",
    )
)


async def run_schemathesis(
    base_url: str, token: str, *, examples: int, seconds: int, report: Path, seed: int = 12
) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{base_url}/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(examples),
        "--seed",
        str(seed),
        "--max-time",
        str(seconds),
        "--phases",
        "examples,fuzzing",
        "--workers",
        "1",
        "--request-timeout",
        "60",
        "--no-shrink",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        # Credentials (`application/vc`) are validated against the document too.
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.security.schemathesis_hooks"},
        cwd=ROOT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode(errors="replace")


@on_postgres
async def test_fuzzing_finds_no_5xx_and_no_answer_outside_the_document(
    world, database_url, var_dir, tmp_path
):
    service = LiveService(database_url, var_dir, tmp_path / "service.log")
    await service.start()
    try:
        for who in (world.admin, world.resident):
            code, output = await run_schemathesis(
                service.base_url,
                who.token,
                examples=EXAMPLES_IN_CI,
                seconds=SECONDS_PER_TOKEN_IN_CI,
                report=tmp_path / f"{who.role}.xml",
            )
            assert code == 0, output[-6000:]
    finally:
        await service.stop()
