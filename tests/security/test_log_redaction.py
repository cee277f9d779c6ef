"""The WeChat app secret, residents' login codes and the access_token never reach a log line."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from kernel.logs import JsonFormatter, Redacting
from tests.recognition.test_wechat_messages import TEMPLATES, award_notice, dispatch

SECRET = "wx-test-secret"


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def every_record() -> Iterator[_Everything]:
    """Every record any logger creates at DEBUG and above, while the test runs."""
    handler = _Everything()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)


async def test_wechat_login_and_subscribe_send_log_no_secret_code_or_token(
    database_url, var_dir, fake_wechat, every_record
):
    from accounts.models import Resident
    from app.main import create_app
    from tests.conftest import test_settings

    settings = test_settings(
        database_url,
        var_dir,
        wechat_appid="wx-test-app",
        wechat_secret=SECRET,
        wechat_api_base=fake_wechat.base_url,
        wechat_subscribe_templates=TEMPLATES,
    )
    fake_wechat.sessions["js-code-of-a-resident"] = {"openid": "o-logged"}
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            login = await client.post("/api/v1/auth/wechat", json={"code": "js-code-of-a-resident"})
            refused = await client.post("/api/v1/auth/wechat", json={"code": "js-code-refused"})
        resident = await Resident.get(openid="o-logged")
        await award_notice(resident.id)
        assert await dispatch() == {"sent": 1, "retried": 0, "failed": 0}

    assert login.status_code == 200 and refused.status_code == 401
    assert fake_wechat.messages, "the subscribe message was sent"
    sent_with = fake_wechat.current_token
    assert every_record.records, "the run logged"
    formatter = JsonFormatter()
    raw = "\n".join(record.getMessage() for record in every_record.records)
    lines = "\n".join(formatter.format(record) for record in every_record.records)
    for secret in (SECRET, "js-code-of-a-resident", "js-code-refused", sent_with):
        assert secret not in raw
        assert secret not in lines
    for parameter in ("secret=", "js_code=", "access_token="):
        assert parameter not in raw


def test_a_url_with_secrets_is_redacted_on_its_way_to_a_handler():
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        'HTTP Request: GET %s "HTTP/1.1 200 OK"',
        ("https://api.weixin.qq.com/sns/jscode2session?appid=wx&secret=s3cr3t&js_code=0a1b",),
        None,
    )
    assert Redacting().filter(record)
    message = record.getMessage()
    assert "s3cr3t" not in message and "0a1b" not in message
    assert "secret=[redacted]" in message


def test_bearer_tokens_and_id_numbers_are_redacted_in_a_formatted_line():
    record = logging.LogRecord(
        "app",
        logging.WARNING,
        __file__,
        1,
        "refused Bearer eyJhbGciOiJFZERTQSJ9.e30.sig for 11010519491231002X",
        None,
        None,
    )
    line = JsonFormatter().format(record)
    assert "eyJhbGciOiJFZERTQSJ9" not in line
    assert "11010519491231002X" not in line


def test_the_run_wide_log_audit_catches_a_leaked_secret():
    from tests.log_audit import LogAudit

    audit = LogAudit()
    logger = logging.getLogger("audit-self-test")
    logger.propagate = False
    logger.addHandler(audit)
    try:
        logger.warning("login for %s failed with root-password-123", "root")
        logger.warning("resident 11010519491231002X verified")
        logger.warning("nothing to see")
    finally:
        logger.removeHandler(audit)
    assert audit.lines == 3
    assert len(audit.leaks) == 1 and "root-password-123" in audit.leaks[0]


def test_the_run_wide_log_audit_has_seen_this_run(log_audit):
    logging.getLogger("app").info("audited line")
    assert log_audit.lines > 0
