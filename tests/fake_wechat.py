"""A fake WeChat API: a real HTTP server on localhost, so the real client code runs.

Tests script it: `fake.sessions["code-1"] = {"openid": "o1"}`; an unknown code gets
WeChat's `errcode` 40029 (invalid code). Every request is kept in `fake.requests`.
The stable-token endpoint issues `token-1`, `token-2`, … (the same one until it expires or a
refresh is forced); subscribe messages sent with a valid token land in `fake.messages`, and
residents in `fake.unsubscribed` get errcode 43101. Phone-number codes are scripted like
login codes: `fake.phones["phone-code-1"] = "13800001234"` (an unknown code: errcode 40029).
A route answering `Page(status, html)` instead of JSON is WeChat's gateway failing
(`fake.fail(path)`: an HTTP 501 error page)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Page:
    """A non-JSON answer: what a gateway in front of WeChat says when it fails."""

    status: int
    html: str


ERROR_PAGE = Page(501, "<html><body><h1>501 Not Implemented</h1></body></html>")


@dataclass
class FakeWeChat:
    base_url: str = ""
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # path -> handler(query, body) -> (status, json body); tests may add routes.
    routes: dict[str, Any] = field(default_factory=dict)
    appid: str = "wx-test-app"
    secret: str = "wx-test-secret"
    token_lifetime: int = 7200
    tokens_issued: int = 0
    current_token: str | None = None
    token_expires: float = 0.0
    messages: list[dict[str, Any]] = field(default_factory=list)
    unsubscribed: set[str] = field(default_factory=set)
    phones: dict[str, str] = field(default_factory=dict)

    def fail(self, path: str, page: Page = ERROR_PAGE) -> None:
        """From now on `path` answers `page` (HTML), not JSON."""
        self.routes[path] = lambda query, body: (page.status, page)

    def token_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == "/cgi-bin/stable_token"]

    def expire_token(self) -> None:
        """WeChat invalidates the current token before its announced expiry."""
        self.current_token = None

    def stable_token(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        if not isinstance(body, dict) or (body.get("appid"), body.get("secret")) != (
            self.appid,
            self.secret,
        ):
            return 200, {"errcode": 40013, "errmsg": "invalid appid"}
        if body.get("force_refresh") or not self.current_token or time.time() > self.token_expires:
            self.tokens_issued += 1
            self.current_token = f"token-{self.tokens_issued}"
            self.token_expires = time.time() + self.token_lifetime
        remaining = max(0, int(self.token_expires - time.time()))
        return 200, {"access_token": self.current_token, "expires_in": remaining}

    def subscribe_send(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        if not self.current_token or query.get("access_token") != self.current_token:
            return 200, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
        if body["touser"] in self.unsubscribed:
            return 200, {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
        self.messages.append(body)
        return 200, {"errcode": 0, "errmsg": "ok"}

    def jscode2session(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        answer = self.sessions.get(query.get("js_code", ""))
        if answer is None:
            return 200, {"errcode": 40029, "errmsg": "invalid code"}
        return 200, {"session_key": "fake-session-key", **answer}

    def get_phone_number(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        if not self.current_token or query.get("access_token") != self.current_token:
            return 200, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
        number = self.phones.get(body.get("code", "") if isinstance(body, dict) else "")
        if number is None:
            return 200, {"errcode": 40029, "errmsg": "invalid code"}
        return 200, {
            "errcode": 0,
            "errmsg": "ok",
            "phone_info": {
                "phoneNumber": number,
                "purePhoneNumber": number,
                "countryCode": "86",
                "watermark": {"timestamp": int(time.time()), "appid": self.appid},
            },
        }


def _handler(fake: FakeWeChat) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            fake.requests.append(
                {"method": self.command, "path": parts.path, "query": query, "body": body}
            )
            route = fake.routes.get(parts.path) or {
                "/sns/jscode2session": fake.jscode2session,
                "/cgi-bin/stable_token": fake.stable_token,
                "/cgi-bin/message/subscribe/send": fake.subscribe_send,
                "/wxa/business/getuserphonenumber": fake.get_phone_number,
            }.get(parts.path)
            status, answer = route(query, body) if route else (404, {"errcode": -1})
            page = isinstance(answer, Page)
            payload = (
                answer.html.encode() if isinstance(answer, Page) else json.dumps(answer).encode()
            )
            self.send_response(status)
            # WeChat labels its JSON text/plain.
            self.send_header("Content-Type", "text/html" if page else "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def serve_fake_wechat() -> Iterator[FakeWeChat]:
    fake = FakeWeChat()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
