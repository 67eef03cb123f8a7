"""Reading a router's telnet transcript: opening, replies, closing (no router needed)."""

from __future__ import annotations

import pytest

from nornir_tasks.models.smtp import Capabilities, Failure
from nornir_tasks.smtp.transcript import (
    Reply,
    closed,
    data_lines,
    first_reply,
    opening,
    prompt_pattern,
    telnet_command,
)

OPENED = (
    "telnet 192.0.2.25 25 /source-interface GigabitEthernet2\n"
    "Trying 192.0.2.25, 25 ... Open\n"
    "220 relay.example.com ESMTP Postfix\r\n"
)
EHLO = (
    "250-relay.example.com\r\n"
    "250-PIPELINING\r\n"
    "250-SIZE 10240000\r\n"
    "250-STARTTLS\r\n"
    "250-AUTH PLAIN LOGIN\r\n"
    "250-AUTH=PLAIN LOGIN\r\n"
    "250 8BITMIME\r\n"
)


def test_telnet_command() -> None:
    assert telnet_command("192.0.2.25", 25) == "telnet 192.0.2.25 25"
    assert telnet_command("192.0.2.25", 587, "Gi2") == "telnet 192.0.2.25 587 /source-interface Gi2"


@pytest.mark.parametrize(
    ("text", "failure", "message"),
    [
        ("Trying 192.0.2.25, 25 ... \n% Connection refused by remote host\n\nBR01#", Failure.REFUSED, "% Connection refused by remote host"),
        ("Trying 192.0.2.25, 25 ... \n% Connection timed out; remote host not responding\n", Failure.TIMED_OUT, "% Connection timed out; remote host not responding"),
        ("Trying 192.0.2.25, 25 ... \n% Destination unreachable; gateway or host down\n", Failure.UNREACHABLE, "% Destination unreachable; gateway or host down"),
        ("% Invalid source interface - Loopback99\nBR01#", Failure.SESSION, "% Invalid source interface - Loopback99"),
        ("% Unknown command or computer name, or unable to find computer address\n", Failure.SESSION, "% Unknown command or computer name, or unable to find computer address"),
    ],
)  # fmt: skip
def test_opening_failures(text: str, failure: Failure, message: str) -> None:
    found = opening(text)
    assert found is not None and (found.failure, found.message) == (failure, message)


def test_opening_open_and_pending() -> None:
    found = opening(OPENED)
    assert found is not None and found.failure is None
    assert OPENED[found.end :].lstrip().startswith("220 ")
    assert opening("telnet 192.0.2.25 25\nTrying 192.0.2.25, 25 ... ") is None
    # the relay's name in the typed command is not the router saying "Open"
    assert opening("telnet Open.example 25\nTrying 192.0.2.9, 25 ... ") is None


def test_banner_after_open() -> None:
    assert first_reply(OPENED) == Reply(220, ("relay.example.com ESMTP Postfix",))


def test_multiline_reply_waits_for_its_last_line() -> None:
    assert first_reply(EHLO[:60]) is None
    assert first_reply(EHLO[:-2]) is None  # "250 8BITMIME" without its line end yet
    reply = first_reply(EHLO)
    assert reply is not None and reply.code == 250 and len(reply.lines) == 7
    caps = Capabilities.from_ehlo(reply.lines)
    assert caps.starttls and caps.size == 10240000 and caps.eightbitmime
    assert caps.auth == ("PLAIN", "LOGIN") and caps.offers("pipelining")


def test_echo_and_bare_code_lines() -> None:
    text = "MAIL FROM:<a@example.com>\r\n250\r\n"  # a local echo, then a reply without text
    assert first_reply(text) == Reply(250, ("",))
    assert first_reply("RCPT TO:<b@example.net>\r\n550 5.7.1 Relaying denied\r\n") == Reply(
        550, ("5.7.1 Relaying denied",)
    )


def test_closed_and_prompt() -> None:
    text = "221 Bye\n\n[Connection to 192.0.2.25 closed by foreign host]\nBR01#"
    assert closed(text) and not closed("221 Bye\n")
    assert prompt_pattern("BR01").search(text)
    assert not prompt_pattern("BR01").search("250 BR01#x\n")
    assert prompt_pattern("BR01").search("\nBR01>")


def test_data_lines_are_dot_stuffed_and_ended() -> None:
    assert data_lines("Subject: x\r\n\r\n.hidden\r\nlast\r\n") == [
        "Subject: x",
        "",
        "..hidden",
        "last",
        ".",
    ]
