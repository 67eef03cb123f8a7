"""Fixtures: a real webhook receiver (http.server) and the SMTP test relay, on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.smtp.conftest import start_smtp  # noqa: F401  (the relay fixture, reused)


@dataclass
class Webhook:
    url: str
    received: list[tuple[str, dict[str, str], Any]] = field(default_factory=list)


@pytest.fixture()
def webhook() -> Iterator[Webhook]:
    """A local HTTP server that records each POSTed JSON body and answers 204."""
    hook = Webhook("")

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook.received.append((self.path, dict(self.headers), json.loads(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/vpndiag"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
