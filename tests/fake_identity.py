"""A fake identity service (二要素核验): a real HTTP server on localhost, so the real client
code runs. It answers `POST /verify {"name", "id_number"}` with `{"result": "match"}` for the
pairs in `fake.people`, `{"result": "no_match"}` for others; `fake.mode` = "error" answers
500, "html" a gateway's HTTP 501 error page, "timeout" answers only after `fake.delay`
seconds. Requests without the right bearer token are 401. Every request is kept in
`fake.requests`."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "idv-test-token"


@dataclass
class FakeIdentityService:
    url: str = ""
    people: set[tuple[str, str]] = field(default_factory=set)
    mode: str = "normal"
    delay: float = 2.0
    requests: list[dict[str, Any]] = field(default_factory=list)

    def answer(self, headers: dict[str, str], body: Any) -> tuple[int, Any]:
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"error": "unauthorised"}
        if self.mode == "error":
            return 500, {"error": "upstream failure"}
        if self.mode == "timeout":
            time.sleep(self.delay)
        pair = (body.get("name"), body.get("id_number")) if isinstance(body, dict) else None
        return 200, {"result": "match" if pair in self.people else "no_match"}


def _handler(fake: FakeIdentityService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            fake.requests.append({"path": self.path, "headers": headers, "body": body})
            status, answer = fake.answer(headers, body)
            html = fake.mode == "html"
            if html:
                status, answer = 501, "<html><body><h1>501 Not Implemented</h1></body></html>"
            payload = answer.encode() if html else json.dumps(answer).encode()
            # In the timeout case the client has given up waiting: its answer goes nowhere.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if html else "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def serve_fake_identity_service() -> Iterator[FakeIdentityService]:
    fake = FakeIdentityService()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/verify"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
