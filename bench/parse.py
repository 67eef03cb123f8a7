"""Parse throughput of ``show crypto ipsec sa``: our line scanner against ntc-templates.

Run: ``.venv/bin/python bench/parse.py [--runs 7]``. Prints a Markdown table.

The input is generated in the IOS-XE layout of the real captures in tests/golden
(``genie_iosxe_ipsec_sa_cryptomap_and_tunnel``, ``ntc_ios_ipsec_sa_detail_two_tunnels_natt``):
one tunnel-protection interface per peer (GRE, prot 47), one inbound and one outbound ESP SA,
``flow_id: CSR:n``; every 10th peer is down (``current outbound spi: 0x0(0)``, no SAs, zero
counters). ``detail`` replaces ``#send errors`` with the nine detailed error-counter lines and
adds ``replay window size``, as the device does.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import random
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from typing import Any

from nornir_tasks.models.ipsec import IpsecSaTable
from nornir_tasks.parsers import parse

DETAIL_COUNTERS = """\
    #pkts no sa (send) 0, #pkts invalid sa (rcv) 0
    #pkts encaps failed (send) 0, #pkts decaps failed (rcv) 0
    #pkts invalid prot (recv) 0, #pkts verify failed: 0
    #pkts invalid identity (recv) 0, #pkts invalid len (rcv) 0
    #pkts replay rollover (send): 0, #pkts replay rollover (rcv) 0
    ##pkts replay failed (rcv): {replay}
    #pkts tagged (send): 0, #pkts untagged (rcv): 0
    #pkts not tagged (send): 0, #pkts not untagged (rcv): 0
    #pkts internal err (send): 0, #pkts internal err (recv) 0
"""


def _sa_block(spi: int, conn: int, tag: str, kb: int, sec: int, detail: bool) -> str:
    window = "  replay window size: 1024" if detail else ""
    return (
        f"      spi: 0x{spi:08X}({spi})\n"
        "        transform: esp-256-aes esp-sha256-hmac ,\n"
        "        in use settings ={Tunnel, }\n"
        f"        conn id: {conn}, flow_id: CSR:{conn - 2000}, sibling_flags FFFFFFFF80004048,"
        f" crypto map: {tag}\n"
        f"        sa timing: remaining key lifetime (k/sec): ({kb}/{sec})\n"
        "        IV size: 16 bytes\n"
        f"        replay detection support: Y{window}\n"
        "        Status: ACTIVE(ACTIVE)\n"
    )


def _peer_block(i: int, rng: random.Random, detail: bool) -> str:
    tag = f"Tunnel{i}-head-0"
    peer = f"172.16.{i // 250}.{i % 250 + 1}"
    up = i % 10 != 0
    encaps = rng.randrange(10**3, 10**8) if up else 0
    decaps = rng.randrange(10**3, 10**8) if up else 0
    out_spi = rng.randrange(1, 2**32) if up else 0
    counters = (
        DETAIL_COUNTERS.format(replay=rng.choice((0, 0, 0, 1)) if up else 0)
        if detail
        else "    #send errors 0, #recv errors 0\n"
    )
    text = (
        f"interface: Tunnel{i}\n"
        f"    Crypto map tag: {tag}, local addr 10.0.0.1\n\n"
        "   protected vrf: (none)\n"
        "   local  ident (addr/mask/prot/port): (10.0.0.1/255.255.255.255/47/0)\n"
        f"   remote ident (addr/mask/prot/port): ({peer}/255.255.255.255/47/0)\n"
        f"   current_peer {peer} port 500\n"
        "     PERMIT, flags={origin_is_acl,}\n"
        f"    #pkts encaps: {encaps}, #pkts encrypt: {encaps}, #pkts digest: {encaps}\n"
        f"    #pkts decaps: {decaps}, #pkts decrypt: {decaps}, #pkts verify: {decaps}\n"
        "    #pkts compressed: 0, #pkts decompressed: 0\n"
        "    #pkts not compressed: 0, #pkts compr. failed: 0\n"
        "    #pkts not decompressed: 0, #pkts decompress failed: 0\n"
        f"{counters}\n"
        f"     local crypto endpt.: 10.0.0.1, remote crypto endpt.: {peer}\n"
        "     plaintext mtu 1438, path mtu 1500, ip mtu 1500, ip mtu idb GigabitEthernet1\n"
        f"     current outbound spi: 0x{out_spi:X}({out_spi})\n"
        "     PFS (Y/N): N, DH group: none\n\n"
        "     inbound esp sas:\n"
    )
    kb, sec = rng.randrange(4_000_000, 4_608_000), rng.randrange(1, 3600)
    if up:
        text += _sa_block(rng.randrange(1, 2**32), 2000 + 2 * i, tag, kb, sec, detail)
    text += "\n     inbound ah sas:\n\n     inbound pcp sas:\n\n     outbound esp sas:\n"
    if up:
        text += _sa_block(out_spi, 2001 + 2 * i, tag, kb, sec, detail)
    return text + "\n     outbound ah sas:\n\n     outbound pcp sas:\n\n"


def generate(peers: int, detail: bool) -> str:
    """A ``show crypto ipsec sa [detail]`` of ``peers`` tunnel-protection peers."""
    rng = random.Random(peers)
    return "".join(_peer_block(i, rng, detail) for i in range(1, peers + 1))


def timings(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median, min) seconds of ``runs`` timed calls after two warm-up calls."""
    fn()
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples)


def _ntc_parse_output() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("ntc_templates.parse")
    except ImportError:
        return None
    fn: Callable[..., Any] = module.parse_output
    return fn


def _genie_installed() -> bool:
    try:
        importlib.import_module("genie")
    except ImportError:
        return False
    return True


# Run by the --genie-python interpreter (pyATS/Genie live in their own venv: their pins
# conflict with ours): time ShowCryptoIpsecSa.parse(output=...) as _timings does here.
_GENIE_SCRIPT = """
import json, statistics, sys, time
from unittest.mock import Mock
from genie.libs.parser.iosxe.show_crypto import ShowCryptoIpsecSa
text = open(sys.argv[1]).read()
runs = int(sys.argv[2])
parser = ShowCryptoIpsecSa(device=Mock())
result = parser.parse(output=text)
parser.parse(output=text)
samples = []
for _ in range(runs):
    start = time.perf_counter()
    parser.parse(output=text)
    samples.append(time.perf_counter() - start)
found = sum(len(i.get("ident", {})) for i in result.get("interface", {}).values())
print(json.dumps([statistics.median(samples), min(samples), found]))
"""


def _genie(text: str, python: str, runs: int) -> tuple[float, float, str]:
    """(median, min, found) of Genie's ``ShowCryptoIpsecSa.parse`` in its own interpreter."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
        f.write(text)
        f.flush()
        out = subprocess.run(
            [python, "-c", _GENIE_SCRIPT, f.name, str(runs)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    median, fastest, found = json.loads(out.strip().splitlines()[-1])
    return float(median), float(fastest), f"{found} idents"


def _ours(text: str, detail: bool) -> tuple[Callable[[], object], str]:
    command = "show crypto ipsec sa detail" if detail else "show crypto ipsec sa"
    table = parse(command, text)
    assert isinstance(table, IpsecSaTable) and table.complete
    sas = sum(len(f.sas) for f in table.flows)
    return (lambda: parse(command, text)), f"{len(table.flows)} flows, {sas} SAs"


def _ntc(text: str, parse_output: Callable[..., Any]) -> tuple[Callable[[], object], str]:
    def run() -> object:
        return parse_output(platform="cisco_ios", command="show crypto ipsec sa detail", data=text)

    rows = run()
    assert isinstance(rows, list)
    return run, f"{len(rows)} rows"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=21, help="timed runs per cell (median reported)")
    ap.add_argument("--peers", type=int, nargs="+", default=[50, 500])
    ap.add_argument(
        "--genie-python",
        help="a Python with pyATS + genie.libs.parser installed (its own venv): time Genie too",
    )
    args = ap.parse_args()
    parse_output = _ntc_parse_output()

    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"{args.runs} timed runs per cell after 2 warm-up runs"
    )
    print()
    print("| parser | variant | peers | lines | median ms | min ms | lines/s (median) | found |")
    print("|---|---|---|---|---|---|---|---|")
    for peers in args.peers:
        for detail in (False, True):
            text = generate(peers, detail)
            lines = text.count("\n")
            variant = "detail" if detail else "plain"
            cells = [("vpndiag line scanner (`parse()`)", *_ours(text, detail))]
            if detail and parse_output is not None:
                cells.append(("ntc-templates `parse_output()`", *_ntc(text, parse_output)))
            rows = [(name, *timings(fn, args.runs), found) for name, fn, found in cells]
            if args.genie_python and not detail:
                rows.append(
                    (
                        "Genie `ShowCryptoIpsecSa.parse()`",
                        *_genie(text, args.genie_python, args.runs),
                    )
                )
            for name, median, fastest, found in rows:
                print(
                    f"| {name} | {variant} | {peers} | {lines:,} | {median * 1000:.2f} "
                    f"| {fastest * 1000:.2f} | {lines / median:,.0f} | {found} |"
                )
    print()
    if parse_output is None:
        print("ntc-templates is not installed: its rows are missing.")
    print(
        "ntc-templates ships a template for `show crypto ipsec sa detail` only, so it is timed "
        "on the detail variant."
    )
    if args.genie_python:
        print("Genie is timed on the plain variant (its parser is for `show crypto ipsec sa`).")
    elif not _genie_installed():
        print("Genie (pyATS genieparser) is not installed here: give --genie-python to time it.")


if __name__ == "__main__":
    main()
