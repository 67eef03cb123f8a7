"""Each lint rule on a configuration that triggers it and on the clean one (BR12, field guide §6.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lab.scenario import load_scenario
from nornir_tasks.cli.main import main
from nornir_tasks.failover.lint import LINT_RULES, lint, lint_codes, lint_rule, lint_target
from nornir_tasks.failover.render import render_failover_config
from nornir_tasks.parsers._secrets import mask_secrets
from nornir_tasks.parsers.running_config import parse_running_config
from tests.failover.support import SPEC, scenario

_ROUTERS = {r.name: r.config for r in scenario(hub_accepts_backup=True).routers}
HQ_OK = _ROUTERS["HQ"]
HQ_NO_KEY = next(r.config for r in load_scenario("default").routers if r.name == "HQ")
BR12 = next(r.config for r in load_scenario("default").routers if r.name == "BR12")
AAA = "aaa new-model\naaa authorization commands 15 default group tacacs+ local\n"
NAT_ONE_ISP = "ip nat inside source list 10 interface GigabitEthernet1 overload\n"
NAT_SPLIT = (
    "route-map NAT-ISP1 permit 10\n match ip address 10\n match interface GigabitEthernet1\n"
    "route-map NAT-ISP2 permit 10\n match ip address 10\n match interface GigabitEthernet3\n"
    "ip nat inside source route-map NAT-ISP1 interface GigabitEthernet1 overload\n"
    "ip nat inside source route-map NAT-ISP2 interface GigabitEthernet3 overload\n"
)


def codes(text: str, hub: str = HQ_OK, change: str | None = None) -> set[str]:
    before = parse_running_config(BR12) if change else None
    target = lint_target("BR12", text, change, before)
    return {f.code for f in lint(target, [lint_target("HQ", hub)])}


# code -> (configuration that triggers it, the clean variant of the same situation)
CASES: dict[str, tuple[str, str]] = {
    "FO_PROBE_NOT_PINNED": (
        BR12.replace("ip route 8.8.8.8 255.255.255.255 GigabitEthernet1 203.0.113.49\n", ""),
        BR12,
    ),
    "FO_SLA_NOT_SCHEDULED": (
        BR12.replace("ip sla schedule 10 life forever start-time now\n", ""),
        BR12,
    ),
    "FO_SLA_TIMEOUT_ABOVE_FREQUENCY": (
        BR12.replace(" timeout 1000", " timeout 8000").replace(" threshold 1000", " threshold 800"),
        BR12,
    ),
    "FO_SLA_THRESHOLD_ABOVE_TIMEOUT": (BR12.replace(" threshold 1000", " threshold 2000"), BR12),
    "FO_TRACK_DELAY_OUT_OF_RANGE": (
        BR12.replace("delay down 15 up 60", "delay down 15 up 300"),
        BR12,
    ),
    "FO_TRACK_STATE_NOT_REACHABILITY": (BR12.replace("ip sla 10 reachability", "ip sla 10"), BR12),
    "FO_FLOATING_STATIC": (
        BR12.replace(
            "ip route 0.0.0.0 0.0.0.0 192.0.2.1 250", "ip route 0.0.0.0 0.0.0.0 192.0.2.1"
        ),
        BR12,
    ),
    "FO_NAT_NOT_SPLIT": (BR12 + NAT_ONE_ISP, BR12 + NAT_SPLIT),
    "FO_EEM_CLI_WITHOUT_ENABLE": (BR12.replace(' action 2.0 cli command "enable"\n', ""), BR12),
    "FO_EEM_NO_SESSION_USER": (
        AAA + BR12,
        AAA + "event manager session cli username EEM-SVC\n" + BR12,
    ),
    "FO_CRYPTO_MAP_NOT_ON_BACKUP": (
        BR12.replace(
            "ip address 192.0.2.2 255.255.255.252\n ip nat outside\n crypto map VPN\n",
            "ip address 192.0.2.2 255.255.255.252\n ip nat outside\n",
        ),
        BR12,
    ),
}


def test_every_registered_rule_has_a_case() -> None:
    assert set(lint_codes()) == {*CASES, "FO_SLA_EDITED_WHILE_SCHEDULED", "FO_PEER_REJECTS_BACKUP"}
    assert len(lint_codes()) == 13


def test_the_canonical_block_is_clean() -> None:
    assert codes(BR12) == set()


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_triggers_and_clean_variant_passes(code: str) -> None:
    bad, good = CASES[code]
    assert code in codes(bad)
    assert code not in codes(good)


def test_editing_a_scheduled_sla_needs_no_ip_sla_first() -> None:
    edit = "ip sla 10\n icmp-echo 8.8.8.8 source-interface GigabitEthernet1\n frequency 10\nend\n"
    assert "FO_SLA_EDITED_WHILE_SCHEDULED" in codes(BR12, change=edit)
    assert "FO_SLA_EDITED_WHILE_SCHEDULED" not in codes(BR12, change="no ip sla 10\n" + edit)


def test_peer_without_key_or_peer_entry_for_the_backup_address() -> None:
    target = lint_target("BR12", BR12)
    [finding] = lint(target, [lint_target("HQ", HQ_NO_KEY)])
    assert (finding.code, finding.severity, finding.peer) == (
        "FO_PEER_REJECTS_BACKUP",
        "critical",
        "198.51.100.2",
    )
    assert "no pre-shared key for 192.0.2.2" in finding.cause
    assert "crypto map entry with 'set peer 192.0.2.2'" in finding.cause
    assert "HQ: crypto isakmp key <removed> address 203.0.113.50" in finding.evidence
    assert finding.next_steps[0] == "on HQ: crypto isakmp key <the key> address 192.0.2.2"
    assert codes(BR12, hub=HQ_OK) == set()


def test_findings_quote_lines_and_give_the_fix() -> None:
    bad, _ = CASES["FO_PROBE_NOT_PINNED"]
    [f] = [f for f in lint(lint_target("BR12", bad)) if f.code == "FO_PROBE_NOT_PINNED"]
    assert f.severity == "critical"
    assert " icmp-echo 8.8.8.8 source-interface GigabitEthernet1" in f.evidence
    assert f.next_steps[0] == "ip route 8.8.8.8 255.255.255.255 GigabitEthernet1 203.0.113.49"


def test_a_code_registers_once() -> None:
    with pytest.raises(ValueError, match="already registered"):
        lint_rule("FO_NAT_NOT_SPLIT")(LINT_RULES["FO_NAT_NOT_SPLIT"])


def test_the_rendered_spec_lints_clean_when_merged() -> None:
    from nornir_tasks.failover.candidate import merged_config

    before = BR12.split("ip sla 10\n")[0] + "ip route 0.0.0.0 0.0.0.0 203.0.113.49\n"
    change = render_failover_config(SPEC, parse_running_config(before))
    assert codes(merged_config(before, change)) == set()


def test_cli_lint_files_json_and_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "BR12.cfg").write_text(BR12)
    (tmp_path / "HQ.cfg").write_text(HQ_NO_KEY)
    rc = main(
        [
            "failover",
            "lint",
            str(tmp_path / "BR12.cfg"),
            str(tmp_path / "HQ.cfg"),
            "--format",
            "json",
        ]
    )
    out = capsys.readouterr().out
    found = json.loads(out)["findings"]
    assert rc == 1
    assert [(f["code"], f["host"]) for f in found] == [("FO_PEER_REJECTS_BACKUP", "BR12")]
    assert "Br12-Psk" not in out
    (tmp_path / "HQ.cfg").write_text(HQ_OK)
    assert main(["failover", "lint", str(tmp_path / "BR12.cfg"), str(tmp_path / "HQ.cfg")]) == 0


Found = tuple[str, str, str | None, list[str]]


def _lint_json(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, list[Found]]:
    code = main(["failover", "lint", *map(str, paths), "--format", "json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    return code, [(f["code"], f["host"], f["peer"], f["evidence"]) for f in found]


def _evidence(config: str, host: str) -> str:
    """A running config as --save-evidence writes it: the prompt line, the output masked."""
    return f"{host}#show running-config\nBuilding configuration...\n\n{mask_secrets(config)}\n"


def test_cli_lint_identifies_configs_by_hostname_never_by_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 17 item 7: evidence files all named show_running-config.txt gave a false all-clear."""
    ev = tmp_path / "ev"
    for host, config in (("BR12", BR12), ("HQ", HQ_NO_KEY)):
        (ev / host).mkdir(parents=True)
        (ev / host / "show_running-config.txt").write_text(_evidence(config, host))
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    (renamed / "BR12.cfg").write_text(BR12)
    (renamed / "HQ.cfg").write_text(HQ_NO_KEY)
    (renamed / "a.txt").write_text(HQ_NO_KEY)  # any name: the hostname line says HQ
    (renamed / "b.txt").write_text(BR12)

    in_folders = _lint_json(
        capsys, ev / "BR12" / "show_running-config.txt", ev / "HQ" / "show_running-config.txt"
    )
    assert in_folders[0] == 1
    assert [f[:3] for f in in_folders[1]] == [("FO_PEER_REJECTS_BACKUP", "BR12", "198.51.100.2")]
    assert _lint_json(capsys, renamed / "BR12.cfg", renamed / "HQ.cfg") == in_folders
    assert _lint_json(capsys, renamed / "a.txt", renamed / "b.txt") == in_folders
    assert _lint_json(capsys, ev) == in_folders  # the evidence folder itself


def test_cli_lint_without_hostname_uses_the_evidence_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for host, config in (("BR12", BR12), ("HQ", HQ_NO_KEY)):
        (tmp_path / host).mkdir()
        headless = config.replace(f"hostname {host}\n", "")
        (tmp_path / host / "show_running-config.txt").write_text(headless)
    code, found = _lint_json(capsys, tmp_path)
    assert code == 1 and [f[:2] for f in found] == [("FO_PEER_REJECTS_BACKUP", "BR12")]


def test_cli_lint_refuses_the_same_router_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "one.cfg").write_text(BR12)
    (tmp_path / "two.cfg").write_text(BR12)
    code = main(["failover", "lint", str(tmp_path / "one.cfg"), str(tmp_path / "two.cfg")])
    # The console wraps at 80 columns, anywhere in a long path (xdist adds popen-gwN/ to it).
    err = "".join(capsys.readouterr().err.split())
    assert code == 3
    assert "BR12:twoconfigurationsgiven" in err and "one.cfg" in err and "two.cfg" in err
