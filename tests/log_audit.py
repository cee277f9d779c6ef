"""Every log line of the test run, as production would write it, is searched for what must
never be logged: passwords, tokens, the WeChat secret, login codes, ID numbers, phone
numbers and the codes that give them."""

from __future__ import annotations

import logging
import re

from kernel.logs import JsonFormatter, Redacting

# The passwords, secrets and codes the tests use, and the shapes of tokens and ID numbers.
FORBIDDEN = re.compile(
    "|".join(
        [
            r"root-password-123",
            r"staff-password-123",
            r"long-enough-pw",
            r"wx-test-secret",
            r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",  # a JWT
            r"\b(?:secret|js_code|access_token|refresh_token|password)=(?!\[redacted\])",
            r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])",  # a resident ID number
            r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])",  # a mobile phone number
            r"phone-code-[0-9]",  # the tests' getPhoneNumber codes
        ]
    )
)


class LogAudit(logging.Handler):
    """A handler on the root logger: formats each record like the service's own handler and
    keeps the lines that show something forbidden."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.setFormatter(JsonFormatter())
        self.addFilter(Redacting())
        self.leaks: list[str] = []
        self.lines = 0
        self.current_test = ""

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        self.lines += 1
        found = FORBIDDEN.search(line)
        if found:
            self.leaks.append(f"{self.current_test}: {found.group(0)!r} in {line[:300]}")
