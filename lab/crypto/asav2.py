"""What an ASA prints for the IKEv2 engine's steps: ``debug crypto ikev2 protocol|platform``
lines and ``%ASA-n-750xxx`` syslogs, in the ASA's words.

The engine words each step as IOS-XE does (``IKEv2:(SESSION ID = n,SA ID = 1):text``); on an
ASA ``V2Wire.log`` hands the text here and prints what this table gives, or nothing. Every
line is a string seen in a real ASA capture; where the capture gave no severity level, the
level is the lab's choice (said per line):

- ``IKEv2-PROTO-1: (16): Received Policies:`` / ``Proposal 1: AES-CBC-256 SHA1 SHA96
  DH_GROUP_1024_MODP/Group 2`` / ``Failed to find a matching policy`` / ``Expected
  Policies:``: golden case ``blog_asa_ikev2_debug_no_matching_policy`` (an ASA responder);
- ``IKEv2-PROTO-3: (172): Verify auth failed``, ``IKEv2-PROTO-1: (139): Auth exchange
  failed``, ``IKEv2-PLAT-3: attempting to find tunnel group for ID: ...`` / ``mapped to tunnel
  group ... using phase 1 ID``: Cisco doc 117337 (golden ``cisco_asa_ikev2_debug_*``); for a
  L2L peer found by address the same lines say ``for IP:`` / ``using peer IP``, the strings an
  ASA IKEv2 debug analyser matches (code index file 31304400721);
- ``Failed to authenticate the IKE SA``, ``Sending authentication failure notify``, ``Received
  no proposal chosen notify``, ``Can't find tunnel group for peer X``, ``Initial exchange
  failed``, ``Retransmitting packet``: strings the same analyser matches in ASA debugs (levels:
  the lab's);
- ``%ASA-4-750003: Local:A:500 Remote:B:500 Username:Unknown IKEv2 Negotiation aborted due to
  ERROR: ...``: an ASA syslog pasted on Network Engineering Stack Exchange (question 67085), the
  ``Failed to authenticate the IKE SA`` reason as a Firepower sample prints it (code index file
  28325799312); ``%ASA-5-750006: ... IKEv2 SA UP. Reason: New Connection Established``: the
  same sample's 750006 with the ASA's prefix (no ASA L2L capture of it was found; the lab puts
  the tunnel group, the peer's address, in ``Username``).
"""

from __future__ import annotations

from collections.abc import Sequence

from lab.device import Device
from lab.sadb import Ikev2Sa

PROPOSAL = "Proposal {n}: {encr} {prf} {integ} {dh}"


def _proto(level: int, sa: Ikev2Sa | None, text: str) -> str:
    return f"IKEv2-PROTO-{level}: ({sa.session_id if sa else 0}): {text}"


def debug_lines(text: str, sa: Ikev2Sa | None, peer: str) -> list[str]:
    """The ASA's debug lines for one engine debug ``text`` (IOS wording), or none."""
    body = text.lstrip("!").lstrip(": ").strip()
    if body.startswith("Searching policy based on peer's identity"):
        return [f"IKEv2-PLAT-3: attempting to find tunnel group for IP: {peer}"]
    if body == "Peer's policy verified":
        return [f"IKEv2-PLAT-3: mapped to tunnel group {peer} using peer IP"]
    if body == "% IKEv2 profile not found":
        return [f"IKEv2-PLAT-1: Can't find tunnel group for peer {peer}"]
    if body == "Failed to authenticate the IKE SA":
        if sa is not None and sa.role == "R":  # this end refused the peer's AUTH
            return [
                _proto(3, sa, "Verify auth failed"),
                _proto(1, sa, "Failed to authenticate the IKE SA"),
                _proto(3, sa, "Sending authentication failure notify"),
                _proto(1, sa, "Auth exchange failed"),
            ]
        return [_proto(1, sa, "Failed to authenticate the IKE SA"),
                _proto(1, sa, "Auth exchange failed")]  # fmt: skip
    if body == "Received no proposal chosen notify":
        return [_proto(1, sa, "Received no proposal chosen notify")]
    if body.startswith("Initial exchange failed"):
        return [_proto(1, sa, "Initial exchange failed")]
    if body == "Retransmitting packet":
        return [_proto(3, sa, "Retransmitting packet")]
    return []


def refusal_lines(sa: Ikev2Sa, received: Sequence[str], expected: Sequence[str]) -> list[str]:
    """A responder that found no matching policy: what it received and what it expected
    (each proposal already rendered with ``PROPOSAL``)."""
    return [
        _proto(1, sa, "Received Policies:"),
        *received,
        _proto(1, sa, "Failed to find a matching policy"),
        _proto(1, sa, "Expected Policies:"),
        *expected,
    ]


def _ends(sa: Ikev2Sa) -> str:
    return f"Local:{sa.local}:500 Remote:{sa.peer}:500"


def syslog_up(device: Device, sa: Ikev2Sa) -> None:
    device.log(f"%ASA-5-750006: {_ends(sa)} Username:{sa.peer} IKEv2 SA UP. Reason: "
               "New Connection Established")  # fmt: skip


def syslog_aborted(device: Device, sa: Ikev2Sa, error: str) -> None:
    device.log(
        f"%ASA-4-750003: {_ends(sa)} Username:Unknown IKEv2 Negotiation aborted due to "
        f"ERROR: {error}"
    )
