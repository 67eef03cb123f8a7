"""Rendering: the canonical block, idempotence against the device, spec errors, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_tasks.failover.candidate import merged_config
from nornir_tasks.failover.render import render_failover_config
from nornir_tasks.failover.spec import FailoverSpec, SpecError, load_spec_file
from nornir_tasks.parsers.running_config import parse_running_config
from tests.failover.support import SPEC

BEFORE = "hostname BR12\ninterface GigabitEthernet1\n ip address 203.0.113.50 255.255.255.252\nip route 0.0.0.0 0.0.0.0 203.0.113.49\n"


def test_full_render_has_the_field_guide_block() -> None:
    text = render_failover_config(SPEC)
    assert text.splitlines()[:6] == [
        "ip sla 10",
        " icmp-echo 8.8.8.8 source-interface GigabitEthernet1",
        " threshold 1000",
        " timeout 1000",
        " frequency 5",
        "ip sla schedule 10 life forever start-time now",
    ]
    assert "ip route 8.8.8.8 255.255.255.255 Null0 250" in text
    assert ' action 3.0 cli command "clear ip nat translation *"' in text
    assert text.endswith("end\n")


def test_second_render_against_the_result_keeps_the_scheduled_sla() -> None:
    first = render_failover_config(SPEC, parse_running_config(BEFORE))
    assert first.startswith("no ip route 0.0.0.0 0.0.0.0 203.0.113.49\n")
    after = merged_config(BEFORE, first)
    second = render_failover_config(SPEC, parse_running_config(after))
    assert "ip sla 10\n" not in second and "no " not in second
    assert merged_config(after, second) == after


def test_a_changed_probe_is_removed_before_it_is_recreated() -> None:
    after = merged_config(BEFORE, render_failover_config(SPEC, parse_running_config(BEFORE)))
    faster = SPEC.model_copy(
        update={"probes": (SPEC.probes[0].model_copy(update={"frequency_s": 3}),)}
    )
    change = render_failover_config(faster, parse_running_config(after))
    lines = change.splitlines()
    assert lines.index("no ip sla 10") < lines.index("ip sla 10") < lines.index(" frequency 3")
    assert "ip sla schedule 10 life forever start-time now" in lines


def test_tcp_probe_sources_from_the_interface_address() -> None:
    tcp = SPEC.model_copy(
        update={"probes": (SPEC.probes[0].model_copy(update={"type": "tcp-connect", "port": 443}),)}
    )
    assert " tcp-connect 8.8.8.8 443 source-ip 203.0.113.50" in render_failover_config(
        tcp, parse_running_config(BEFORE)
    )


def test_template_override(tmp_path: Path) -> None:
    (tmp_path / "eem.j2").write_text("! no applets here\n")
    text = render_failover_config(SPEC, template_dir=tmp_path)
    assert "! no applets here" in text and "event manager applet" not in text
    assert "ip sla 10" in text  # the other templates still come from the package


def test_spec_file_errors_say_where(tmp_path: Path) -> None:
    path = tmp_path / "play.yaml"
    path.write_text(
        "failover:\n  primary: {interface: Gi1, next_hop: 1.1.1.1}\n  backup: {interface: Gi2, next_hop: 2.2.2.2}\n  probes:\n    - {target: 8.8.8.8, type: tcp-connect}\n"
    )
    with pytest.raises(SpecError, match=r"play.yaml:5: failover.probes.0: .*needs a port"):
        load_spec_file(path)
    path.write_text(
        "failover:\n  primary: {interface: Gi1, next_hop: 1.1.1.1}\n  backup: {interface: Gi2, next_hop: 2.2.2.2}\n  probes: [{target: 8.8.8.8}]\n  colour: red\n"
    )
    with pytest.raises(SpecError, match="colour"):
        load_spec_file(path)


def test_several_probes_make_a_boolean_or_list() -> None:
    spec = FailoverSpec.model_validate(
        {
            **SPEC.model_dump(),
            "probes": [{"id": 11, "target": "8.8.8.8"}, {"id": 12, "target": "1.1.1.1"}],
        }
    )
    text = render_failover_config(spec)
    assert "track 10 list boolean or\n object 11\n object 12\n delay down 15 up 60\n" in text
    assert "ip route 1.1.1.1 255.255.255.255 GigabitEthernet1 203.0.113.49" in text
