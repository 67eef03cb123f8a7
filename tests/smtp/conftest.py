"""Fixtures: real SMTP servers on loopback, started per test and always stopped."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP

from tests.smtp.servers import HOST, LoopbackController, RelayHandler

StartSmtp = Callable[..., LoopbackController]


@pytest.fixture()
def start_smtp() -> Iterator[StartSmtp]:
    """``start_smtp(handler=None, smtp_class=SMTP, **aiosmtpd_options)``: a running relay."""
    running: list[LoopbackController] = []

    def start(
        handler: Any = None, smtp_class: type[SMTP] = SMTP, **options: Any
    ) -> LoopbackController:
        controller = LoopbackController(handler or RelayHandler(), smtp_class, **options)
        controller.start()
        running.append(controller)
        return controller

    yield start
    for controller in running:
        controller.stop()


@pytest.fixture()
def closed_port() -> int:
    """A loopback port nothing listens on (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture()
def silent_port() -> Iterator[int]:
    """A loopback port whose accept queue is full: Linux drops the SYNs, connecting times out."""
    with socket.socket() as server:
        server.bind((HOST, 0))
        server.listen(0)
        port: int = server.getsockname()[1]
        queued = [socket.socket() for _ in range(3)]
        for sock in queued:
            sock.setblocking(False)
            sock.connect_ex((HOST, port))
        try:
            yield port
        finally:
            for sock in queued:
                sock.close()
