"""Sweep public router configurations through the configuration reader and the diagnosis.

Run: ``.venv/bin/python bench/config_sweep.py --batfish DIR [--verbose]`` (prints Markdown), DIR
a checkout of batfish/batfish (not vendored here). Its test configurations are a public body
of IOS, IOS-XE and ASA syntax: configs from its users' bug reports (``ios-ipsec-gh-*``),
AWS-generated customer-gateway configs, lab testrigs and grammar samples. The files whose text
has crypto, IP SLA, track or EEM lines are read; NX-OS files and the grammar samples that mix
IOS and ASA syntax in one file (no device prints both) are left out by name.

No other project lists the values of these files, so the expected values are read off the
configuration lines vpndiag models: the arguments of ``crypto``, ``set``, ``match``,
``tunnel``, ``ip sla``, ``track``, ``event``/``action`` and policy lines, keywords left out and
secrets never taken (only the address of a key line). Each is looked for in the parse JSON as
``bench/corpus_recall.py`` does. Two properties are checked outright: no secret of the file (the
word after ``key``, ``pre-shared-key``, ``password``, ``secret``, ``key-string``) appears in the
parse JSON or in the diagnosis, and ``diagnose`` neither crashes nor reports a critical finding
that is about the configuration alone.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

from corpus_recall import _found, _index

from nornir_tasks.checks import diagnose
from nornir_tasks.diagnose import Capture, fleet_from_captures
from nornir_tasks.models import to_jsonable
from nornir_tasks.parsers import parse_result

CONFIG_DIRS = (
    "projects/batfish/src/test/resources/org/batfish/grammar/cisco/testconfigs",
    "projects/batfish/src/test/resources/org/batfish/grammar/cisco/testrigs",
    "projects/batfish/src/test/resources/org/batfish/grammar/cisco_asa/testconfigs",
    "projects/batfish/src/test/resources/org/batfish/representation/aws",
    "projects/batfish/src/test/resources/org/batfish/grammar/aws/testrigs",
    "tests/parsing-tests/networks/unit-tests/configs",
    "networks",
)
# One file mixing IOS and ASA syntax, or NX-OS: not one device's configuration.
MIXED = re.compile(r"^(cisco_crypto|cisco_misc|cisco_webvpn|nxos.*)$")
RELEVANT = re.compile(r"^(crypto |ip sla|track \d|event manager|tunnel-group )", re.M)
# The lines whose arguments the configuration model keeps.
MODELLED = re.compile(
    r"^\s*(crypto |set |match |tunnel (source|destination|mode|protection)|ip sla|track |event "
    r"|action |icmp-echo|frequency|threshold|timeout|encr|hash|group|authentication|lifetime "
    r"|keyring|pre-shared-key|local-address|integrity|prf|proposal|keepalive|ip route )",
    re.I,
)
_KEYWORD_TEXT = (
    "crypto isakmp ikev1 ikev2 ipsec policy set match address identity map tunnel mode ip sla "
    "track event action interface key pre-shared-key keyring profile transform-set "
    "local-address authentication encryption encr hash group lifetime seconds kilobytes "
    "integrity prf proposal peer pfs security-association exit ipv4 ipv6 protection source "
    "destination esp ah reachability state up down schedule life forever start-time now "
    "frequency timeout threshold applet manager syslog pattern cli command delay priority "
    "ipsec-isakmp dynamic route permit deny host any remote local keepalive retry periodic "
    "on-demand description protocol ipsec-proposal tunnel-group type vrf isakmp-profile "
    "dynamic-map source-interface source-ip"
)
KEYWORDS = set(_KEYWORD_TEXT.split())
_SECRET = re.compile(
    r"\b(?:key|pre-shared-key|password|secret|key-string)\s+(?:[0-9]\s+)?(?!address\b)(\S+)", re.I
)


def configs(root: Path) -> list[Path]:
    found = []
    for folder in CONFIG_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file() or MIXED.match(path.name) or path.suffix == ".json":
                continue
            text = path.read_text(errors="replace")
            if RELEVANT.search(text) and "nxos" not in text[:400].lower():
                found.append(path)
    return found


def expected_values(text: str) -> list[str]:
    """The argument words of the modelled lines; of a line with a secret, its addresses only."""
    values: list[str] = []
    for line in text.splitlines():
        line = line.split("!")[0]
        if not MODELLED.match(line):
            continue
        if _SECRET.search(line):
            values += re.findall(r"\d+\.\d+\.\d+\.\d+", line)
            continue
        values += [w for w in line.split() if w.lower() not in KEYWORDS]
    return values


def secrets(text: str) -> set[str]:
    """The secret words of the file (short or placeholder words are not worth checking)."""
    return {m[1] for m in _SECRET.finditer(text) if len(m[1]) >= 4 and m[1] != "<removed>"}


@dataclass(frozen=True)
class Row:
    file: str
    found: int
    total: int
    missing: tuple[str, ...]
    unparsed: int
    leaked: tuple[str, ...]
    critical: tuple[str, ...]


def sweep(path: Path, root: Path) -> Row:
    text = path.read_text(errors="replace")
    result = parse_result("show running-config", text)
    parsed = json.dumps(to_jsonable(result.value))
    words, numbers = _index(result.value)
    values = expected_values(text)
    missing = tuple(v for v in values if not _found(v, words, numbers))
    fleet, _ = fleet_from_captures([Capture(path.name, text)])
    findings = diagnose(fleet)
    said = json.dumps([to_jsonable(f) for f in findings])
    leaked = tuple(sorted(s for s in secrets(text) if s in parsed or s in said))
    critical = tuple(sorted({f.code for f in findings if f.severity.value == "critical"}))
    found = len(values) - len(missing)
    rel = str(path.relative_to(root))
    return Row(rel, found, len(values), missing, result.unparsed_count, leaked, critical)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--batfish", type=Path, required=True, help="a batfish/batfish checkout")
    args.add_argument("--verbose", action="store_true", help="list the values not found")
    opts = args.parse_args()
    rows = [sweep(p, opts.batfish) for p in configs(opts.batfish)]
    print("| config | values found | lines not read | secrets leaked | critical findings |")
    print("|---|---|---|---|---|")
    for r in rows:
        leaked, critical = len(r.leaked), " ".join(r.critical)
        print(f"| {r.file} | {r.found}/{r.total} | {r.unparsed} | {leaked} | {critical} |")
        if opts.verbose and r.missing:
            print(f"|  | missing: {', '.join(r.missing[:15])} |  |  |  |")
    found, total = sum(r.found for r in rows), sum(r.total for r in rows)
    print()
    print(f"- configurations: {len(rows)}")
    print(f"- modelled values found: {found}/{total} ({found / max(total, 1):.1%})")
    print(f"- secrets leaked into the parse or the diagnosis: {sum(len(r.leaked) for r in rows)}")
    print(f"- with a critical finding: {sum(bool(r.critical) for r in rows)}")


if __name__ == "__main__":
    main()
