"""Structured logging: one JSON object per line. Bodies and headers are never logged, and no
secret, login code, token or ID number reaches a line.

The lines are formatted, redacted and written by a thread of their own (`QueueListener`): the
event loop only puts the record on a queue (`setup_logging`), so a request does not wait for
JSON, the redaction patterns or the write."""

from __future__ import annotations

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
# Set by `python -m app serve` for its worker processes: each sets its logging up when it
# builds the app (`ensure_logging`), since a spawned worker starts with none.
SERVE_LOGGING = "APP_SERVE_LOGGING"


def setup_logging(level: str = "INFO") -> None:
    """Root logs through a queue to one writer thread (JSON lines, redacted, on stderr)."""
    global _listener
    stop_logging()
    writer = logging.StreamHandler(sys.stderr)
    writer.setFormatter(JsonFormatter())
    writer.addFilter(Redacting())
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    _listener = logging.handlers.QueueListener(records, writer)
    _listener.start()
    root = logging.getLogger()
    root.handlers[:] = [_ToWriter(records)]
    root.setLevel(level)
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).disabled = True
    quiet_noisy_loggers()


def stop_logging() -> None:
    """Writes what is queued and ends the writer thread (at exit; before a new setup)."""
    global _listener
    if _listener is not None:
        _listener.stop()
        _listener = None


def ensure_logging() -> None:
    """In a process `python -m app serve` started (a worker included), the service's logging,
    once; elsewhere (tests, scripts) the logging as its caller set it up."""
    if os.environ.get(SERVE_LOGGING) == "1" and _listener is None:
        setup_logging()


atexit.register(stop_logging)
