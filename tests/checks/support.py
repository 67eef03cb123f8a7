"""Helpers for the diagnosis tests: device text in the lab's and the corpus' formats, and runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nornir_tasks.checks import FleetEvidence, diagnose
from nornir_tasks.cli.main import main
from nornir_tasks.diagnose import Capture, fleet_from_captures
from nornir_tasks.models.findings import Finding, Severity

CAPTURES = Path(__file__).parent / "captures"
GOLDEN = Path(__file__).parents[1] / "golden"


def fleet(*captures: tuple[str, str]) -> FleetEvidence:
    """(host, pasted text) pairs -> fleet evidence (as ``vpndiag diagnose`` builds it)."""
    built, problems = fleet_from_captures([Capture(host, text) for host, text in captures])
    assert not problems, problems
    return built


def lab_fleet(scenario: str, *hosts: str) -> FleetEvidence:
    """Lab captures of ``scenario`` (all routers, or only ``hosts``)."""
    files = sorted((CAPTURES / scenario).glob("*.txt"))
    return fleet(*((f.stem, f.read_text()) for f in files if not hosts or f.stem in hosts))


def run(fleet_: FleetEvidence, code: str | None = None) -> list[Finding]:
    return [f for f in diagnose(fleet_) if code is None or f.code == code]


def codes(findings: list[Finding], at_least: Severity = Severity.INFO) -> set[str]:
    return {f.code for f in findings if f.severity >= at_least}


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    """``vpndiag diagnose ARGS --format json``: (exit code, findings)."""
    capsys.readouterr()
    rc = main(["diagnose", *args, "--format", "json"])
    out = capsys.readouterr().out
    findings = json.loads(out)["findings"] if out.strip() else []
    assert isinstance(findings, list)
    return rc, findings


# -- device text, in the formats the lab prints (lab/cmd_crypto.py) and the corpus shows ------


def isakmp_table(*rows: tuple[str, str, str, int, str]) -> str:
    """IOS-XE ``show crypto isakmp sa``: rows of (dst, src, state, conn-id, status)."""
    lines = [
        "IPv4 Crypto ISAKMP SA",
        "dst             src             state          conn-id status",
    ]
    lines += [f"{d:<16}{s:<16}{st:<15}{c:>7} {status}" for d, s, st, c, status in rows]
    return "\n".join(lines) + "\n\nIPv6 Crypto ISAKMP SA\n\n"


def ipsec_flow(
    local: str,
    peer: str,
    lan: str,
    remote_lan: str,
    encaps: int,
    decaps: int,
    spi_out: int | None = 0x2818E811,
    spi_in: int = 0x992F902B,
    interface: str = "GigabitEthernet1",
    send_errors: int = 0,
    replay_failed: int | None = None,
) -> str:
    """IOS-XE ``show crypto ipsec sa`` (``detail`` when ``replay_failed`` is given), one flow."""

    def ident(net: str) -> str:
        addr, mask = net.split("/")
        return f"({addr}/{mask}/0/0)"

    lines = [
        f"interface: {interface}",
        f"    Crypto map tag: VPN, local addr {local}",
        "",
        "   protected vrf: (none)",
        f"   local  ident (addr/mask/prot/port): {ident(lan)}",
        f"   remote ident (addr/mask/prot/port): {ident(remote_lan)}",
        f"   current_peer {peer} port 500",
        "     PERMIT, flags={origin_is_acl,}",
        f"    #pkts encaps: {encaps}, #pkts encrypt: {encaps}, #pkts digest: {encaps}",
        f"    #pkts decaps: {decaps}, #pkts decrypt: {decaps}, #pkts verify: {decaps}",
        "    #pkts compressed: 0, #pkts decompressed: 0",
        "    #pkts not compressed: 0, #pkts compr. failed: 0",
        "    #pkts not decompressed: 0, #pkts decompress failed: 0",
    ]
    if replay_failed is not None:
        lines += [
            "    #pkts no sa (send) 0, #pkts invalid sa (rcv) 0",
            "    #pkts encaps failed (send) 0, #pkts decaps failed (rcv) 0",
            "    #pkts invalid prot (recv) 0, #pkts verify failed: 0",
            "    #pkts invalid identity (recv) 0, #pkts invalid len (rcv) 0",
            "    #pkts replay rollover (send): 0, #pkts replay rollover (rcv) 0",
            f"    ##pkts replay failed (rcv): {replay_failed}",
            "    #pkts tagged (send): 0, #pkts untagged (rcv): 0",
            "    #pkts not tagged (send): 0, #pkts not untagged (rcv): 0",
            "    #pkts internal err (send): 0, #pkts internal err (recv) 0",
        ]
    lines += [
        f"    #send errors {send_errors}, #recv errors {replay_failed or 0}",
        "",
        f"     local crypto endpt.: {local}, remote crypto endpt.: {peer}",
        f"     plaintext mtu 1438, path mtu 1500, ip mtu 1500, ip mtu idb {interface}",
        f"     current outbound spi: 0x{spi_out or 0:X}({spi_out or 0})",
        "     PFS (Y/N): N, DH group: none",
        "",
        "     inbound esp sas:",
    ]
    if spi_out:
        lines += _sa(spi_in, 2001)
    lines += ["     inbound ah sas:", "", "     inbound pcp sas:", "", "     outbound esp sas:"]
    if spi_out:
        lines += _sa(spi_out, 2002)
    lines += ["     outbound ah sas:", "", "     outbound pcp sas:", ""]
    return "\n".join(lines) + "\n"


def _sa(spi: int, conn: int) -> list[str]:
    return [
        f"      spi: 0x{spi:X}({spi})",
        "        transform: esp-256-aes esp-sha256-hmac ,",
        "        in use settings ={Tunnel, }",
        f"        conn id: {conn}, flow_id: CSR:{conn % 1000}, sibling_flags FFFFFFFF80000048, crypto map: VPN",
        "        sa timing: remaining key lifetime (k/sec): (4607999/3540)",
        "        IV size: 16 bytes",
        "        replay detection support: Y",
        "        Status: ACTIVE(ACTIVE)",
        "",
    ]


def session(prompt: str, *outputs: tuple[str, str]) -> str:
    """A pasted session: each (command, output) after its prompt line."""
    return "".join(f"{prompt}#{command}\n{text.rstrip()}\n" for command, text in outputs)
