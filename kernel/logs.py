"""Structured logging: one JSON object per line. Bodies and headers are never logged, and no
secret, login code, token or ID number reaches a line.

The lines are formatted, redacted and written by a thread of their own (`QueueListener`): the
event loop only puts the record on a queue (`setup_logging`), so a request does not wait for
JSON, the redaction patterns or the write.

The access line, one per request, takes a shorter way in a serving process (`access`): its
fields are the edge's own (a request id of safe characters, the method, the route's template,
the status, the latency: nothing to redact), so the loop writes it as JSON text in about a
microsecond, gathers the lines, and hands them to the writer thread as one batch every
`ACCESS_BATCH_SECONDS`. Formatting and redacting each line on the thread cost a quarter of a
serving process's CPU under load (py-spy, issue 21): the thread shares the interpreter's lock
with the loop, so its work was the loop's work. At most one batch (50 ms of lines) is lost when
the process is killed; an orderly stop writes it (`stop_logging` at exit, `flush_logging` at
the app's shutdown: a worker forked by the HTTP server exits without `atexit`)."""

from __future__ import annotations

import asyncio
import atexit
import copy
import json
import logging
import logging.handlers
import os
import queue
import re
import sys
from datetime import UTC, datetime

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
# httpx logs every request URL at INFO, and WeChat's URLs carry the app secret, the
# resident's login code or the access_token in the query; the database drivers log every
# statement's parameters at DEBUG (tokens, keyed hashes, ciphertexts).
QUIET_LOGGERS = ("httpx", "httpcore", "hpack", "tortoise.db_client", "aiosqlite", "asyncpg")
_SECRET_PARAMS = re.compile(
    r"(?i)\b((?:secret|js_code|code|access_token|refresh_token|password|id_number|token)=)"
    r"[^&\s\"']+"
)
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")


def redact(text: str) -> str:
    """Blanks query values of secret parameters, bearer tokens and resident ID numbers."""
    text = _SECRET_PARAMS.sub(r"\1[redacted]", text)
    text = _BEARER.sub("Bearer [redacted]", text)
    return _ID_NUMBER.sub("[id number]", text)


class Redacting(logging.Filter):
    """On every handler: a record's message leaves with its secrets blanked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        elif record.exc_text:  # rendered before it crossed to the writer thread
            entry["error"] = record.exc_text
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


def quiet_noisy_loggers() -> None:
    """Third-party loggers that would write request URLs speak only about trouble."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


class _Writer(logging.StreamHandler):  # type: ignore[type-arg]
    """The writer thread's handler: a record as a JSON line, a batch of access lines as it is."""

    def handle(self, record: logging.LogRecord) -> bool:
        if record.name != _ACCESS_BATCH:
            return bool(super().handle(record))
        self.acquire()
        try:
            self.stream.write(record.msg)
            self.flush()
        finally:
            self.release()
        return True


_ACCESS_BATCH = "app.access (batch)"  # not a logger: the writer's mark for lines written already
ACCESS_BATCH_SECONDS = 0.05
access_log = logging.getLogger("app.access")


class _AccessLines:
    """The access lines written on the loop and not yet handed to the writer thread."""

    def __init__(self, records: queue.SimpleQueue[logging.LogRecord]) -> None:
        self.records = records
        self.lines: list[str] = []
        self.quoted: dict[str, str] = {}  # method or route → its JSON string (a few dozen)

    def add(self, request_id: str, method: str, route: str, status: int, latency_ms: float) -> None:
        quoted = self.quoted
        m = quoted.get(method) or quoted.setdefault(method, json.dumps(method))
        r = quoted.get(route) or quoted.setdefault(route, json.dumps(route))
        self.lines.append(
            f'{{"at": "{datetime.now(UTC).isoformat()}", "level": "info", "logger": "app.access",'
            f' "message": "request", "request_id": "{request_id}", "method": {m}, "route": {r},'
            f' "status": {status}, "latency_ms": {latency_ms}}}\n'
        )
        if len(self.lines) == 1:
            try:
                asyncio.get_running_loop().call_later(ACCESS_BATCH_SECONDS, self.flush)
            except RuntimeError:  # no loop: hand it over now
                self.flush()

    def flush(self) -> None:
        if self.lines:
            text, self.lines = "".join(self.lines), []
            self.records.put(logging.makeLogRecord({"name": _ACCESS_BATCH, "msg": text}))


_access: _AccessLines | None = None


def access(request_id: str, method: str, route: str, status: int, latency_ms: float) -> None:
    """One request's access line: on the batch way in a serving process, else (tests, scripts)
    as an ordinary record of the `app.access` logger, as its caller set logging up."""
    if _access is not None and _listener_pid == os.getpid():
        _access.add(request_id, method, route, status, latency_ms)
    elif access_log.isEnabledFor(logging.INFO):
        access_log.info(
            "request",
            extra={
                "request_id": request_id,
                "method": method,
                "route": route,
                "status": status,
                "latency_ms": latency_ms,
            },
        )


class _ToWriter(logging.handlers.QueueHandler):
    """Puts a record on the writer's queue as it is: its message merged with its arguments and
    a traceback rendered to text (what cannot cross to the thread safely), nothing formatted."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record = copy.copy(record)
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        record.stack_info = None
        return record


_listener: logging.handlers.QueueListener | None = None
_listener_pid = 0  # a forked worker inherits `_listener`, not its thread
# Set by `python -m app serve` for its worker processes: each sets its logging up when it
# builds the app (`ensure_logging`), since a spawned worker starts with none.
SERVE_LOGGING = "APP_SERVE_LOGGING"


def setup_logging(level: str = "INFO") -> None:
    """Root logs through a queue to one writer thread (JSON lines, redacted, on stderr)."""
    global _listener, _listener_pid, _access
    stop_logging()
    writer = _Writer(sys.stderr)
    writer.setFormatter(JsonFormatter())
    writer.addFilter(Redacting())
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    _listener = logging.handlers.QueueListener(records, writer)
    _listener.start()
    _listener_pid = os.getpid()
    root = logging.getLogger()
    root.handlers[:] = [_ToWriter(records)]
    root.setLevel(level)
    _access = _AccessLines(records) if access_log.isEnabledFor(logging.INFO) else None
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).disabled = True
    quiet_noisy_loggers()


def stop_logging() -> None:
    """Writes what is queued and ends the writer thread (at exit; before a new setup)."""
    global _listener, _access
    if _listener is not None and _listener_pid == os.getpid():
        if _access is not None:
            _access.flush()
        _listener.stop()
    _listener, _access = None, None


def flush_logging() -> None:
    """Writes every line queued so far, the access lines not yet handed over included, and
    goes on logging: for a serving process about to end, since a worker the HTTP server forked
    ends without running `atexit` (the app's lifespan calls it on shutdown)."""
    if _listener is not None and _listener_pid == os.getpid():
        if _access is not None:
            _access.flush()
        _listener.stop()  # writes what is queued, then ends the thread
        _listener.start()


def ensure_logging() -> None:
    """In a process `python -m app serve` started (a worker included, spawned or forked), the
    service's logging, once; elsewhere (tests, scripts) the logging as its caller set it up."""
    if os.environ.get(SERVE_LOGGING) == "1" and (_listener is None or _listener_pid != os.getpid()):
        setup_logging()


atexit.register(stop_logging)
