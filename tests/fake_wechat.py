"""A fake WeChat API: a real HTTP server on localhost, so the real client code runs.

Tests script it: `fake.sessions["code-1"] = {"openid": "o1"}`; an unknown code gets
WeChat's `errcode` 40029 (invalid code). Every request is kept in `fake.requests`."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeWeChat:
    base_url: str = ""
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # path -> handler(query, body) -> (status, json body); tests may add routes.
    routes: dict[str, Any] = field(default_factory=dict)

    def jscode2session(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        answer = self.sessions.get(query.get("js_code", ""))
        if answer is None:
            return 200, {"errcode": 40029, "errmsg": "invalid code"}
        return 200, {"session_key": "fake-session-key", **answer}


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
            route = fake.routes.get(parts.path)
            if route is None and parts.path == "/sns/jscode2session":
                route = fake.jscode2session
            status, answer = route(query, body) if route else (404, {"errcode": -1})
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")  # as WeChat labels its JSON
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
