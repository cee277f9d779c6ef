"""Structured logging: one JSON object per line. Bodies and headers are never logged, and no
secret, login code, token or ID number reaches a line."""

from __future__ import annotations

import json
import logging
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
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


def quiet_noisy_loggers() -> None:
    """Third-party loggers that would write request URLs speak only about trouble."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(Redacting())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).disabled = True
    quiet_noisy_loggers()
