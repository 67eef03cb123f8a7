"""The syslog message catalogue: what each crypto-relevant message means, the fields it carries,
the finding it supports, and where that was read.

Samples (IOS, IOS-XE, ASA, FTD)::

    *Sep  2 13:27:57.707: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi
        for destaddr=10.10.1.2, prot=50, spi=0xB761863E(3076621886), srcaddr=10.1.1.1
    Jan 19 2015 20:00:43: %ASA-4-402116: IPSEC: Received an ESP packet (SPI= 0x76F99C4C, ...
    %FTD-4-750003 Local:2.2.2.2:500 Remote:1.1.1.1:500 Username:Username IKEv2 Negotiation ...

One table, looked up by (facility, mnemonic); ASA, FTD and PIX share the ASA numbers. A
message not in the table is still an event (kind ``syslog``); debug lines are the other table,
``nornir_tasks.parsers.debug_catalogue``. Meanings are ours, written from the sources named.
"""

from __future__ import annotations

from nornir_tasks.parsers.log_messages_asa import ASA_MESSAGES
from nornir_tasks.parsers.log_messages_ios import IOS_MESSAGES
from nornir_tasks.parsers.log_sources import Message, Source

__all__ = ["MESSAGES", "Message", "Source", "fields_of", "lookup"]

_ASA_VPN = ("ASA", "FTD", "PIX")  # one numbering for the three
MESSAGES: tuple[Message, ...] = IOS_MESSAGES + ASA_MESSAGES

_INDEX: dict[tuple[str, str], Message] = {}
for _m in MESSAGES:
    if (_m.facility, _m.mnemonic) in _INDEX:
        raise ValueError(f"catalogue: {_m.facility}-{_m.mnemonic} is listed twice")
    _INDEX[(_m.facility, _m.mnemonic)] = _m


def lookup(facility: str, mnemonic: str) -> Message | None:
    """The catalogue entry of ``%FACILITY-n-MNEMONIC`` (FTD and PIX read as ASA)."""
    key = "ASA" if facility in _ASA_VPN else facility
    return _INDEX.get((key, mnemonic))


def fields_of(message: Message, text: str) -> tuple[tuple[str, str], ...]:
    """The named values ``message``'s pattern finds in ``text`` (empty when it does not match)."""
    m = message.pattern.search(text) if message.pattern else None
    if m is None:
        return ()
    return tuple((k, v.strip()) for k, v in m.groupdict().items() if v is not None)
