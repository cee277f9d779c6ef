"""The access log is written by a thread of its own, off the event loop, in every process that
serves: the one process of `serve` and each worker of `serve --workers N`."""

from __future__ import annotations

import asyncio
import json
import logging
import logging.handlers

import httpx

from tests.live_service import LiveService


def _access_lines(text: str) -> list[dict[str, object]]:
    lines = []
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict) and line.get("logger") == "app.access":
            lines.append(line)
    return lines


async def _served_lines(
    service: LiveService, requests: int, *, wait: bool = True
) -> list[dict[str, object]]:
    """The access lines of `requests` answered; `wait=False` stops the service at once after
    the last answer, with its last lines still on their way to the writer."""
    await service.start()
    try:
        async with httpx.AsyncClient(base_url=service.base_url, timeout=30) as http:
            for n in range(requests):
                answer = await http.get("/healthz", headers={"x-request-id": f"writer-{n:04d}"})
                assert answer.status_code == 200
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (30 if wait else 0)
        while loop.time() < deadline:  # the writer thread writes a moment later
            found = _access_lines(service.log_path.read_text(errors="replace"))
            if sum(str(line["request_id"]).startswith("writer-") for line in found) >= requests:
                break
            await asyncio.sleep(0.1)
    finally:
        await service.stop()
    return _access_lines(service.log_path.read_text(errors="replace"))


async def test_one_process_writes_an_access_line_per_request(database_url, var_dir, tmp_path):
    service = LiveService(database_url, var_dir, tmp_path / "service.log")
    lines = await _served_lines(service, 5)
    ids = {line["request_id"] for line in lines}
    assert {f"writer-{n:04d}" for n in range(5)} <= ids
    line = next(x for x in lines if x["request_id"] == "writer-0000")
    assert line["route"] == "/healthz" and line["status"] == 200 and line["method"] == "GET"


async def test_every_worker_of_serve_writes_its_access_lines(database_url, var_dir, tmp_path):
    service = LiveService(database_url, var_dir, tmp_path / "service.log")
    service.args = ["--workers", "2"]
    lines = await _served_lines(service, 40, wait=False)
    # Each request answered is logged, whichever worker answered it, the last ones too though
    # the service was stopped at once: a worker writes its pending lines at shutdown.
    ids = {line["request_id"] for line in lines}
    assert {f"writer-{n:04d}" for n in range(40)} <= ids


def test_the_service_logs_through_a_queue_to_a_writer_thread(capsys):
    from kernel.logs import setup_logging, stop_logging

    root = logging.getLogger()
    kept, level = root.handlers[:], root.level
    try:
        setup_logging()
        assert [type(h).__base__ for h in root.handlers] == [logging.handlers.QueueHandler]
        try:
            raise ValueError("a failure")
        except ValueError:
            logging.getLogger("app").exception("failed with token=%s", "abc.def")
        logging.getLogger("app.access").info("request", extra={"route": "/x", "status": 200})
        stop_logging()  # writes what is queued
    finally:
        root.handlers[:] = kept
        root.setLevel(level)
    written = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    failure = next(x for x in written if x["logger"] == "app")
    assert failure["message"] == "failed with token=[redacted]"
    assert "ValueError: a failure" in failure["error"]
    access = next(x for x in written if x["logger"] == "app.access")
    assert access["route"] == "/x" and access["status"] == 200


def test_an_access_line_on_the_batch_way_reads_as_the_record_would(capsys):
    """The loop writes the access line as JSON text itself (no record, no redaction pass): it
    must parse to the same fields a formatted `app.access` record has, and a stop writes the
    lines still gathered."""
    from kernel.logs import access, setup_logging, stop_logging

    root = logging.getLogger()
    kept, level = root.handlers[:], root.level
    try:
        setup_logging()
        access("req-12345678", "GET", '/api/v1/odd/"{name}"', 404, 1.25)
        stop_logging()  # the gathered batch goes out with the stop
    finally:
        root.handlers[:] = kept
        root.setLevel(level)
    written = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    line = next(x for x in written if x["logger"] == "app.access")
    assert {k: v for k, v in line.items() if k != "at"} == {
        "level": "info",
        "logger": "app.access",
        "message": "request",
        "request_id": "req-12345678",
        "method": "GET",
        "route": '/api/v1/odd/"{name}"',
        "status": 404,
        "latency_ms": 1.25,
    }
    assert line["at"].endswith("+00:00")
