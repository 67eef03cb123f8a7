"""Real SMTP servers on loopback for the tests (aiosmtpd), configured the ways relays are.

Each server runs in its own thread on a free port and is stopped by its fixture.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"
LOCAL_DOMAIN = "corp.example"
RELAY_DENIED = "550 5.7.1 Relaying denied for outside domains"
USER, PASSWORD = "relay-user", "Relay-Pa55-x9"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> Message:
        return message_from_bytes(self.content)


@dataclass
class RelayHandler:
    """Accepts every recipient (an open relay) or only local ones (relaying denied)."""

    allow_relay: bool = True
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if not self.allow_relay and not address.lower().endswith("@" + LOCAL_DOMAIN):
            return RELAY_DENIED
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        assert isinstance(content, bytes)
        self.received.append(Received(envelope.mail_from or "", list(envelope.rcpt_tos), content))
        return "250 2.0.0 queued"


@dataclass
class StallingHandler(RelayHandler):
    """Takes ``delay`` seconds to answer MAIL FROM (a relay that hangs mid-dialogue)."""

    delay: float = 3.0

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        await asyncio.sleep(self.delay)
        envelope.mail_from = address
        return "250 OK"


def password_check(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: the server sends the 535


class SlowGreeting(SMTP):
    """Waits ``greet_delay`` seconds before the 220 banner (a greet pause, a tarpit)."""

    greet_delay = 2.0

    async def _handle_client(self) -> None:
        await asyncio.sleep(self.greet_delay)
        await super()._handle_client()


class DropAfterEhlo(SMTP):
    """Answers EHLO, then closes the connection."""

    async def smtp_EHLO(self, hostname: str) -> None:
        await super().smtp_EHLO(hostname)
        assert self.transport is not None
        self.transport.close()


class LoopbackController(Controller):
    """aiosmtpd's threaded controller on a free port, with a chosen ``SMTP`` class."""

    def __init__(self, handler: Any, smtp_class: type[SMTP] = SMTP, **kwargs: Any) -> None:
        super().__init__(handler, hostname=HOST, port=0, **kwargs)
        self.smtp_class = smtp_class

    def factory(self) -> SMTP:
        return self.smtp_class(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        # Bound to port 0: learn the port the system chose before the first connection.
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


def certificate(directory: Path, days: int, name: str = "relay.corp.example") -> Path:
    """A self-signed certificate valid ``days`` more days; the key beside it (``.key``)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(name), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    path = directory / f"{name}-{days}d.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.with_suffix(".key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def server_tls(cert: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, cert.with_suffix(".key"))
    return context
