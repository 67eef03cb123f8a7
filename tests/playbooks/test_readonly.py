"""The read-only allow-list: what a playbook may send without ``changes: true`` (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_tasks.checks import registered_codes
from nornir_tasks.playbooks.loader import SHIPPED, PlaybookError, parse_playbook
from nornir_tasks.playbooks.model import smtp_router_commands
from nornir_tasks.playbooks.readonly import NotReadOnlyError, refusal, require_read_only

READ_ONLY = [
    "show crypto isakmp sa",
    "sh cry isa sa",  # IOS abbreviations of show
    "show running-config | include crypto",
    "show run | i crypto|isakmp",  # regex alternation, not a second modifier
    "show run | sec crypto map",
    "show logging | count %CRYPTO",
    "show run | exclude !",
    "show run | begin crypto",
    "show crypto ipsec sa | grep pkts",  # ASA
    "ping 198.51.100.2 source GigabitEthernet1 repeat 5",
    "traceroute 8.8.8.8",
    "telnet 192.0.2.25 25",
    "telnet 192.0.2.25 smtp /source-interface GigabitEthernet2",
    "packet-tracer input inside icmp 10.1.0.10 8 0 10.0.0.10 detailed",  # ASA, simulated
    "packet-tracer input inside tcp 10.1.0.10 1025 10.0.0.10 443",
]

REFUSED = {
    "packet-tracer input inside icmp 10.1.0.10 8 0 10.0.0.10 transmit": "does more than simulate",
    "packet-tracer input inside pcap trace.pcap": "allowed only as",
    "packet-tracer input inside tcp 10.1.0.10 1 10.0.0.10 2 persist": "does more than simulate",
    "packet-tracer": "allowed only as",
    "clear crypto sa": "'clear' clears state",
    "cle cry sa": "'clear' clears state",
    "clear crypto session": "'clear' clears state",
    "configure terminal": "'configure' enters configuration mode",
    "conf t": "'configure' enters configuration mode",
    "reload": "'reload' reboots",
    "reload in 5": "'reload' reboots",
    "write": "'write' writes the configuration",
    "wr mem": "'write' writes the configuration",
    "copy running-config startup-config": "'copy' copies",
    "debug crypto isakmp": "outside the guarded debug steps",
    "deb cry ipsec": "outside the guarded debug steps",
    "undebug all": "outside the guarded debug steps",
    "delete /force bootflash:x": "'delete' deletes files",
    "show run | redirect bootflash:x": "'| redirect' writes the output to a file",
    "show run | red bootflash:x": "'| red' writes the output to a file",
    "show run | append bootflash:x": "'| append' appends",
    "show run | tee bootflash:x": "'| tee' copies the output to a file",
    "show run | include x | tee bootflash:y": "'| tee' copies",
    "show run | format bootflash:spec": "not one of the filters",
    "show run |": "not one of the filters",
    "show clock\nreload": "a line break",
    "show": "needs what to show",
    "ping": "interactive dialogue",
    "traceroute": "interactive dialogue",
    "telnet 10.0.0.1": "only as 'telnet HOST 25'",
    "telnet 10.0.0.1 23": "only as 'telnet HOST 25'",
    "s run": "'s' is ambiguous",
    "t 10.0.0.1": "'t' is ambiguous",
    "install add file bootflash:x.bin": "not a known exec command",
    "": "is empty",
}


@pytest.mark.parametrize("command", READ_ONLY)
def test_read_only_forms_pass(command: str) -> None:
    assert refusal(command) is None


@pytest.mark.parametrize("command", sorted(REFUSED), ids=repr)
def test_other_commands_are_refused_with_the_reason(command: str) -> None:
    found = refusal(command)
    assert found is not None and REFUSED[command] in found.why


PLAYBOOK = """name: reset
description: clears SAs
{changes}collect:
  commands:
    - show crypto isakmp sa
    - cle cry sa
assertions:
  - name: a
    command: conf t
    contains: x
wait_until:
  - name: w
    command: show run | redirect bootflash:x
    contains: y
"""


def _error(text: str, allow_changes: bool = False) -> str:
    with pytest.raises(PlaybookError) as err:
        parse_playbook(text, "reset.yaml", registered_codes(), allow_changes)
    return str(err.value)


def test_a_playbook_is_refused_naming_file_line_field_command_and_why() -> None:
    msg = _error(PLAYBOOK.format(changes=""), allow_changes=True)
    lines = msg.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(
        "reset.yaml:6: collect.commands.1: 'cle cry sa' is refused: 'clear' clears state"
    )
    assert lines[1].startswith("reset.yaml:9: assertions.0.command: 'conf t' is refused")
    assert lines[2].startswith("reset.yaml:13: wait_until.0.command: 'show run | redirect")
    assert all("playbook 'reset' is read-only" in line for line in lines)
    assert "--allow-changes" in lines[0]


def test_changes_true_needs_allow_changes_on_the_command_line() -> None:
    text = PLAYBOOK.format(changes="changes: true\n")
    msg = _error(text)
    assert "declares 'changes: true': run it with --allow-changes" in msg
    playbook = parse_playbook(text, "reset.yaml", registered_codes(), allow_changes=True)
    assert playbook.changes and "cle cry sa" in playbook.collect.commands


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_playbooks_are_read_only(path: Path) -> None:
    playbook = parse_playbook(path.read_text(), str(path), registered_codes())
    assert not playbook.changes


SMTP_PLAYBOOK = """name: relay
checks: []
smtp:
  relays:
    - host: {host}
      port: 2525
  sources: [{sources}]
  source_interface: {interface}
"""


def _smtp_playbook(host: str, interface: str = "GigabitEthernet2", sources: str = "router") -> str:
    return SMTP_PLAYBOOK.format(host=host, interface=interface, sources=sources)


def test_the_telnet_the_smtp_step_types_on_routers_is_a_read_only_form() -> None:
    text = _smtp_playbook("192.0.2.25")  # its own port: vpndiag types SMTP into that session
    playbook = parse_playbook(text, "relay.yaml", registered_codes())
    assert [c for _, c in smtp_router_commands(playbook)] == [
        "telnet 192.0.2.25 2525 /source-interface GigabitEthernet2"
    ]
    require_read_only(playbook)


@pytest.mark.parametrize(
    "host, interface, why",
    [
        ('"192.0.2.25 23"', "Gi2", "reset.yaml:5: smtp.relays.0.host: 'telnet 192.0.2.25 23 25"),
        ('"192.0.2.25\\rreload"', "Gi2", "a control character or a line break"),
        (
            "192.0.2.25",
            '"Gi2 | redirect flash:x"',
            "25 /source-interface Gi2 | redirect flash:x' is",
        ),
    ],
)
def test_relay_or_interface_words_that_make_another_command_are_refused(
    host: str, interface: str, why: str
) -> None:
    msg = _error(_smtp_playbook(host, interface))
    assert why in msg and "is read-only" in msg


def test_relays_tested_only_from_the_tool_host_type_nothing_on_routers() -> None:
    text = _smtp_playbook('"192.0.2.25 23"', sources="tool")
    assert smtp_router_commands(parse_playbook(text, "relay.yaml", registered_codes())) == []


def test_a_playbook_built_in_code_is_refused_before_device_io() -> None:
    playbook = parse_playbook(_smtp_playbook("192.0.2.25"), "relay.yaml", registered_codes())
    section = playbook.smtp
    assert section is not None
    relay = section.relays[0].model_copy(update={"host": "192.0.2.25 23"})
    built = playbook.model_copy(update={"smtp": section.model_copy(update={"relays": [relay]})})
    with pytest.raises(NotReadOnlyError, match=r"telnet 192\.0\.2\.25 23 25"):
        require_read_only(built)
