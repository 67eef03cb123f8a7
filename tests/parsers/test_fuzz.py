"""Bad input never crashes: the issue's reproductions, and a seeded mutation fuzzer.

The fuzzer (tests/fuzzing.py) mutates every golden and lab capture and runs each mutation
through parse, the offline diagnosis and the failover lint; the only exception allowed is the
documented ParseError. ``bench/fuzz.py`` runs the same at nightly size.
"""

from __future__ import annotations

import pytest

from nornir_tasks.checks import diagnose
from nornir_tasks.diagnose import Capture, fleet_from_captures
from nornir_tasks.failover.lint import lint, lint_target
from nornir_tasks.models.config import RunningConfig
from nornir_tasks.parsers import parse, parse_result
from nornir_tasks.parsers.addressing import network, wildcard_network
from tests.checks.support import CAPTURES
from tests.fuzzing import run

SEED = 20261203
BR12 = (CAPTURES / "default" / "BR12.txt").read_text()


def _diagnose(*texts: str) -> None:
    fleet, _ = fleet_from_captures([Capture(f"R{i}", t) for i, t in enumerate(texts)])
    diagnose(fleet)


def test_the_fuzzer_finds_nothing_but_parse_errors() -> None:
    outcome = run(SEED, 400)
    assert outcome.mutations == 400
    shown = "\n".join(
        f"{c.sample} via {c.target} (seed {c.seed}, index {c.index}):\n{c.error}"
        for c in outcome.crashes[:3]
    )
    assert not outcome.crashes, f"{len(outcome.crashes)} crashes:\n{shown}"


@pytest.mark.parametrize(
    "config",
    [
        "route-map\n",
        "hostname R1\ncrypto isakmp policy\n encr aes\nend\n",
        "hostname R1\ncrypto ipsec transform-set\n mode\nend\n",
        "hostname R1\ncrypto ipsec transform-set TS esp-aes esp-sha-hmac\n mode\nend\n",
        "hostname R1\ninterface Tunnel0\n tunnel protection ipsec profile\nend\n",
        "hostname R1\nip sla\nip sla schedule\ntrack\nevent manager applet\ncrypto map\nend\n",
    ],
)
def test_commands_without_arguments_are_read_as_absent(config: str) -> None:
    model = parse("show running-config", config)
    assert isinstance(model, RunningConfig)
    _diagnose(config)
    lint(lint_target("R1", config))


def test_a_number_no_device_prints_is_not_read_and_does_not_overflow() -> None:
    huge = "9" * 320
    summary = (
        "IPSLAs Latest Operation Summary\nCodes: * active, ^ inactive, ~ pending\n\n"
        "ID           Type        Destination       Stats       Return      Last\n"
        "                                                       Code        Run\n"
        "-----------------------------------------------------------------------\n"
        f"*1           icmp-echo   8.8.8.8           RTT={huge}  OK          21 seconds ago\n"
        "*2           icmp-echo   8.8.4.4           RTT=44      OK          3 seconds ago\n"
    )
    result = parse_result("show ip sla summary", summary)
    assert list(result.value.entries) == [2] and result.unparsed_count == 1
    _diagnose("R1#show ip sla summary\n" + summary)


def test_a_non_contiguous_crypto_acl_wildcard_is_compared_as_printed() -> None:
    acl = " permit ip 10.12.0.0 0.0.0.255 10.0.0.0 0.0.0.255"
    assert acl in BR12
    odd = BR12.replace(acl, " permit ip 10.12.0.0 0.0.0.255 10.0.0.0 0.0.0.2")
    _diagnose(odd)
    assert wildcard_network("10.0.0.0", "0.0.0.2") is None
    assert str(wildcard_network("10.0.0.0", "0.0.0.255")) == "10.0.0.0/24"


@pytest.mark.parametrize("noise", ["\x01", "\x0b", "\ufffd", "x"])
def test_a_route_mask_with_a_stray_character_is_not_a_network(noise: str) -> None:
    # the route that pins the SLA probe (checks/failover and the lint read its mask)
    route = "ip route 8.8.8.8 255.255.255.255 GigabitEthernet1 203.0.113.49"
    assert route in BR12
    bad = BR12.replace(route, route.replace("255.255.255.255", f"255.255.{noise}255.255"))
    _diagnose(bad)
    config = bad[bad.index("BR12#show running-config") :]
    lint(lint_target("BR12", config[: config.index("\nend") + 5]))
    assert network("8.8.8.8", f"255.255.{noise}255.255") is None


@pytest.mark.parametrize(
    ("addr", "mask", "expected"),
    [
        ("10.0.0.1", "255.255.255.0", "10.0.0.0/24"),
        ("10.0.0.1/255.255.255.0", None, "10.0.0.0/24"),
        ("10.0.0.0/24", None, "10.0.0.0/24"),
        ("255.255.255.255", "255.255.255.255", "255.255.255.255/32"),
        ("10.0.0.1", None, "10.0.0.1/32"),
        ("10.0.0.1", "255.0.255.0", None),
        ("n03.0.113.6", None, None),
        ("", None, None),
    ],
)
def test_network_reads_what_devices_print(
    addr: str, mask: str | None, expected: str | None
) -> None:
    net = network(addr, mask)
    assert (str(net) if net is not None else None) == expected
