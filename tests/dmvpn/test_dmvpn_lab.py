"""DMVPN live over SSH (the ``dmvpn`` scenario): health and triage name each NHRP fault on the
spoke where its cause is, and an unmodified netmiko session sees registration, a shortcut that
appears after traffic and ages out after the hold time, in IOS-XE's words."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from netmiko import BaseConnection, ConnectHandler

from lab.fleet import Fleet
from nornir_tasks.checks import registered_codes
from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.main import main
from nornir_tasks.cli.triage_interface import interface_peers
from nornir_tasks.models.dmvpn import DmvpnState, DmvpnTable
from nornir_tasks.models.findings import Severity
from nornir_tasks.models.tunnel_status import TunnelKind, TunnelStatus
from nornir_tasks.parsers import parse_result
from nornir_tasks.playbooks.loader import load_playbook
from nornir_tasks.playbooks.runner import PlaybookRun, RunOptions, run_playbook
from nornir_tasks.tasks.hosts import open_inventory
from tests.history.lab_runs import record, report_json, tunnels
from tests.lab.labcli import configure
from tests.lab_fleet import settled

pytestmark = pytest.mark.lab

HUB = "198.51.100.130"
D01, D02, D03, D04, D05 = (f"203.0.113.{130 + 4 * n}" for n in range(5))


@pytest.fixture(scope="module")
def cloud(host_key: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Fleet, Path]]:
    yield from settled("dmvpn", host_key, tmp_path_factory.mktemp("inv"), 60)


def run(cloud: tuple[Fleet, Path], name: str, hosts: list[str], **options: object) -> PlaybookRun:
    fleet, config = cloud
    playbook = load_playbook(name, registered_codes())
    playbook = playbook.model_copy(
        update={"hosts": playbook.hosts.model_copy(update={"names": hosts})}
    )
    nr = open_inventory(config)
    try:
        opts = {"sleep": fleet.advance, "clock": fleet.clock.now, "poll_interval": 0, **options}
        return run_playbook(nr, playbook, RunOptions(**opts))  # type: ignore[arg-type]
    finally:
        nr.close_connections()


def test_health_names_each_fault_where_its_cause_is(cloud: tuple[Fleet, Path]) -> None:
    result = run(cloud, "health_check", ["DH1", "D01", "D02", "D03", "D04", "D05"])
    above_info = {
        (f.host, f.code, f.peer) for f in result.report.findings if f.severity > Severity.INFO
    }
    assert above_info == {
        ("D03", "NHRP_NHS_ADDRESS_WRONG", HUB),
        ("D04", "NHRP_AUTH_MISMATCH", HUB),
    }
    counts = {h.host: (h.tunnels_up, h.tunnels_total) for h in result.report.hosts}
    assert counts == {  # a socket NHRP has not registered is not an up tunnel
        "DH1": (3, 5), "D01": (2, 2), "D02": (2, 2), "D03": (0, 1), "D04": (0, 1), "D05": (1, 1),
    }  # fmt: skip
    read = {c.host: {o.command for o in c.outputs} for c in result.collections}
    assert {"show dmvpn detail", "show ip nhrp"} <= read["D01"] and "show crypto map" not in read[
        "D01"
    ]


def test_triage_reads_both_ends_without_debug(cloud: tuple[Fleet, Path]) -> None:
    result = run(cloud, "tunnel_triage", ["D03", "DH1"], focus=frozenset({HUB, "203.0.113.138"}),
                 debug_seconds=5)  # fmt: skip
    codes = {(f.host, f.code) for f in result.report.findings}
    assert ("D03", "NHRP_NHS_ADDRESS_WRONG") in codes
    assert result.debug == ()  # the state explained it: no debug ran


def triage_cli(cloud: tuple[Fleet, Path], out: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """``vpndiag triage ... -o out.json`` against the cloud (the debug window is real time)."""
    config = str(cloud[1])
    code = main(["triage", *args, "-i", config, "--debug-seconds", "1", "--poll-interval", "0",
                 "-o", str(out / "triage.json")])  # fmt: skip
    return code, json.loads((out / "triage.json").read_text())


def test_triage_of_a_spoke_interface_reads_its_hub_and_debugs_both_ends(
    cloud: tuple[Fleet, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``triage D03 --interface Tunnel0 --debug``: the mGRE interface has no destination; its
    server (the hub, from show dmvpn) is the peer; both ends run ``debug crypto ikev2`` and
    ``debug nhrp`` under conditions for each other and are clean afterwards."""
    code, report = triage_cli(cloud, tmp_path, "D03", "--interface", "Tunnel0", "--debug")
    assert code == exit_codes.FINDINGS
    assert {h["host"] for h in report["hosts"]} == {"D03", "DH1"}
    found = {(f["host"], f["code"], f["peer"]) for f in report["findings"]}
    assert ("D03", "NHRP_NHS_ADDRESS_WRONG", HUB) in found
    assert not [f for f in report["findings"] if f["peer"] not in (None, HUB, D03)]
    debugs = {d["host"]: d for d in report["debug"]}
    assert set(debugs) == {"D03", "DH1"}, report["debug"]
    assert debugs["D03"]["conditions"] == [f"peer ipv4 {HUB}"]
    assert debugs["DH1"]["conditions"] == [f"peer ipv4 {D03}"]
    assert all("ikev2" in d["kinds"] and d["cleanup_verified"] for d in debugs.values())
    assert all("nhrp" in d["kinds"] for d in debugs.values())  # DMVPN peers: debug nhrp too
    devices = cloud[0].devices.values()
    assert not any(d.debugs or d.debug_conditions or d.nhrp_conditions for d in devices)
    assert f"D03 Tunnel0 (DMVPN spoke): triaging 1 peer(s): {HUB}" in capsys.readouterr().err


def test_triage_of_the_shortcut_reads_hub_and_shortcut_peer_and_finds_them_up(
    cloud: tuple[Fleet, Path], tmp_path: Path
) -> None:
    code, report = triage_cli(cloud, tmp_path, "D01", "--interface", "tu0")
    assert code == exit_codes.OK, report["findings"]
    hosts = {h["host"]: h for h in report["hosts"]}
    assert set(hosts) == {"D01", "DH1", "D02"}
    assert (hosts["D01"]["tunnels_up"], hosts["D01"]["tunnels_total"]) == (2, 2)
    assert (hosts["D02"]["tunnels_up"], hosts["D02"]["tunnels_total"]) == (2, 2)
    assert report["debug"] == []  # up: nothing to explain


def test_the_hub_interface_has_every_spoke_for_peer_and_peer_narrows_it(
    cloud: tuple[Fleet, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """What ``triage DH1 --interface Tunnel0 [--peer X]`` reads before the triage itself (the
    ends and the triage are the spoke's tests above)."""
    nr = open_inventory(cloud[1])
    try:  # registered spokes, then the sockets of D03 and D04 (registration refused)
        assert interface_peers(nr, "DH1", "Tunnel0", None) == (D01, D02, D05, D03, D04)
        assert "narrow with --peer ADDRESS" in capsys.readouterr().err
        assert interface_peers(nr, "DH1", "Tunnel0", D04) == (D04,)
    finally:
        nr.close_connections()


def _dmvpn(conn: BaseConnection) -> DmvpnTable:
    parsed = parse_result("show dmvpn detail", str(conn.send_command("show dmvpn detail")))
    assert parsed.unparsed == ()  # the lab prints what the captures print
    assert isinstance(parsed.value, DmvpnTable)
    return parsed.value


def test_registration_then_a_shortcut_that_ages_out(cloud: tuple[Fleet, Path]) -> None:
    """Last in the module: it moves the clock past the hold time."""
    fleet, _ = cloud
    d01 = ConnectHandler(**fleet.connection("D01"))
    d01.enable()
    rows = {(p.nbma, p.attrb): p.state for p in _dmvpn(d01).peers()}
    assert rows == {
        (HUB, "S"): DmvpnState.UP,
        (D02, "DT2"): DmvpnState.UP,
        (D02, "DT1"): DmvpnState.UP,
    }
    log = str(d01.send_command("show logging | include DMVPN"))
    assert log.index("socket is UP") < log.index("%DMVPN-5-NHRP_NHS_UP")  # IPsec, then NHRP
    d01.disconnect()
    d05 = ConnectHandler(**fleet.connection("D05"))
    d05.enable()
    assert [p.nbma for p in _dmvpn(d05).peers()] == [HUB]
    assert "!!!!!" in d05.send_command("ping 10.42.0.1 source GigabitEthernet2")
    fleet.advance(1)  # the hub's redirect, the resolution through it, D02's direct answer
    assert {(p.nbma, p.attrb) for p in _dmvpn(d05).peers()} >= {(D02, "DT1"), (D02, "DT2")}
    fleet.advance(330)  # past the 300 s hold time, no traffic since
    assert [p.nbma for p in _dmvpn(d05).peers()] == [HUB]
    gone = str(d05.send_command("show logging | include CRYPTO_SS"))
    assert f"remote address : {D02} socket is DOWN" in gone
    d05.disconnect()


def test_history_keys_dmvpn_tunnels_by_nbma_and_drift_tells_an_outage_from_a_shortcut(
    cloud: tuple[Fleet, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Last in the module (it shuts D01's tunnel): two recorded health checks around D01's
    Tunnel0 shut down and 330 s of lab clock. Hub-spoke tunnels going away are critical drift;
    the shortcuts that age out with them (D05-D02 on its own) are expected."""
    fleet, config = cloud
    db, hosts = tmp_path / "history.db", ["DH1", "D01", "D02", "D05"]
    d05 = ConnectHandler(**fleet.connection("D05"))
    d05.enable()
    assert "!!!!!" in d05.send_command("ping 10.42.0.1 source GigabitEthernet2")
    d05.disconnect()
    fleet.advance(1)
    before = record(config, db, tmp_path / "a", hosts)
    configure(fleet, "D01", "interface Tunnel0", "shutdown")
    fleet.advance(330)  # past the shortcuts' 300 s hold time
    after = record(config, db, tmp_path / "b", hosts)

    recorded = tunnels(db, before)
    kinds = {k: (t.kind, t.interface, t.state, t.phase1) for k, t in recorded.items()}
    up = (TunnelStatus.UP, "READY")
    assert {k: v for k, v in kinds.items() if k[0] != "DH1"} == {
        ("D01", HUB): (TunnelKind.DMVPN_HUB, "Tunnel0", *up),
        ("D01", D02): (TunnelKind.DMVPN_SHORTCUT, "Tunnel0", *up),
        ("D02", HUB): (TunnelKind.DMVPN_HUB, "Tunnel0", *up),
        ("D02", D01): (TunnelKind.DMVPN_SHORTCUT, "Tunnel0", *up),
        ("D02", D05): (TunnelKind.DMVPN_SHORTCUT, "Tunnel0", *up),
        ("D05", HUB): (TunnelKind.DMVPN_HUB, "Tunnel0", *up),
        ("D05", D02): (TunnelKind.DMVPN_SHORTCUT, "Tunnel0", *up),
    }  # keyed by NBMA address only: no tunnel address (172.30.0.x) anywhere
    assert {k[1] for k in kinds if k[0] == "DH1"} == {D01, D02, D03, D04, D05}
    assert {v[0] for k, v in kinds.items() if k[0] == "DH1"} == {TunnelKind.DMVPN_SPOKE}
    # D01's hub tunnel stays, down: its interface is shut (TUNNEL_ADMIN_DOWN), not gone
    assert tunnels(db, after)[("D01", HUB)].state is TunnelStatus.DOWN
    assert tunnels(db, after).keys() == {("D01", HUB), ("D02", HUB), ("D05", HUB)} | {
        ("DH1", p) for p in (D02, D03, D04, D05)
    }

    capsys.readouterr()
    assert main(["audit", "diff", "--db", str(db)]) == exit_codes.FINDINGS  # no new finding
    out = capsys.readouterr().out
    down, aged = out.split("tunnels down (critical)")[1].split("DMVPN shortcuts aged out")
    assert sorted(line.strip() for line in down.strip().splitlines()) == [
        f"D01 Tunnel0 -> {HUB} (DMVPN hub): up -> down",
        f"DH1 Tunnel0 -> {D01} (DMVPN spoke): up -> gone",
    ]
    assert f"D05 Tunnel0 -> {D02} (DMVPN shortcut): up -> gone" in aged
    assert f"D02 Tunnel0 -> {D05} (DMVPN shortcut): up -> gone" in aged

    assert main(["history", "D05", "--db", str(db), "--format", "json"]) == exit_codes.OK
    timelines = json.loads(capsys.readouterr().out)["tunnels"]
    assert {(t["peer"], t["kind"], t["interface"]) for t in timelines} == {
        (HUB, "dmvpn-hub", "Tunnel0"), (D02, "dmvpn-shortcut", "Tunnel0"),
    }  # fmt: skip
    history = report_json(tmp_path / "b")["history"]  # both runs' states, as the chart draws
    assert {(p["host"], p["peer"], p["state"]) for p in history} >= {
        ("D05", D02, "up"), ("DH1", D01, "up"), ("D01", HUB, "up"),
    }  # fmt: skip
    html = (tmp_path / "b" / "report.html").read_text()
    assert f"<title>D05 → {D02}</title>" in html and f"<title>DH1 → {D01}</title>" in html


def test_debug_nhrp_shows_the_spoke_registering_unanswered(cloud: tuple[Fleet, Path]) -> None:
    """Last in the module (its debug window passes on the lab clock): D03 and DH1 debugged
    under 'debug nhrp condition peer nbma' for each other. D03's Registration Requests go out
    to the hub's NBMA and no reply comes back (its server address is wrong); the hub receives
    them. Both ends clean afterwards, NHRP conditions included."""
    fleet, inventory = cloud
    playbook = load_playbook("tunnel_triage", registered_codes())
    hosts = playbook.hosts.model_copy(update={"names": ["D03", "DH1"]})
    options = RunOptions(sleep=fleet.advance, clock=fleet.clock.now, poll_interval=0,
                         focus=frozenset({HUB, D03}), debug_seconds=70, debug_always=True)  # fmt: skip
    nr = open_inventory(inventory)
    try:
        result = run_playbook(nr, playbook.model_copy(update={"hosts": hosts}), options)
    finally:
        nr.close_connections()
    debugs = {c.host: c for c in result.debug}
    assert all("nhrp" in c.kinds and c.cleanup_verified for c in debugs.values()), debugs
    spoke = [ln.split(": ", 1)[-1] for ln in debugs["D03"].lines]
    assert "NHRP: Send Registration Request via Tunnel0 vrf 0, packet size: 105" in spoke, spoke
    assert "src: 172.30.0.13, dst: 172.30.0.2" in spoke  # to the wrong server address
    assert not any("Receive Registration Reply" in ln for ln in spoke)
    hub = [ln.split(": ", 1)[-1] for ln in debugs["DH1"].lines]
    assert "NHRP: Receive Registration Request via Tunnel0 vrf 0, packet size: 105" in hub, hub
    devices = fleet.devices.values()
    assert not any(d.debugs or d.debug_conditions or d.nhrp_conditions for d in devices)
